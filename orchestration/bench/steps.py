"""The steps of one benchmark run, in order, each measured in its own child process.

Work directory layout (`bench/work/events_<N>/` by default, git-ignored):
raw/ (the landing dir the builds read), holdback/events/ (the last day, landed before the
incremental run), truth/, warehouse.duckdb, floor.duckdb, events.parquet, target_<step>/ (dbt
target dirs with run_results.json), logs/<step>.log.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from orchestration.bench.measure import Measurement, StepFailed, failure_message, run_measured
from orchestration.dbt_cli import dbt_executable
from orchestration.settings import DEVELOPMENT_SALT, REPO_ROOT

# The funnel and ClickHouse steps run on the full build's warehouse; then a build with nothing
# new (settle) and the incremental day, which changes the warehouse, come last.
STEPS = ("generate", "floor", "full_build", "funnel", "clickhouse", "settle", "incremental")
# Every seed, model and data test; dbt unit tests check the SQL on fixtures, not the data, and
# belong to CI (make test), not to a production run.
BUILD = ("build", "--exclude-resource-type", "unit_test")
FUNNEL_MODELS = (
    "int_analysis__funnel_events",
    "int_analysis__funnel_ordered",
    "int_analysis__funnel_strict",
    "int_analysis__funnel_unordered",
    "fct_funnel_persons",
    "agg_funnel_steps",
)


@dataclass(frozen=True)
class BenchConfig:
    events: int
    days: int
    seed: int
    work_dir: Path
    memory_limit: str
    threads: int
    fmt: str
    steps: tuple[str, ...]
    chunk_events: int = 10_000_000
    funnel: str = "purchase"
    retention: str = "any_daily"

    @property
    def chunks(self) -> int:
        return max(1, -(-self.events // self.chunk_events))

    @property
    def raw_dir(self) -> Path:
        return self.work_dir / "raw"

    @property
    def holdback_dir(self) -> Path:
        return self.work_dir / "holdback" / "events"

    @property
    def warehouse(self) -> Path:
        return self.work_dir / "warehouse.duckdb"

    @property
    def temp_dir(self) -> Path:
        return self.work_dir / "duckdb_tmp"

    def log(self, step: str) -> Path:
        return self.work_dir / "logs" / f"{step}.log"

    def target(self, step: str) -> Path:
        return self.work_dir / f"target_{step}"


def child_env(cfg: BenchConfig) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        BEHAVIOR_RAW_DIR=str(cfg.raw_dir),
        BEHAVIOR_DUCKDB_PATH=str(cfg.warehouse),
        BEHAVIOR_DUCKDB_MEMORY_LIMIT=cfg.memory_limit,
        BEHAVIOR_DUCKDB_TEMP_DIR=str(cfg.temp_dir),
        DBT_LOG_PATH=str(cfg.work_dir / "logs" / "dbt"),
        DBT_INDIRECT_SELECTION=env.get("DBT_INDIRECT_SELECTION", "cautious"),
    )
    env.setdefault("BEHAVIOR_PII_SALT", DEVELOPMENT_SALT)
    return env


def _python(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


def _dbt(cfg: BenchConfig, step: str, *args: str) -> list[str]:
    return [
        dbt_executable(), *args,
        "--project-dir", str(REPO_ROOT), "--profiles-dir", str(REPO_ROOT),
        "--target-path", str(cfg.target(step)),
    ]


def _measure(cfg: BenchConfig, step: str, command: list[str], check: bool = True) -> Measurement:
    print(f"[bench] {step}: {' '.join(command[:4])} ...", flush=True)
    m = run_measured(
        step, command, env=child_env(cfg), cwd=REPO_ROOT, log_path=cfg.log(step), check=check
    )
    print(
        f"[bench] {step}: wall {m.wall_s:.1f}s, cpu {m.cpu_s:.1f}s, "
        f"peak {m.max_rss_bytes / 2**30:.2f} GiB, load {m.load_after[0]}",
        flush=True,
    )
    return m


def last_day_files(events_dir: Path, window_end_day: str) -> list[Path]:
    """Event files received on the window's last day or later (late deliveries trickle in for a
    few days after the window): what the incremental run lands."""
    held = []
    for path in sorted(events_dir.iterdir()):
        day = path.name.split("_")[1][:8] if path.name.startswith("events_") else ""
        if day >= window_end_day:
            held.append(path)
    return held


def _generate_chunk(cfg: BenchConfig, index: int, events: int, raw: Path, truth: Path) -> tuple:
    step = "generate" if cfg.chunks == 1 else f"generate_c{index}"
    m = _measure(cfg, step, _python(
        "orchestration.sample_data", "--events", str(events), "--days", str(cfg.days),
        "--seed", str(cfg.seed + index), "--out", str(raw), "--truth-out", str(truth),
        "--format", cfg.fmt,
    ))
    return m, json.loads((truth / "manifest.json").read_text())


def _merge_chunk(raw: Path, into: Path, index: int) -> None:
    """Move a chunk's landing files into the landing dir, with the chunk in their names."""
    for sub in ("events", "crm_customers", "consent"):
        (into / sub).mkdir(parents=True, exist_ok=True)
        for path in sorted((raw / sub).glob("*")) if (raw / sub).is_dir() else []:
            stem, _, suffix = path.name.partition(".")
            path.rename(into / sub / f"{stem}_c{index}.{suffix}")


