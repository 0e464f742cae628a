"""Documentation coverage: every staging and marts model and column is described (the YAML is
compared with the columns of the relations actually built), and the check catches gaps."""

from __future__ import annotations

import json

from orchestration.docs_coverage import built_columns, coverage
from tests.warehouse import Warehouse


def test_staging_and_marts_are_fully_documented(sample_warehouse: Warehouse) -> None:
    manifest = json.loads((sample_warehouse.root / "target" / "manifest.json").read_text())
    result = coverage(
        manifest, built_columns(sample_warehouse.settings.duckdb_path), ["staging", "marts"]
    )
    assert set(result) == {"staging", "marts"}
    for layer in result.values():
        assert layer.models > 0 and layer.columns > layer.models
        assert layer.missing == [], f"{layer.layer}: {layer.missing}"
        assert layer.percent == 100.0


def _node(name: str, layer: str, description: str, columns: dict[str, str]) -> dict:
    return {
        "resource_type": "model",
        "name": name,
        "alias": name,
        "fqn": ["behavior_warehouse", layer, "area", name],
        "description": description,
        "columns": {c: {"name": c, "description": d} for c, d in columns.items()},
    }


def test_gaps_are_counted() -> None:
    manifest = {
        "nodes": {
            "model.a": _node("fct_a", "marts", "A fact.", {"id": "The id.", "x": " "}),
            "model.b": _node("fct_b", "marts", "", {"id": "The id."}),
            "model.c": _node("stg_c", "staging", "C.", {"id": "The id."}),
            "test.t": {"resource_type": "test", "name": "t", "fqn": ["p", "marts", "t"]},
        }
    }
    built = {"fct_a": ["id", "x", "y"], "fct_b": ["id"], "stg_c": ["ID"]}
    result = coverage(manifest, built)
    marts = result["marts"]
    assert (marts.models, marts.models_documented) == (2, 1)
    # fct_a: id ok, x blank, y built but not in YAML; fct_b: id ok
    assert (marts.columns, marts.columns_documented) == (4, 2)
    assert sorted(marts.missing) == [
        "fct_a.x (no description)",
        "fct_a.y (built but not in YAML)",
        "fct_b (model description)",
    ]
    assert marts.percent == 100.0 * 3 / 6
    assert result["staging"].percent == 100.0  # column names compare case-insensitively
