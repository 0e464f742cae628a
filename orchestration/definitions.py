"""The Dagster code location: `dagster dev -m orchestration.definitions` (make dev).

Importable with no warehouse and no manifest present (project.py parses the dbt project).
"""

from __future__ import annotations

import dagster as dg

from orchestration.assets import build_dbt_assets, landing_specs
from orchestration.assets.translator import model_asset_keys
from orchestration.checks import build_quality_checks
from orchestration.delivery.dagster_defs import audience_exports, deliver_trigger_actions_job
from orchestration.jobs import JOBS
from orchestration.predictive.assets import build_predictive_assets
from orchestration.privacy.dagster_defs import build_privacy_assets
from orchestration.project import manifest
from orchestration.report.assets import build_report_asset
from orchestration.resources import build_resources
from orchestration.schedules import SCHEDULES
from orchestration.sensors import SENSORS

DBT_ASSETS = build_dbt_assets()
PREDICTIVE_ASSETS = build_predictive_assets(DBT_ASSETS)

defs = dg.Definitions(
    assets=[
        *landing_specs(),
        *DBT_ASSETS,
        *PREDICTIVE_ASSETS,
        audience_exports,
        *build_privacy_assets(DBT_ASSETS),
        build_report_asset(DBT_ASSETS, PREDICTIVE_ASSETS),
    ],
    asset_checks=build_quality_checks(model_asset_keys(manifest())),
    jobs=[*JOBS, deliver_trigger_actions_job],
    schedules=SCHEDULES,
    sensors=SENSORS,
    resources=build_resources(),
    # One step at a time within a run: every step opens the one-writer DuckDB file, and the dbt
    # steps run dbt as a subprocess anyway (the pool in dagster.yaml serializes across runs).
    executor=dg.in_process_executor,
)
