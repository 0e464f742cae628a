"""Small generated data sets shared by the generator tests (built once per session)."""

from __future__ import annotations

import csv
import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from orchestration.sample_data import GenerationResult, GeneratorConfig, generate

EVENTS = 15_000


@dataclass
class Line:
    file: str
    number: int  # 1-based, after decompression
    text: str | None  # raw text (JSON files); None for Parquet rows
    record: dict[str, Any] | None  # parsed object, None when the text is not valid JSON


@dataclass
class Dataset:
    result: GenerationResult
    out: Path
    truth: Path
    manifest: dict[str, Any]
    lines: list[Line] = field(default_factory=list)

    def truth_rows(self, name: str) -> list[dict[str, str]]:
        with (self.truth / name).open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    def bad(self) -> dict[tuple[str, int], dict[str, str]]:
        rows = self.truth_rows("bad_rows.csv")
        return {(r["source_file"], int(r["line_number"])): r for r in rows}

    def good(self) -> list[Line]:
        bad = self.bad()
        return [ln for ln in self.lines if (ln.file, ln.number) not in bad]


def _strip_nulls(value: Any) -> Any:
    # a Parquet row has every key of the union schema; absent keys are nulls
    if isinstance(value, dict):
        out = {k: _strip_nulls(v) for k, v in value.items() if v is not None}
        return {k: v for k, v in out.items() if v != {}}
    return value


def read_lines(events_dir: Path) -> list[Line]:
    lines: list[Line] = []
    for path in sorted(events_dir.iterdir()):
        if path.suffix == ".parquet":
            for i, row in enumerate(pq.read_table(path).to_pylist(), start=1):
                lines.append(Line(path.name, i, None, _strip_nulls(row)))
            continue
        opener = gzip.open if path.name.endswith(".gz") else open
        with opener(path, "rt", encoding="utf-8", newline="") as fh:
            content = fh.read()
        assert content.endswith("\n"), f"{path.name} does not end with a newline"
        assert "\r" not in content
        for i, text in enumerate(content[:-1].split("\n"), start=1):
            try:
                record = json.loads(text)
            except json.JSONDecodeError:
                record = None
            lines.append(Line(path.name, i, text, record))
    return lines


def build(root: Path, **kwargs: Any) -> Dataset:
    cfg = GeneratorConfig(out_dir=root / "raw", **{"events": EVENTS, "seed": 11, **kwargs})
    result = generate(cfg)
    manifest = json.loads((result.truth_dir / "manifest.json").read_text(encoding="utf-8"))
    ds = Dataset(result=result, out=result.out_dir, truth=result.truth_dir, manifest=manifest)
    ds.lines = read_lines(result.out_dir / "events")
    return ds


@pytest.fixture(scope="session")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return build(tmp_path_factory.mktemp("mixed"))


@pytest.fixture(scope="session")
def plain_gz(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    return build(tmp_path_factory.mktemp("gz"), events=6000, days=10, fmt="jsonl.gz", seed=3)
