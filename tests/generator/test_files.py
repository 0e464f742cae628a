"""The landing contract: file names, order, counts, formats, and that reruns are byte-identical."""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq

from orchestration.sample_data import GeneratorConfig, generate
from tests.generator.checks import RECEIVED_RE, TS_RE, parse_ts
from tests.generator.conftest import EVENTS, Dataset, build


def _digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_and_other_seed_differs(tmp_path: Path) -> None:
    def run(name: str, seed: int) -> dict[str, str]:
        generate(GeneratorConfig(events=5000, days=7, seed=seed, out_dir=tmp_path / name / "raw"))
        return _digest(tmp_path / name)

    first, second, other = run("a", 5), run("b", 5), run("c", 6)
    assert first == second
    assert any(k.startswith("raw/events/") for k in first)
    changed = [k for k in first if k.startswith("raw/events/") and first[k] != other.get(k)]
    assert len(changed) > len([k for k in first if k.startswith("raw/events/")]) // 2


def test_total_is_near_the_target(mixed: Dataset) -> None:
    assert abs(len(mixed.lines) - EVENTS) <= 0.10 * EVENTS
    assert mixed.manifest["counts"]["lines"] == len(mixed.lines)


def test_manifest_counts_match_the_files(mixed: Dataset) -> None:
    per_file = Counter(ln.file for ln in mixed.lines)
    assert {f["name"]: f["lines"] for f in mixed.manifest["files"]} == dict(per_file)
    reasons = Counter(r["reason"] for r in mixed.truth_rows("bad_rows.csv"))
    counts = mixed.manifest["counts"]
    assert reasons.pop("duplicate_message_id") == counts["duplicates"]
    assert dict(reasons) == {k: v for k, v in counts["bad_rows_by_reason"].items() if v}
    assert counts["good_events"] + counts["duplicates"] + counts["bad_rows"] == counts["lines"]
    assert counts["good_events"] == len(mixed.good())
    for f in mixed.manifest["files"]:
        assert (mixed.out / "events" / f["name"]).stat().st_size == f["bytes"]


def test_files_are_named_by_receive_day_and_sorted(mixed: Dataset) -> None:
    last: dict[str, str] = {}
    for ln in mixed.lines:
        rec = ln.record
        if rec is None or "received_at" not in rec:
            continue  # a truncated line lost its received_at; its neighbours still count
        received = rec["received_at"]
        assert RECEIVED_RE.match(received), received
        assert ln.file.startswith("events_" + received[:10].replace("-", "")), (ln.file, received)
        assert received >= last.get(ln.file, ""), f"{ln.file}:{ln.number} out of order"
        last[ln.file] = received


def test_mixed_format_splits_channels_by_file(mixed: Dataset) -> None:
    kinds = {"_web.jsonl": {"web", "server", "offline"}, "_app.jsonl.gz": {"app", "iot"},
             "_mp.parquet": {"miniprogram"}}
    seen: dict[str, set[str]] = {k: set() for k in kinds}
    for ln in mixed.good():
        suffix = next(k for k in kinds if ln.file.endswith(k))
        seen[suffix].add(ln.record["context"]["channel"])
    for suffix, channels in kinds.items():
        assert seen[suffix] and seen[suffix] <= channels, (suffix, seen[suffix])
    # bad rows are raw text: they never go to Parquet
    assert not any(f.endswith(".parquet") for f, _ in mixed.bad()
                   if mixed.bad()[(f, _)]["reason"] != "duplicate_message_id")


def test_timestamps_carry_offsets(mixed: Dataset) -> None:
    offsets = Counter()
    for ln in mixed.good():
        ts = ln.record["timestamp"]
        assert TS_RE.match(ts), ts
        offsets["Z" if ts.endswith("Z") else "+08:00"] += 1
        lag = parse_ts(ln.record["received_at"]) - parse_ts(ts)
        assert lag.total_seconds() >= 0.05
    assert offsets["+08:00"] > 4 * offsets["Z"] > 0


def test_parquet_rows_have_the_json_shape(mixed: Dataset) -> None:
    path = next((mixed.out / "events").glob("*_mp.parquet"))
    table = pq.read_table(path)
    assert set(table.schema.names) == {"message_id", "type", "event", "name", "timestamp",
                                       "anonymous_id", "user_id", "context", "properties",
                                       "traits", "received_at"}
    assert str(table.schema.field("timestamp").type) == "string"
    json_keys = set()
    for ln in mixed.good():
        if ln.text is not None and ln.record["context"]["channel"] == "app":
            json_keys |= set(ln.record["context"])
    parquet_ctx = {f.name for f in table.schema.field("context").type}
    assert json_keys <= parquet_ctx


def test_plain_gzip_format(plain_gz: Dataset) -> None:
    names = [p.name for p in (plain_gz.out / "events").iterdir()]
    assert names and all(n.endswith(".jsonl.gz") and "_" not in n[len("events_"):] for n in names)
    path = plain_gz.out / "events" / sorted(names)[0]
    with path.open("rb") as fh:
        assert fh.read(2) == b"\x1f\x8b"
    assert gzip.decompress(path.read_bytes()).decode("utf-8").count("\n") == next(
        f["lines"] for f in plain_gz.manifest["files"] if f["name"] == path.name)
    bad_files = {f for f, _ in plain_gz.bad()}
    assert bad_files and all(f.endswith(".jsonl.gz") for f in bad_files)


def test_cli_writes_truth_beside_the_landing_dir(tmp_path: Path) -> None:
    out = tmp_path / "data" / "raw"
    subprocess.run(
        [sys.executable, "-m", "orchestration.sample_data", "--events", "3000", "--days", "5",
         "--seed", "2", "--out", str(out), "--format", "parquet", "--start-date", "2026-03-01"],
        check=True, capture_output=True, cwd=Path(__file__).resolve().parents[2],
    )
    truth = tmp_path / "data" / "truth"
    manifest = json.loads((truth / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["parameters"]["start_date"] == "2026-03-01"
    names = sorted(p.name for p in (out / "events").iterdir())
    assert names[0] == "events_20260301.parquet"
    assert manifest["counts"]["bad_rows"] == 0  # nothing raw to spoil in Parquet
    assert (out / "crm_customers" / "customers.csv").read_text(encoding="utf-8").startswith(
        "customer_id,user_id,phone,email,name,member_level,tags,created_at,updated_at\n")
    assert (out / "consent" / "consent.csv").read_text(encoding="utf-8").startswith(
        "identifier_type,identifier_value,purpose,action,requested_at\n")


def test_rerun_replaces_files_of_an_earlier_run(tmp_path: Path) -> None:
    ds = build(tmp_path, events=3000, days=8)
    build(tmp_path, events=3000, days=3)
    names = {p.name for p in (tmp_path / "raw" / "events").iterdir()}
    assert len(names) < len({ln.file for ln in ds.lines})


def test_one_day_window(tmp_path: Path) -> None:
    ds = build(tmp_path, events=2000, days=1, fmt="jsonl")
    start = parse_ts(ds.manifest["window"]["start"])
    end = parse_ts(ds.manifest["window"]["end"])
    good = ds.good()
    assert good and all(start <= parse_ts(ln.record["timestamp"]) < end for ln in good)
    assert sum(1 for ln in good if parse_ts(ln.record["received_at"]) >= end) < 0.1 * len(good)
