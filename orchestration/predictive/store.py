"""Reading the marts (read-only) and writing score tables + metrics (one short write).

The one-writer rule: every read uses a read-only connection that is closed before the single
write connection opens, and the assets run in the `duckdb_warehouse` pool, never beside dbt.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

METRICS_TABLE = "ml_model_metrics"
METRICS_COLUMNS = ["model_name", "metric", "value", "trained_at", "dataset", "as_of"]

# Only the columns the models use: fct_events is wide, and pandas copies every column read.
EVENT_COLUMNS = (
    "event_id, person_id, client_key, session_id, event_name, event_time, product_id, category, "
    "price, revenue, order_id, coupon, discount, user_id, channel"
)


def relation(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """schema.name of a mart: names are unique across schemas, the schema is dbt's to choose."""
    row = con.execute(
        "select table_schema from information_schema.tables where table_name = ? "
        "order by table_schema = 'ml' limit 1",
        [name],
    ).fetchone()
    if row is None:
        raise LookupError(f"{name} is not in the warehouse: build the dbt marts first")
    return f'"{row[0]}"."{name}"'


def read_events(db_path: Path) -> pd.DataFrame:
    with duckdb.connect(str(db_path), read_only=True) as con:
        events = con.execute(
            f"select {EVENT_COLUMNS} from {relation(con, 'fct_events')} "
            "order by event_time, event_id"
        ).df()
    events["event_time"] = pd.to_datetime(events["event_time"])
    return events


@dataclass
class Metric:
    metric: str
    value: float
    dataset: str


@dataclass
class ModelOutput:
    """What one model run writes: its score table and its metrics."""

    model_name: str
    table: str
    scores: pd.DataFrame
    metrics: list[Metric] = field(default_factory=list)
    as_of: dt.datetime | None = None

    def metrics_frame(self, trained_at: dt.datetime) -> pd.DataFrame:
        return pd.DataFrame(
            [
                {
                    "model_name": self.model_name,
                    "metric": m.metric,
                    "value": float(m.value),
                    "trained_at": trained_at,
                    "dataset": m.dataset,
                    "as_of": self.as_of,
                }
                for m in self.metrics
            ],
            columns=METRICS_COLUMNS,
        )


def write_output(db_path: Path, schema: str, output: ModelOutput, trained_at: dt.datetime) -> None:
    """Replace the score table and append the metrics, in one transaction on one connection."""
    metrics = output.metrics_frame(trained_at)
    scores = output.scores
    with duckdb.connect(str(db_path)) as con:
        con.execute("begin transaction")
        con.execute(f"create schema if not exists {schema}")
        con.register("scores_df", scores)
        con.execute(f"create or replace table {schema}.{output.table} as select * from scores_df")
        con.execute(
            f"create table if not exists {schema}.{METRICS_TABLE} ("
            "model_name varchar, metric varchar, value double, trained_at timestamp, "
            "dataset varchar, as_of timestamp)"
        )
        con.register("metrics_df", metrics)
        con.execute(
            f"insert into {schema}.{METRICS_TABLE} "
            f"select {', '.join(METRICS_COLUMNS)} from metrics_df"
        )
        con.execute("commit")
