"""The report as a Dagster asset (group `reports`): rebuilt on every run of the warehouse job,
after the marts and the predictive models it shows. Reads the warehouse read-only, in the
warehouse pool so it never opens the file while dbt writes it."""

# No `from __future__ import annotations`: Dagster inspects the context annotation at runtime.
from collections.abc import Sequence

import dagster as dg
from dagster import AssetExecutionContext

from orchestration.predictive.assets import dbt_model_key
from orchestration.report.build import write_report
from orchestration.resources import WAREHOUSE_POOL
from orchestration.settings import load_settings

# The dbt models the report reads, with the schema used when the manifest lacks the model.
REPORT_MODELS: dict[str, str] = {
    "fct_events": "marts",
    "fct_sessions": "marts",
    "agg_active_users": "marts",
    "agg_funnel_steps": "marts",
    "fct_funnel_persons": "marts",
    "agg_retention": "marts",
    "fct_person_retention": "marts",
    "agg_path_edges": "marts",
    "agg_lifecycle": "marts",
    "agg_channel_attribution": "marts",
    "fct_person_tags": "marts",
    "fct_audience_members": "marts",
    "agg_experiment_results": "marts",
    "agg_tracking_plan_conformance": "marts",
    "audit_quarantined_events": "audit",
}


def build_report_asset(
    dbt_assets: Sequence[dg.AssetsDefinition],
    upstream_assets: Sequence[dg.AssetsDefinition] = (),
) -> dg.AssetsDefinition:
    """The report asset, downstream of the models it reads and of `upstream_assets` (the
    predictive models, whose metrics it shows)."""
    deps = [dbt_model_key(dbt_assets, model, schema) for model, schema in REPORT_MODELS.items()]
    deps += [key for definition in upstream_assets for key in definition.keys]

    @dg.asset(
        key=dg.AssetKey(["reports", "behavior_report"]),
        deps=deps,
        group_name="reports",
        pool=WAREHOUSE_POOL,
        kinds={"html"},
        description="Static HTML report (KPIs, funnels, retention, paths, lifecycle, attribution,"
        " tags and audiences, experiments, data quality, model metrics) in BEHAVIOR_REPORT_DIR"
        " (default reports/behavior_report.html); self-contained, works offline.",
    )
    def behavior_report(context: AssetExecutionContext) -> dg.MaterializeResult:
        settings = load_settings()
        path, data = write_report(settings)
        missing = data.missing
        if missing:
            context.log.warning("report sections without data: %s", ", ".join(missing))
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(path)),
                "bytes": path.stat().st_size,
                "missing_relations": ", ".join(missing) or "(none)",
            }
        )

    return behavior_report
