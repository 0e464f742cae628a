"""`make bench` / `python -m orchestration.bench --events N`: one benchmark run, its JSON result
and Markdown report in bench/results/ (events_<N>.json, events_<N>.md)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from orchestration.bench import report
from orchestration.bench.steps import RUNNERS, STEPS, BenchConfig
from orchestration.settings import REPO_ROOT


def machine_facts() -> dict:
    cpu_model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu_model = line.split(":", 1)[1].strip()
            break
    mem_kib = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model,
        "mem_total_gib": round(mem_kib / 2**20, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "duckdb": metadata.version("duckdb"),
        "dbt_core": metadata.version("dbt-core"),
        "dbt_duckdb": metadata.version("dbt-duckdb"),
        "chdb": metadata.version("chdb"),
        "disk_free_gib": round(shutil.disk_usage(REPO_ROOT).free / 2**30, 1),
    }


def git_commit() -> str:
    """The checked-out commit (+dirty with uncommitted changes); BENCH_COMMIT when the suite runs
    from an exported copy of the tree."""
    if os.environ.get("BENCH_COMMIT"):
        return os.environ["BENCH_COMMIT"]
    out = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True,
        check=False,
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO_ROOT,
        capture_output=True, text=True, check=False,
    )
    return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m orchestration.bench", description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--format", default="mixed", dest="fmt",
                        help="sample data format (see python -m orchestration.sample_data)")
    parser.add_argument("--chunk-events", type=int, default=10_000_000,
                        help="generate larger N in chunks of this many events (own seed each)")
    parser.add_argument("--steps", default=",".join(STEPS),
                        help=f"comma-separated subset of {','.join(STEPS)} (in this order)")
    parser.add_argument("--work-dir", type=Path, default=None,
                        help="scratch folder (default bench/work/events_<N>)")
    parser.add_argument("--results-dir", type=Path, default=REPO_ROOT / "bench" / "results")
    parser.add_argument("--memory-limit",
                        default=os.environ.get("BEHAVIOR_DUCKDB_MEMORY_LIMIT", "6GB"),
                        help="DuckDB memory_limit of every step (default 6GB: DuckDB's own "
                             "allocations outside the buffer pool stay under the 8 GiB target)")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2,
                        help="DuckDB threads of the floor (dbt's DuckDB uses every core)")
    parser.add_argument("--note", default="",
                        help="a sentence for the report (e.g. what else ran on the machine)")
    parser.add_argument("--resume", action="store_true",
                        help="carry the steps not listed in --steps over from the existing "
                             "result (events_<N>.json) and reuse the work folder's landing "
                             "files: e.g. --resume --steps full_build,funnel,clickhouse,"
                             "incremental after a stopped run")
    parser.add_argument("--keep", action="store_true",
                        help="keep the work folder (landing files, warehouse) afterwards")
    return parser.parse_args(argv)


def write_results(
    args: argparse.Namespace,
    stem: Path,
    started: dt.datetime,
    measured: dict[str, dict],
    targets: dict,
    *,
    done: bool,
) -> str:
    result = {
        "events": args.events,
        "generated_lines": measured["generate"]["extra"]["lines"],
        "days": args.days,
        "seed": args.seed,
        "format": args.fmt,
        "memory_limit": args.memory_limit,
        "started_at": started.strftime("%Y-%m-%d %H:%M"),
        "finished_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
        "complete": done,
        "commit": git_commit(),
        "machine": machine_facts(),
        "note": args.note,
        "steps": measured,
        "targets_reference_events": targets["reference_events"],
    }
    result["ratios"] = report.ratios(measured)
    result["targets"] = report.check_targets(result, targets)
    stem.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n")
    markdown = report.render_markdown(result)
    stem.with_suffix(".md").write_text(markdown)
    return markdown


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    steps = tuple(s.strip() for s in args.steps.split(",") if s.strip())
    unknown = set(steps) - set(STEPS)
    if unknown:
        raise SystemExit(f"unknown steps {sorted(unknown)}; known: {', '.join(STEPS)}")
    steps = tuple(s for s in STEPS if s in steps)
    if "generate" not in steps and not args.resume:
        raise SystemExit("every run starts with the generate step (or give --resume)")
    label = report.size_label(args.events)
    work_dir = (args.work_dir or REPO_ROOT / "bench" / "work" / f"events_{label}").resolve()
    work_dir.mkdir(parents=True, exist_ok=True)
    cfg = BenchConfig(
        events=args.events, days=args.days, seed=args.seed, work_dir=work_dir,
        memory_limit=args.memory_limit, threads=args.threads, fmt=args.fmt, steps=steps,
        chunk_events=args.chunk_events,
    )
    targets = report.load_targets()
    started = dt.datetime.now(dt.UTC)
    measured: dict[str, dict] = {}
    args.results_dir.mkdir(parents=True, exist_ok=True)
    stem = args.results_dir / f"events_{label}"
    carried: dict[str, dict] = {}
    if args.resume:
        earlier = json.loads(stem.with_suffix(".json").read_text())["steps"]
        carried = {s: m for s, m in earlier.items() if s not in steps}
        if "generate" not in steps and "generate" not in carried:
            raise SystemExit(f"--resume: {stem}.json has no generate step to carry over")
    for step in STEPS:
        if step in carried:
            measured[step] = carried[step]
            continue
        if step not in steps:
            continue
        measured[step] = RUNNERS[step](cfg).to_json()
        # written after every step, so a long run that is stopped still leaves its figures
        markdown = write_results(args, stem, started, measured, targets, done=step == steps[-1])
        if carried:
            print(f"[bench] carried over from the earlier run: {', '.join(carried)}", flush=True)
    print(markdown)
    print(f"[bench] results: {stem}.json, {stem}.md")
    if not args.keep:
        for sub in ("raw", "holdback", "truth", "chunks", "duckdb_tmp"):
            shutil.rmtree(work_dir / sub, ignore_errors=True)
        for name in ("warehouse.duckdb", "warehouse.duckdb.wal", "events.parquet"):
            (work_dir / name).unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
