"""`make run`: make sure there is data, run the whole pipeline as the Dagster job
`build_warehouse` in this process, print the summary.

    python -m orchestration.run [--events N] [--days D] [--seed S]

The job is the one the schedules and sensors launch (orchestration/definitions.py): every dbt
layer with its tests, the Great Expectations suites, and whatever else the code location
defines. It runs in-process on an ephemeral Dagster instance, one step at a time (DuckDB has one
writer). Exits non-zero when any step fails.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from orchestration.report import report_path
from orchestration.settings import Settings, load_settings
from orchestration.summary import render_check_results, render_summary

if TYPE_CHECKING:
    from dagster import ExecuteInProcessResult

JOB_NAME = "build_warehouse"

DEFAULT_SAMPLE = {"events": 300_000, "days": 30, "seed": 7}


def landing_has_events(settings: Settings) -> bool:
    events_dir = settings.raw_dir / "events"
    return events_dir.is_dir() and any(
        p.is_file() and not p.name.startswith(".") for p in events_dir.iterdir()
    )


def ensure_sample_data(settings: Settings, events: int, days: int, seed: int) -> None:
    if landing_has_events(settings):
        print(f"Landing directory {settings.raw_dir} holds events; not generating.")
        return
    from orchestration.sample_data import GeneratorConfig, generate

    print(f"Generating the sample data set ({events:,} events, {days} days, seed {seed}) ...")
    started = time.monotonic()
    generate(
        GeneratorConfig(
            events=events, days=days, seed=seed, out_dir=settings.raw_dir,
            truth_dir=settings.truth_dir,
        )
    )
    print(f"  done in {time.monotonic() - started:.1f}s -> {settings.raw_dir}")


def run_pipeline(settings: Settings) -> ExecuteInProcessResult:
    # Absolute paths in the environment: dbt, the checks and the summary must agree on them.
    os.environ.update(settings.dbt_env())
    import dagster as dg

    from orchestration.project import parse_project

    parse_project()
    from orchestration.definitions import defs

    job = defs.resolve_job_def(JOB_NAME)
    log_path = dbt_target_dir() / "make_run" / "dbt_output.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    print(f"Running the Dagster job {JOB_NAME} in-process (dbt output: {log_path}) ...", flush=True)
    # Dagster logs warnings only, and dagster-dbt's copy of dbt's per-node lines goes to the log
    # file: they would bury the summary; the step table and the failures follow the run.
    run_config = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
    with (
        dg.DagsterInstance.ephemeral() as instance,
        log_path.open("w") as log,
        contextlib.redirect_stdout(log),
    ):
        return job.execute_in_process(
            instance=instance, run_config=run_config, raise_on_error=False
        )


def dbt_target_dir() -> Path:
    from orchestration.project import dbt_project

    return dbt_project.project_dir / dbt_project.target_path


def collect_dbt_results(result: ExecuteInProcessResult) -> Path:
    """Merge the run_results.json of the run's dbt invocations (one per layer, each in its own
    target sub-directory) into one, for the summary; the invocation directories are removed."""
    target = dbt_target_dir()
    merged: list[dict] = []
    for invocation in sorted(target.glob(f"*-{result.run_id[:7]}-*")):
        path = invocation / "run_results.json"
        if path.exists():
            merged += json.loads(path.read_text())["results"]
        shutil.rmtree(invocation, ignore_errors=True)
    out = target / "make_run"
    out.mkdir(parents=True, exist_ok=True)
    (out / "run_results.json").write_text(json.dumps({"run_id": result.run_id, "results": merged}))
    return out


def step_report(result: ExecuteInProcessResult) -> tuple[list[str], list[str]]:
    """(step lines, error messages) of the run, steps in build order."""
    status: dict[str, str] = {}
    errors = []
    for event in result.all_events:
        if event.is_step_success:
            status[event.step_key] = "ok"
        elif event.is_step_failure:
            status[event.step_key] = "FAILED"
            errors.append(f"{event.step_key}: {event.event_specific_data.error.message}")
        elif event.is_step_skipped:
            status[event.step_key] = "skipped"
    steps = [node.name for node in result.job_def.nodes_in_topological_order]
    # A step downstream of a failed one never starts and leaves no event.
    lines = [f"  {step:<40} {status.get(step, 'not run')}" for step in steps]
    return lines, errors


def check_results(result: ExecuteInProcessResult) -> list[tuple[str, str, bool, bool]]:
    return [
        (e.asset_key.to_user_string(), e.check_name, e.passed, bool(e.blocking))
        for e in result.get_asset_check_evaluations()
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=DEFAULT_SAMPLE["events"])
    parser.add_argument("--days", type=int, default=DEFAULT_SAMPLE["days"])
    parser.add_argument("--seed", type=int, default=DEFAULT_SAMPLE["seed"])
    args = parser.parse_args(argv)

    settings = load_settings()
    if settings.uses_development_salt:
        print(
            "WARNING: BEHAVIOR_PII_SALT is not set: personal data will be hashed with the "
            "development salt (fine for the sample data, not for real data).",
            file=sys.stderr,
        )
    ensure_sample_data(settings, args.events, args.days, args.seed)
    # DuckDB creates the file but not its folder (absent on a fresh clone).
    settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    result = run_pipeline(settings)
    print(f"Dagster job {JOB_NAME} finished in {time.monotonic() - started:.1f}s")
    lines, errors = step_report(result)
    print("\n".join(["Steps:", *lines]))
    target_dir = collect_dbt_results(result)
    if settings.duckdb_path.exists():
        print(render_summary(settings, target_dir))
    print(render_check_results(check_results(result)))
    if report_path().exists():
        print(f"Report: {report_path()}  (open it in a browser; works offline)")
    if not result.success:
        for error in errors:
            print(error[-4000:], file=sys.stderr)
        print(f"FAILED: the {JOB_NAME} run did not succeed.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