def generate(cfg: BenchConfig) -> Measurement:
    """Generate the landing files (in chunks of at most `chunk_events` events, each chunk its own
    seed and population, when N is larger: the generator holds a run in memory), then hold back
    the last day for the incremental run."""
    for sub in ("raw", "holdback", "truth", "chunks"):
        shutil.rmtree(cfg.work_dir / sub, ignore_errors=True)
    if cfg.chunks == 1:
        m, manifest = _generate_chunk(cfg, 0, cfg.events, cfg.raw_dir, cfg.work_dir / "truth")
        manifests = [manifest]
    else:
        parts, manifests = [], []
        for index in range(cfg.chunks):
            chunk_dir = cfg.work_dir / "chunks" / f"c{index}"
            part, manifest = _generate_chunk(
                cfg, index, cfg.events // cfg.chunks, chunk_dir / "raw", chunk_dir / "truth"
            )
            _merge_chunk(chunk_dir / "raw", cfg.raw_dir, index)
            parts.append(part)
            manifests.append(manifest)
        m = parts[0]
        m.name = "generate"
        m.wall_s = round(sum(p.wall_s for p in parts), 3)
        m.user_s = round(sum(p.user_s for p in parts), 3)
        m.sys_s = round(sum(p.sys_s for p in parts), 3)
        m.max_rss_bytes = max(p.max_rss_bytes for p in parts)
        m.load_after = parts[-1].load_after
    end = dt.date.fromisoformat(manifests[0]["window"]["end"][:10])  # exclusive: the day after
    last_day = (end - dt.timedelta(days=1)).strftime("%Y%m%d")
    held = last_day_files(cfg.raw_dir / "events", last_day)
    cfg.holdback_dir.mkdir(parents=True, exist_ok=True)
    for path in held:
        path.rename(cfg.holdback_dir / path.name)
    first_load = sorted((cfg.raw_dir / "events").iterdir())
    lines = sum(x["counts"]["lines"] for x in manifests)
    held_lines = _count_lines(sorted(cfg.holdback_dir.iterdir()))
    m.extra = {
        "chunks": cfg.chunks,
        "lines": lines,
        "good_events": sum(x["counts"]["good_events"] for x in manifests),
        "last_day": last_day,
        "lines_first_load": lines - held_lines,
        "lines_last_day": held_lines,
        "files_first_load": len(first_load),
        "bytes_first_load": sum(p.stat().st_size for p in first_load),
        "files_last_day": len(held),
        "bytes_last_day": sum(p.stat().st_size for p in cfg.holdback_dir.iterdir()),
    }
    return m


def _count_lines(files: list[Path]) -> int:
    """Lines (JSON files) and rows (Parquet) in landing files."""
    import duckdb  # noqa: PLC0415

    total = 0
    con = duckdb.connect()
    for path in files:
        if path.name.endswith(".parquet"):
            total += con.execute(f"select count(*) from read_parquet('{path}')").fetchone()[0]
        else:
            opener = gzip.open if path.name.endswith(".gz") else open
            with opener(path, "rb") as fh:
                total += sum(1 for line in fh if line.strip())
    con.close()
    return total


