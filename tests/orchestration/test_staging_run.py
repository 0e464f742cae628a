"""The staging layer and its quality checks, run through Dagster in-process on hand-written
landing data: a clean run passes every check; planted junk fails the blocking quarantine check,
which stops what is downstream; every result lands in the results table.

Each test costs one dbt build of the staging layer (tens of seconds here)."""

from __future__ import annotations

import shutil

import dagster as dg
import pytest

from tests.conftest import FIXTURES
from tests.warehouse import Warehouse

STAGING_OP = "staging_dbt_assets"
EVENTS = dg.AssetKey(["staging", "stg_tracking__events"])
STAGING_CHECKS = {"gx_events_schema", "gx_events_required_fields", "gx_events_timestamps_parsed",
                  "gx_events_in_tracking_plan", "gx_quarantine_share"}


def land_fixtures(wh: Warehouse) -> None:
    for source in sorted((FIXTURES / "staging").glob("*.jsonl")):
        wh.land(source)


def staging_keys(defs: dg.Definitions) -> set[dg.AssetKey]:
    assets = [a for a in defs.assets if isinstance(a, dg.AssetsDefinition)]
    return set(next(a for a in assets if a.op.name == STAGING_OP).keys)


def run(defs: dg.Definitions, keys: set[dg.AssetKey]) -> dg.ExecuteInProcessResult:
    job = defs.resolve_job_def("build_warehouse")
    with dg.instance_for_test() as instance:  # a temporary DAGSTER_HOME
        return job.execute_in_process(
            asset_selection=sorted(keys), instance=instance, raise_on_error=False
        )


def results_table(wh: Warehouse, run_id: str) -> dict[str, bool]:
    rows = wh.query(
        f"select check_name, passed from audit.audit_quality_results where run_id = '{run_id}'"
    )
    return dict(rows)


def test_clean_landing_passes_every_staging_check(defs, pipeline_env: Warehouse) -> None:
    land_fixtures(pipeline_env)
    result = run(defs, staging_keys(defs))
    assert result.success
    evaluations = result.get_asset_check_evaluations()
    failed = [(e.asset_key, e.check_name) for e in evaluations if not e.passed]
    assert failed == []
    gx = {e.check_name for e in evaluations if e.check_name.startswith("gx_")}
    assert gx == STAGING_CHECKS
    assert any(e.check_name == "every_raw_row_accounted_for_stg_tracking__events_"
               for e in evaluations), "dbt tests run as checks"
    assert results_table(pipeline_env, result.run_id) == {name: True for name in STAGING_CHECKS}
    share = next(e for e in evaluations if e.check_name == "gx_quarantine_share")
    assert share.metadata["observed_quarantine_share"].value == pytest.approx(10 / 14)


def test_mostly_quarantined_landing_blocks_downstream(defs, pipeline_env: Warehouse) -> None:
    land_fixtures(pipeline_env)
    junk = pipeline_env.raw_dir / "events" / "events_20261003_broken_tracker.jsonl"
    junk.write_text("".join(f"not json {n}\n" for n in range(30)))
    graph = defs.resolve_asset_graph()
    staging = staging_keys(defs)
    downstream = {key for key in graph.get(EVENTS).child_keys if key not in staging}
    assert downstream, "something outside staging reads stg_tracking__events"

    result = run(defs, staging | downstream)

    assert not result.success
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert not evaluations["gx_quarantine_share"].passed
    assert evaluations["gx_quarantine_share"].blocking
    assert evaluations["gx_events_schema"].passed
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert EVENTS in materialized and not materialized & downstream
    failed_steps = {e.step_key for e in result.all_events if e.is_step_failure}
    assert failed_steps == {"staging_quality_checks"}
    recorded = results_table(pipeline_env, result.run_id)
    assert recorded["gx_quarantine_share"] is False and recorded["gx_events_schema"] is True


def test_results_accumulate_across_runs(defs, pipeline_env: Warehouse) -> None:
    """Quick: the results table is appended to, one row per check and run (no dbt needed)."""
    from orchestration.checks.warehouse import write_results

    pipeline_env.settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    row = {"run_id": "r1", "check_name": "gx_x", "asset_key": "a", "passed": True,
           "blocking": True, "severity": "ERROR", "observed": "{}", "thresholds": "{}",
           "checked_at": None}
    write_results(pipeline_env.settings, "audit.audit_quality_results", [row])
    write_results(pipeline_env.settings, "audit.audit_quality_results", [{**row, "run_id": "r2"}])
    assert pipeline_env.query("select count(*) from audit.audit_quality_results") == [(2,)]
    shutil.rmtree(pipeline_env.root / "target", ignore_errors=True)


def test_a_batch_that_cannot_be_read_fails_its_check_only(pipeline_env: Warehouse) -> None:
    """Quick: a missing relation or column is that check's failure, not the suite op's crash."""
    from orchestration.checks.warehouse import read_batches

    path = pipeline_env.settings.duckdb_path
    path.parent.mkdir(parents=True, exist_ok=True)
    import duckdb

    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts; create table marts.fct_sessions (session_id varchar)")
    batches = read_batches(
        pipeline_env.settings,
        {"ok": "select * from {fct_sessions}", "missing": "select * from {fct_events}",
         "bad_column": "select session_end from {fct_sessions}"},
    )
    assert len(batches["ok"]) == 0
    assert isinstance(batches["missing"], LookupError)
    assert isinstance(batches["bad_column"], duckdb.Error)
