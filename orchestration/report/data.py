"""What the report shows, read from the warehouse read-only into plain frames.

Every query names its relation without a schema; `relation()` finds the schema in
information_schema (dbt's schemas depend on the target). A relation that is absent (the
predictive assets or the quality checks have not run yet) gives an empty frame, and the report
says so in that section instead of failing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd


@dataclass
class ReportData:
    as_of: str | None
    kpis: dict[str, float | None]
    active_users: pd.DataFrame
    funnels: pd.DataFrame
    retention: pd.DataFrame
    path_edges: pd.DataFrame
    lifecycle: pd.DataFrame
    attribution: pd.DataFrame
    tags: pd.DataFrame
    audiences: pd.DataFrame
    experiments: pd.DataFrame
    quarantine: pd.DataFrame
    conformance: pd.DataFrame
    quality_checks: pd.DataFrame
    model_metrics: pd.DataFrame
    missing: list[str] = field(default_factory=list)


class _Reader:
    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        rows = con.execute(
            "select table_name, table_schema from information_schema.tables "
            "where table_catalog = current_database()"
        ).fetchall()
        self.schemas = {name: schema for name, schema in rows}
        self.missing: list[str] = []

    def has(self, name: str) -> bool:
        return name in self.schemas

    def relation(self, name: str) -> str:
        return f'"{self.schemas[name]}"."{name}"'

    def frame(self, name: str, sql: str) -> pd.DataFrame:
        """`sql` with `{r}` standing for the relation; empty when the relation is absent."""
        if not self.has(name):
            self.missing.append(name)
            return pd.DataFrame()
        return self.con.execute(sql.format(r=self.relation(name))).df()

    def scalar(self, name: str, sql: str) -> float | None:
        frame = self.frame(name, sql)
        if frame.empty or pd.isna(frame.iat[0, 0]):
            return None
        return frame.iat[0, 0].item() if hasattr(frame.iat[0, 0], "item") else frame.iat[0, 0]


def _kpis(r: _Reader) -> dict[str, float | None]:
    kpis: dict[str, float | None] = {
        "events": r.scalar("fct_events", "select count(*) from {r}"),
        "persons": r.scalar("fct_events", "select count(distinct person_id) from {r}"),
        "sessions": r.scalar("fct_sessions", "select count(*) from {r}"),
        "bounce_rate": r.scalar(
            "fct_sessions", "select avg(case when is_bounce then 1.0 else 0.0 end) from {r}"
        ),
        "orders": r.scalar(
            "fct_events",
            "select count(distinct coalesce(order_id, event_id)) from {r} "
            "where event_name = 'purchase'",
        ),
        "revenue": r.scalar(
            "fct_events",
            "select coalesce(sum(revenue), 0) from {r} where event_name = 'purchase'",
        ),
    }
    orders, revenue = kpis["orders"], kpis["revenue"]
    kpis["average_order_value"] = revenue / orders if orders and revenue is not None else None
    last = r.frame("agg_active_users", "select * from {r} order by activity_day desc limit 1")
    for col in ("dau", "wau", "mau"):
        kpis[col] = None if last.empty else float(last.iloc[0][col])
    for n in (1, 7, 30):
        kpis[f"retention_d{n}"] = r.scalar(
            "fct_person_retention",
            f"select sum(retained_d{n}) / nullif(sum(eligible_d{n}), 0) from {{r}}",
        )
    kpis["purchase_conversion"] = r.scalar(
        "fct_funnel_persons",
        "select avg(case when converted then 1.0 else 0.0 end) from {r} "
        "where funnel_name = 'purchase'",
    )
    return kpis


def load(duckdb_path: Path) -> ReportData:
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        r = _Reader(con)
        as_of = r.scalar("fct_events", "select cast(max(event_time) as varchar) from {r}")
        data = ReportData(
            as_of=as_of,
            kpis=_kpis(r),
            active_users=r.frame("agg_active_users", "select * from {r} order by activity_day"),
            funnels=r.frame(
                "agg_funnel_steps",
                "select funnel_name, step_number, step_name, persons, conversion_from_start, "
                "conversion_from_previous from {r} where breakdown = 'all' "
                "order by funnel_name, step_number",
            ),
            retention=r.frame(
                "agg_retention",
                "select analysis_name, period, cohort_start, period_number, period_start, "
                "cohort_size, retained_persons, retention_rate from {r} "
                "order by analysis_name, cohort_start, period_number",
            ),
            path_edges=r.frame(
                "agg_path_edges",
                "select step_index, from_item, to_item, sessions from {r} order by step_index",
            ),
            lifecycle=r.frame(
                "agg_lifecycle", "select * from {r} where period = 'day' order by period_start"
            ),
            attribution=r.frame(
                "agg_channel_attribution",
                "select model, channel, conversions, revenue from {r} order by model, revenue desc",
            ),
            tags=r.frame(
                "fct_person_tags",
                "select tag, count(*) as persons from {r} group by tag order by persons desc, tag",
            ),
            audiences=r.frame(
                "fct_audience_members",
                "select audience_name, audience_group, count(*) as persons from {r} "
                "group by all order by audience_name, audience_group",
            ),
            experiments=r.frame(
                "agg_experiment_results",
                "select experiment_id, variant, is_control, persons, conversions, conversion_rate,"
                " relative_lift, relative_lift_ci_lower, relative_lift_ci_upper, absolute_lift, "
                "absolute_lift_ci_lower, absolute_lift_ci_upper, p_value, is_significant, "
                "srm_p_value, srm_warning, sample_note from {r} "
                "order by experiment_id, is_control desc, variant",
            ),
            quarantine=r.frame(
                "audit_quarantined_events",
                "select reason, count(*) as rows from {r} group by reason order by rows desc",
            ),
            conformance=r.frame(
                "agg_tracking_plan_conformance",
                "select event_name, channel, in_plan, events, events_missing_required, "
                "events_mistyped, conformant_share from {r} "
                "order by conformant_share, events desc",
            ),
            quality_checks=r.frame(
                "audit_quality_results",
                "select check_name, asset_key, passed, blocking, checked_at from {r} "
                "qualify row_number() over (partition by check_name, asset_key "
                "order by checked_at desc) = 1 order by passed, check_name",
            ),
            model_metrics=r.frame(
                "ml_model_metrics",
                "select model_name, metric, value, dataset, trained_at from {r} "
                "qualify trained_at = max(trained_at) over (partition by model_name) "
                "order by model_name, metric",
            ),
        )
        data.missing = sorted(set(r.missing))
        return data
