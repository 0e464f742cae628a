"""Dagster definitions for delivery: the audience-export asset, the webhook delivery job and the
sensor that starts it. Registered by orchestration/definitions.py and orchestration/sensors.py.

Both ops open the warehouse (read-only), so both are in the duckdb_warehouse pool: they never
run beside dbt. The delivery log is a SQLite file of its own (webhooks.py).
"""

import sqlite3
import time

import dagster as dg
from dagster import AssetExecutionContext, OpExecutionContext, SensorEvaluationContext

from orchestration.delivery.exports import export_audiences
from orchestration.delivery.webhooks import default_log_path, deliver_new_actions
from orchestration.resources import WAREHOUSE_POOL
from orchestration.settings import load_settings


@dg.asset(
    key=["exports", "audience_exports"],
    group_name="activation",
    deps=[dg.AssetKey(["marts", "fct_audience_members"])],
    pool=WAREHOUSE_POOL,
    description="Every audience as CSV + Parquet + manifest under BEHAVIOR_EXPORT_DIR "
    "(default exports/audiences); hashed identifiers only.",
)
def audience_exports(context: AssetExecutionContext) -> dg.MaterializeResult:
    manifests = export_audiences(load_settings())
    context.log.info("exported %d audiences", len(manifests))
    return dg.MaterializeResult(
        metadata={name: m["count"] for name, m in manifests.items()} or {"audiences": 0}
    )


@dg.op(pool=WAREHOUSE_POOL, description="Deliver new fct_trigger_actions to the webhooks.")
def deliver_trigger_actions(context: OpExecutionContext) -> None:
    report = deliver_new_actions(load_settings(), max_wait_s=30)
    context.log.info("delivery: %s", report.__dict__)
    if report.failed:
        context.log.warning("%d deliveries gave up (state failed in the log)", report.failed)


@dg.job(description="Deliver new trigger actions to the configured webhooks (exactly once).")
def deliver_trigger_actions_job() -> None:
    deliver_trigger_actions()


def _due_deliveries() -> int:
    path = default_log_path(load_settings())
    if not path.exists():
        return 0
    with sqlite3.connect(path) as con:
        return con.execute(
            "select count(*) from deliveries where state in ('pending', 'sending')"
            " and next_attempt_at <= ?",
            (time.time(),),
        ).fetchone()[0]


@dg.sensor(
    name="trigger_action_delivery",
    job=deliver_trigger_actions_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Delivers trigger actions when the warehouse changed or retries are due.",
)
def trigger_action_delivery_sensor(
    context: SensorEvaluationContext,
) -> dg.RunRequest | dg.SkipReason:
    warehouse = load_settings().duckdb_path
    mtime = str(warehouse.stat().st_mtime_ns) if warehouse.exists() else ""
    due = _due_deliveries()
    if mtime == (context.cursor or "") and not due:
        return dg.SkipReason("no warehouse change and no delivery due")
    context.update_cursor(mtime)
    return dg.RunRequest(tags={"behavior/deliveries_due": str(due)})
