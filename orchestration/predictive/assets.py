"""The predictive models as Dagster assets in group `predictive`, one per score table in `ml`.

Each reads fct_events read-only, trains, then writes its table and appends to
ml.ml_model_metrics with one short write connection; all are in the `duckdb_warehouse` pool so
they never open the file while dbt or another writer holds it.
"""

# No `from __future__ import annotations`: Dagster inspects the context annotation at runtime.
from collections.abc import Sequence

import dagster as dg
from dagster import AssetExecutionContext
from dagster_dbt import get_asset_key_for_model

from orchestration.predictive.run import MODELS, TABLES, RunResult, run_model
from orchestration.resources import WAREHOUSE_POOL
from orchestration.settings import load_settings

SCHEMA = "ml"


def dbt_model_key(
    dbt_assets: Sequence[dg.AssetsDefinition], model: str, schema: str = "marts"
) -> dg.AssetKey:
    """The asset key of a dbt model, from the layer's dbt assets definition that builds it
    (get_asset_key_for_model takes exactly one dbt assets definition). A manifest parsed while
    the model is missing still loads: the key is then dagster-dbt's schema/name."""
    for definition in dbt_assets:
        try:
            return get_asset_key_for_model([definition], model)
        except KeyError:  # another layer's definition
            continue
    return dg.AssetKey([schema, model])

DESCRIPTIONS = {
    "churn": "P(no activity in the next 14 days) per person, LightGBM on a time split.",
    "propensity": "P(a purchase in the next 7 days) per person, LightGBM on a time split.",
    "recommendations": "Top-10 products per person from co-views/co-purchases, minus bought.",
    "anomaly": "Sessions and clients scored by rate rules + IsolationForest; fraud flags.",
}


def _metadata(result: RunResult) -> dict[str, object]:
    output = result.output
    return {
        "metrics": dg.MetadataValue.json(result.metrics()),
        "training_seconds": round(result.seconds, 3),
        "feature_importance": dg.MetadataValue.json(result.importance),
        "rows": len(output.scores),
        "table": f"{SCHEMA}.{output.table}",
        "as_of": str(output.as_of),
        "details": dg.MetadataValue.json(result.details),
        **{f"metric/{k}": v for k, v in result.metrics().items()},
    }


def _predictive_asset(model_name: str, fct_events: dg.AssetKey) -> dg.AssetsDefinition:
    @dg.asset(
        key=dg.AssetKey([SCHEMA, TABLES[model_name]]),
        deps=[fct_events],
        group_name="predictive",
        pool=WAREHOUSE_POOL,
        kinds={"python", "duckdb"},
        description=DESCRIPTIONS[model_name],
    )
    def _asset(context: AssetExecutionContext) -> dg.MaterializeResult:
        settings = load_settings()
        truth_dir = settings.truth_dir if settings.truth_dir.is_dir() else None
        result = run_model(model_name, settings.duckdb_path, truth_dir)
        if "skipped" in result.details:
            context.log.warning(f"{model_name} not trained: {result.details['skipped']}")
        return dg.MaterializeResult(metadata=_metadata(result))

    return _asset


def build_predictive_assets(
    dbt_assets: Sequence[dg.AssetsDefinition],
) -> list[dg.AssetsDefinition]:
    """One asset per model, downstream of fct_events as built by `dbt_assets`."""
    fct_events = dbt_model_key(dbt_assets, "fct_events")
    return [_predictive_asset(name, fct_events) for name in MODELS]
