"""The erasure purge of the Python-written stores as a Dagster asset, after dbt, the predictive
assets and the exports (orchestration/privacy/purge.py)."""

from collections.abc import Sequence

import dagster as dg
from dagster import AssetExecutionContext

from orchestration.predictive.assets import SCHEMA as ML_SCHEMA
from orchestration.predictive.assets import dbt_model_key
from orchestration.predictive.run import TABLES
from orchestration.privacy.purge import purge
from orchestration.resources import WAREHOUSE_POOL


def build_privacy_assets(dbt_assets: Sequence[dg.AssetsDefinition]) -> list[dg.AssetsDefinition]:
    deps = [
        dbt_model_key(dbt_assets, "audit_privacy_requests", schema="audit"),
        dg.AssetKey(["exports", "audience_exports"]),
        *(dg.AssetKey([ML_SCHEMA, table]) for table in TABLES.values()),
    ]

    @dg.asset(
        key=dg.AssetKey(["privacy", "erasure_purge"]),
        deps=deps,
        group_name="quality",
        pool=WAREHOUSE_POOL,
        kinds={"python", "duckdb"},
        description="Erased persons out of the ml tables, the audience export files and the "
        "webhook delivery log (dbt purges everything else).",
    )
    def erasure_purge(context: AssetExecutionContext) -> dg.MaterializeResult:
        touched = purge()
        context.log.info("erasure purge: %d rows removed", sum(touched.values()))
        return dg.MaterializeResult(metadata={"rows_removed": sum(touched.values())})

    return [erasure_purge]
