"""The code location loads and is shaped as documented (docs/orchestration.md). Fast: no dbt
run beyond the one `dbt parse` of the fresh-clone import."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import dagster as dg
import yaml

from orchestration.settings import REPO_ROOT

GROUPS = {"landing", "staging", "identity", "sessions", "analysis", "activation", "marketing",
          "predictive", "quality", "reports"}


def test_definitions_import_on_a_fresh_clone(fresh_import, dbt_target: Path) -> None:
    assert fresh_import.returncode == 0, fresh_import.stderr[-3000:]
    loaded = json.loads(fresh_import.stdout.strip().splitlines()[-1])
    assert Path(loaded["manifest"]) == dbt_target / "manifest.json"
    assert (dbt_target / "manifest.json").exists()
    assert {"build_warehouse", "quality_checks"} <= set(loaded["jobs"])
    assert loaded["assets"] > 10


def test_definitions_resolve_jobs_assets_and_checks(defs: dg.Definitions) -> None:
    jobs = {job.name for job in defs.resolve_all_job_defs()}
    assert {"build_warehouse", "quality_checks"} <= jobs
    graph = defs.resolve_asset_graph()
    groups = {graph.get(key).group_name for key in graph.get_all_asset_keys()}
    assert groups <= GROUPS and {"landing", "staging", "quality"} <= groups
    check_names = {key.name for key in graph.asset_check_keys}
    assert {"gx_events_schema", "gx_quarantine_share", "gx_events_in_tracking_plan"} <= check_names
    assert any(name.startswith("not_null_") for name in check_names), "dbt tests are checks"
    assert {s.name for s in defs.schedules} == {"hourly_warehouse_build", "daily_quality_run"}
    assert {s.name for s in defs.sensors} == {"new_landing_events", "trigger_action_delivery"}
    assert "deliver_trigger_actions_job" in jobs
    report = graph.get(dg.AssetKey(["reports", "behavior_report"]))
    assert dg.AssetKey(["ml", "ml_anomaly_scores"]) in report.parent_keys
    assert any(key.path[-1] == "fct_events" for key in report.parent_keys)


def test_landing_folders_are_external_assets_upstream_of_staging(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    landing = {dg.AssetKey(["landing", t]) for t in ("events", "crm_customers", "consent")}
    for key in landing:
        node = graph.get(key)
        assert node.group_name == "landing" and not node.is_materializable
    raw_rows = graph.get(dg.AssetKey(["staging", "stg_tracking__raw_rows"]))
    assert dg.AssetKey(["landing", "events"]) in raw_rows.parent_keys


def test_blocking_flags_follow_the_yaml(defs: dg.Definitions) -> None:
    config = yaml.safe_load((REPO_ROOT / "orchestration/checks/quality.yml").read_text())
    graph = defs.resolve_asset_graph()
    key = dg.AssetKey(["staging", "stg_tracking__events"])
    spec = {k.name: graph.get_check_spec(k) for k in graph.asset_check_keys if k.asset_key == key}
    staging = config["staging"]
    assert spec["gx_quarantine_share"].blocking is staging["quarantine_blocking"]
    assert spec["gx_events_in_tracking_plan"].blocking is staging["tracking_plan_blocking"]
    assert spec["gx_events_schema"].blocking is staging["blocking"]


def test_every_warehouse_op_is_in_the_one_writer_pool(defs: dg.Definitions) -> None:
    pools = {
        node.node_def.name: node.node_def.pool
        for node in [*defs.assets, *defs.asset_checks]
        if isinstance(node, dg.AssetsDefinition) and node.is_executable
    }
    assert pools and set(pools.values()) == {"duckdb_warehouse"}, pools


def test_groups_follow_the_model_folders(defs: dg.Definitions) -> None:
    # imported here, after `defs`: importing orchestration.* loads the manifest
    from orchestration.assets.translator import layer_group

    def model(*folders: str) -> dict:
        return {"resource_type": "model", "fqn": ["behavior_warehouse", *folders, "m"]}

    assert layer_group(model("staging", "tracking")) == "staging"
    assert layer_group(model("audit")) == "quality"
    assert layer_group(model("intermediate", "identity")) == "identity"
    assert layer_group(model("marts", "sessions")) == "sessions"
    assert layer_group(model("marts", "funnels")) == "analysis"
    assert layer_group(model("marts", "attribution")) == "marketing"
    assert layer_group(model("marts", "audiences")) == "activation"
    assert layer_group({"resource_type": "seed", "fqn": ["behavior_warehouse", "s"]}) == "staging"


def test_new_events_sensor_requests_one_run_per_new_file_set(
    defs: dg.Definitions, tmp_path: Path, monkeypatch
) -> None:
    events = tmp_path / "raw" / "events"
    events.mkdir(parents=True)
    monkeypatch.setenv("BEHAVIOR_RAW_DIR", str(tmp_path / "raw"))
    sensor = next(s for s in defs.sensors if s.name == "new_landing_events")
    settled = time.time() - 120

    def land(name: str) -> None:
        (events / name).write_text("{}\n")
        os.utime(events / name, (settled, settled))

    def tick(cursor: str | None):
        return sensor.evaluate_tick(dg.build_sensor_context(cursor=cursor))

    assert not tick(None).run_requests  # nothing landed
    land("a.jsonl")
    (events / "partial.tmp").write_text("")  # not an event file
    first = tick(None)
    assert len(first.run_requests) == 1
    assert json.loads(first.cursor).keys() == {"a.jsonl"}
    assert not tick(first.cursor).run_requests  # nothing new
    land("b.jsonl.gz")
    (events / "c.jsonl").write_text("{}\n")  # just written: waits until it settles
    second = tick(first.cursor)
    assert len(second.run_requests) == 1
    assert json.loads(second.cursor).keys() == {"a.jsonl", "b.jsonl.gz"}
