"""ClickHouse (chdb) over the same events: the ordered funnel with `windowFunnel` and day
retention with `retention`, compared with the warehouse's `agg_funnel_steps` and `agg_retention`.

Run as a child process by the suite, after the builds:
`python -m orchestration.bench.clickhouse --warehouse FILE --parquet FILE --out FILE`.
Both engines start from the same rows: the warehouse's `fct_events` with a person (person id,
event time, event name), exported once to Parquet (timed apart); ClickHouse reads that file.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import duckdb
import yaml

from orchestration.settings import REPO_ROOT


def analysis_config(name: str, key: str) -> dict:
    """The named funnel or retention analysis from dbt_project.yml vars."""
    config = yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text())["vars"][key]
    return next(item for item in config if item["name"] == name)


def _relation(con: duckdb.DuckDBPyConnection, table: str) -> str:
    schema = con.execute(
        "select table_schema from information_schema.tables where table_name = ?", [table]
    ).fetchone()
    if schema is None:
        raise SystemExit(f"{table} is not in the warehouse")
    return f'"{schema[0]}"."{table}"'


def export_events(warehouse: Path, parquet: Path) -> dict:
    started = time.perf_counter()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        events = _relation(con, "fct_events")
        con.execute(
            f"copy (select person_id, event_time, event_name from {events} "
            f"where person_id is not null) to '{parquet}' (format parquet)"
        )
        rows = con.execute(f"select count(*) from read_parquet('{parquet}')").fetchone()[0]
    return {"rows": rows, "export_s": round(time.perf_counter() - started, 3)}


def warehouse_figures(warehouse: Path, funnel: str, retention: str) -> tuple[dict, dict]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        steps = con.execute(
            f"select step_number, persons from {_relation(con, 'agg_funnel_steps')} "
            "where funnel_name = ? and breakdown = 'all' and breakdown_value = 'all' "
            "order by step_number",
            [funnel],
        ).fetchall()
        cohorts = con.execute(
            f"select cast(cohort_start as date)::varchar, period_number, cohort_size, "
            f"retained_persons from {_relation(con, 'agg_retention')} "
            "where analysis_name = ? order by 1, 2",
            [retention],
        ).fetchall()
    funnel_persons = {int(k): int(v) for k, v in steps}
    retained = {f"{c}/{p}": int(r) for c, p, _, r in cohorts}
    retained.update({f"{c}/size": int(s) for c, p, s, _ in cohorts if p == 0})
    return funnel_persons, retained


def _chdb_rows(sql: str) -> tuple[list[dict], float]:
    import chdb  # noqa: PLC0415 - imported here so the import is not in the timed query

    started = time.perf_counter()
    result = chdb.query(sql, "JSONEachRow")
    seconds = time.perf_counter() - started
    return [json.loads(line) for line in str(result).splitlines() if line.strip()], seconds


def _event_condition(step: str | dict) -> str:
    if isinstance(step, dict):
        raise SystemExit("the ClickHouse comparison handles funnels of plain event names only")
    return f"event_name = '{step}'"


def clickhouse_funnel(parquet: Path, funnel: dict) -> tuple[dict, float]:
    """Persons reaching each step (cumulative), like agg_funnel_steps.persons."""
    conditions = ", ".join(_event_condition(s) for s in funnel["steps"])
    window_ms = int(float(funnel.get("conversion_window_hours", 24)) * 3_600_000)
    sql = (
        "select level, count() as persons from ("
        f" select person_id, windowFunnel({window_ms})("
        "toUInt64(toUnixTimestamp64Milli(event_time)), "
        f"{conditions}) as level from file('{parquet}', Parquet) group by person_id"
        ") where level > 0 group by level order by level"
    )
    rows, seconds = _chdb_rows(sql)
    levels = {int(r["level"]): int(r["persons"]) for r in rows}
    n_steps = len(funnel["steps"])
    reached = {
        k: sum(v for level, v in levels.items() if level >= k) for k in range(1, n_steps + 1)
    }
    return reached, seconds


def clickhouse_day_retention(parquet: Path, periods: int) -> tuple[dict, float]:
    """Any -> any day retention: cohort = the person's first UTC day; retained in exactly day k."""
    conditions = ", ".join(f"day = cohort + {k}" for k in range(periods + 1))
    sql = (
        "select toString(cohort) as cohort, count() as cohort_size, "
        "sumForEach(flags) as retained from ("
        f" select person_id, cohort, retention({conditions}) as flags from ("
        "  select person_id, toDate(event_time, 'UTC') as day,"
        "   min(toDate(event_time, 'UTC')) over (partition by person_id) as cohort"
        f"  from file('{parquet}', Parquet)"
        " ) group by person_id, cohort"
        ") group by cohort order by cohort"
    )
    rows, seconds = _chdb_rows(sql)
    retained: dict[str, int] = {}
    for row in rows:
        retained[f"{row['cohort']}/size"] = int(row["cohort_size"])
        for k, value in enumerate(row["retained"]):
            retained[f"{row['cohort']}/{k}"] = int(value)
    return retained, seconds


def compare(ours: dict, theirs: dict) -> dict:
    keys = sorted(set(ours) | set(theirs))
    differing = [k for k in keys if ours.get(k, 0) != theirs.get(k, 0)]
    return {"agree": not differing, "compared": len(keys), "differing": differing[:20]}


def run(warehouse: Path, parquet: Path, funnel_name: str, retention_name: str) -> dict:
    funnel = analysis_config(funnel_name, "funnels")
    retention = analysis_config(retention_name, "retention_analyses")
    if retention["period"] != "day" or retention["start_event"] != "any" or (
        retention["return_event"] != "any"
    ):
        raise SystemExit("the ClickHouse comparison handles any -> any day retention only")
    exported = export_events(warehouse, parquet)
    our_funnel, our_retention = warehouse_figures(warehouse, funnel_name, retention_name)
    ch_funnel, funnel_s = clickhouse_funnel(parquet, funnel)
    ch_retention, retention_s = clickhouse_day_retention(parquet, int(retention["periods"]))
    return {
        "events": exported["rows"],
        "export_s": exported["export_s"],
        "funnel": {
            "name": funnel_name,
            "steps": funnel["steps"],
            "window_hours": funnel.get("conversion_window_hours", 24),
            "clickhouse_s": round(funnel_s, 3),
            # step number (as text, as in the JSON result) -> persons who reached it
            "ours_persons": {str(k): v for k, v in our_funnel.items()},
            "clickhouse_persons": {str(k): v for k, v in ch_funnel.items()},
            **compare({str(k): v for k, v in our_funnel.items()},
                      {str(k): v for k, v in ch_funnel.items()}),
        },
        "retention": {
            "name": retention_name,
            "periods": retention["periods"],
            "clickhouse_s": round(retention_s, 3),
            **compare(our_retention, ch_retention),
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--parquet", type=Path, required=True)
    parser.add_argument("--funnel", default="purchase")
    parser.add_argument("--retention", default="any_daily")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    result = run(args.warehouse, args.parquet, args.funnel, args.retention)
    args.out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