def floor(cfg: BenchConfig) -> Measurement:
    out = cfg.work_dir / "floor.json"
    m = _measure(cfg, "floor", _python(
        "orchestration.bench.floor", "--raw", str(cfg.raw_dir),
        "--db", str(cfg.work_dir / "floor.duckdb"), "--memory-limit", cfg.memory_limit,
        "--threads", str(cfg.threads), "--out", str(out),
    ))
    m.extra = json.loads(out.read_text())
    (cfg.work_dir / "floor.duckdb").unlink(missing_ok=True)
    return m


def model_layer(path: str) -> str:
    """models/<layer>/<area>/x.sql -> '<layer>/<area>' (models/bi/x.sql -> 'bi')."""
    parts = path.split("/")[1:-1]
    return "/".join(parts[:2]) or "models"


def dbt_results(target: Path) -> dict:
    """Per-node timings and statuses of a dbt invocation (run_results.json)."""
    data = json.loads((target / "run_results.json").read_text())
    manifest_file = target / "manifest.json"
    manifest = json.loads(manifest_file.read_text())["nodes"] if manifest_file.exists() else {}
    nodes = []
    for r in data["results"]:
        kind, _, *rest = r["unique_id"].split(".")
        name = rest[0] if kind == "test" else ".".join(rest)  # tests end with a hash
        node = manifest.get(r["unique_id"], {})
        config = node.get("config", {})
        nodes.append({
            "name": name, "type": kind, "status": r["status"],
            "materialized": config.get("materialized") if kind == "model" else None,
            "layer": model_layer(node.get("original_file_path", "")) if kind == "model" else kind,
            "seconds": round(r["execution_time"], 3),
            "rows": (r.get("adapter_response") or {}).get("rows_affected"),
        })
    by_type: dict[str, float] = {}
    for n in nodes:
        key = f"model ({n['materialized']})" if n["materialized"] else n["type"]
        by_type[key] = round(by_type.get(key, 0.0) + n["seconds"], 3)
    by_layer: dict[str, float] = {}
    for n in nodes:
        by_layer[n["layer"]] = round(by_layer.get(n["layer"], 0.0) + n["seconds"], 3)
    failed = [n["name"] for n in nodes if n["status"] in ("error", "fail")]
    return {"elapsed_s": round(data["elapsed_time"], 3), "seconds_by_type": by_type,
            "seconds_by_layer": by_layer, "failed": failed, "nodes": nodes}


def _dbt_step(cfg: BenchConfig, step: str, command: list[str]) -> Measurement:
    """A dbt step; failing dbt *tests* are recorded (the timings still count), failing models
    stop the run."""
    results_file = cfg.target(step) / "run_results.json"
    results_file.unlink(missing_ok=True)
    m = _measure(cfg, step, command, check=False)
    if m.returncode != 0:
        if not results_file.exists():
            raise StepFailed(failure_message(m))
        results = dbt_results(cfg.target(step))
        if any(n["status"] == "error" and n["type"] in ("model", "seed") for n in results["nodes"]):
            raise StepFailed(failure_message(m))
        print(f"[bench] {step}: dbt tests failed: {results['failed']}", flush=True)
    m.extra = dbt_results(cfg.target(step))
    return m


def full_build(cfg: BenchConfig) -> Measurement:
    for path in (cfg.warehouse, cfg.warehouse.with_name(cfg.warehouse.name + ".wal")):
        path.unlink(missing_ok=True)
    return _dbt_step(cfg, "full_build", _dbt(cfg, "full_build", *BUILD, "--full-refresh"))


def _reuse_parse_state(cfg: BenchConfig, step: str) -> None:
    """A scheduled run reuses its project's target folder, so dbt parses only what changed since
    the last run (here nothing): start from the full build's partial-parse state."""
    parsed = cfg.target("full_build") / "partial_parse.msgpack"
    if parsed.is_file():
        cfg.target(step).mkdir(parents=True, exist_ok=True)
        shutil.copy2(parsed, cfg.target(step) / parsed.name)


def settle(cfg: BenchConfig) -> Measurement:
    """`dbt build` again with nothing new landed. It does what a first build defers (an erase
    request waits for an identity map, which the first build is still making; this run applies
    every request to the whole history) and measures the fixed cost of a run: the tables that
    rebuild and the data tests. The incremental day after it is a day in steady state."""
    _reuse_parse_state(cfg, "settle")
    return _dbt_step(cfg, "settle", _dbt(cfg, "settle", *BUILD))


