"""docs/bi.md: every mart has a worked example query, and every query runs on the sample
warehouse and returns rows."""

from __future__ import annotations

import json
import re

import pytest

from orchestration.settings import REPO_ROOT
from tests.warehouse import Warehouse

DOC = REPO_ROOT / "docs" / "bi.md"


def example_queries() -> dict[str, str]:
    """`#### \\`relation\\` — ...` heading -> the ```sql block under it."""
    text = DOC.read_text(encoding="utf-8")
    pattern = re.compile(r"^#### `(\w+)`[^\n]*\n+```sql\n(.*?)```", re.M | re.S)
    return {name: sql for name, sql in pattern.findall(text)}


def test_every_mart_has_an_example(sample_warehouse: Warehouse) -> None:
    manifest = json.loads((sample_warehouse.root / "target" / "manifest.json").read_text())
    marts = {
        node["name"] for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["fqn"][1] == "marts"
    }
    assert len(marts) >= 30
    assert marts <= set(example_queries()), sorted(marts - set(example_queries()))


@pytest.mark.parametrize("name", sorted(example_queries()))
def test_example_query_runs(sample_warehouse: Warehouse, name: str) -> None:
    sql = example_queries()[name]
    assert re.search(rf"\b{name}\b", sql), "the example queries its own relation"
    rows = sample_warehouse.query(sql)
    assert rows, f"{name}: no rows"