def incremental(cfg: BenchConfig) -> Measurement:
    for path in sorted(cfg.holdback_dir.iterdir()):
        path.rename(cfg.raw_dir / "events" / path.name)
    _reuse_parse_state(cfg, "incremental")
    return _dbt_step(cfg, "incremental", _dbt(cfg, "incremental", *BUILD))


def funnel(cfg: BenchConfig) -> Measurement:
    """Our funnel models for the compared funnel alone (no breakdowns, as windowFunnel has none),
    on the built warehouse."""
    from orchestration.bench.clickhouse import analysis_config  # noqa: PLC0415

    spec = dict(analysis_config(cfg.funnel, "funnels"), breakdowns=[])
    m = _dbt_step(cfg, "funnel", _dbt(
        cfg, "funnel", "run", "--select", *FUNNEL_MODELS, "--vars", json.dumps({"funnels": [spec]})
    ))
    m.extra.update(funnel_seconds(m.extra))
    return m


def funnel_seconds(extra: dict) -> dict:
    """The ordered funnel's model seconds: reading its events, the ordered chains, the persons
    and the step counts (the strict and unordered models are in the selection only so that
    fct_funnel_persons reads current, empty tables; they do no work for an ordered funnel)."""
    seconds = {n["name"]: n["seconds"] for n in extra["nodes"]}
    ordered = [n for n in FUNNEL_MODELS if "strict" not in n and "unordered" not in n]
    return {
        "funnel_s": round(sum(seconds[n] for n in ordered), 3),
        "ordered_core_s": round(
            sum(seconds[n] for n in ordered if n != "int_analysis__funnel_events"), 3
        ),
    }


_LOG_NODE = re.compile(
    r"^(?P<clock>\d\d:\d\d:\d\d)\s+\d+ of (?P<total>\d+) (?:OK created sql (?P<mat>\w+) model "
    r"[\w]+\.(?P<model>\w+)|PASS (?P<test>\w+)|FAIL \d+ (?P<failed>\w+)).*in (?P<s>[\d.]+)s\]"
)


def dbt_log_nodes(log_path: Path) -> dict:
    """The nodes a dbt invocation has finished so far, from its console log (for a step that is
    still running when the results are written: run_results.json only appears at the end)."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", log_path.read_text(errors="replace"))
    nodes, total, clock = [], None, None
    for line in text.splitlines():
        match = _LOG_NODE.match(line)
        if not match:
            continue
        total, clock = int(match["total"]), match["clock"]
        name = match["model"] or match["test"] or match["failed"]
        nodes.append({
            "name": name, "type": "model" if match["model"] else "test",
            "status": "fail" if match["failed"] else "success",
            "materialized": match["mat"], "seconds": float(match["s"]),
        })
    by_type: dict[str, float] = {}
    for n in nodes:
        key = f"model ({n['materialized']})" if n["materialized"] else n["type"]
        by_type[key] = round(by_type.get(key, 0.0) + n["seconds"], 3)
    return {"finished_nodes": len(nodes), "total_nodes": total, "last_log_clock": clock,
            "seconds_by_type": by_type, "nodes": nodes}


def refresh_dbt_figures(result: dict, work_dir: Path) -> None:
    """Re-read the dbt steps' run_results.json (e.g. after the report learnt a new figure)."""
    for step in ("full_build", "settle", "incremental", "funnel"):
        target = work_dir / f"target_{step}"
        if step in result["steps"] and (target / "run_results.json").exists():
            extra = dbt_results(target)
            if step == "funnel":
                extra.update(funnel_seconds(extra))
            result["steps"][step]["extra"] = extra


def clickhouse(cfg: BenchConfig) -> Measurement:
    out = cfg.work_dir / "clickhouse.json"
    m = _measure(cfg, "clickhouse", _python(
        "orchestration.bench.clickhouse", "--warehouse", str(cfg.warehouse),
        "--parquet", str(cfg.work_dir / "events.parquet"), "--funnel", cfg.funnel,
        "--retention", cfg.retention, "--out", str(out),
    ))
    m.extra = json.loads(out.read_text())
    return m


RUNNERS = {
    "generate": generate,
    "floor": floor,
    "full_build": full_build,
    "settle": settle,
    "incremental": incremental,
    "funnel": funnel,
    "clickhouse": clickhouse,
}
