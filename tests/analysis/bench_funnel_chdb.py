"""Benchmark note helper (not a test): the dbt funnel models' build times from run_results.json,
and ClickHouse windowFunnel (chdb) on the same events, with the two level distributions.

    python -m tests.analysis.bench_funnel_chdb --duckdb /tmp/analysis_1m.duckdb \
        --target /tmp/analysis_target_1m --funnel purchase
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import duckdb

FUNNEL_MODELS = (
    "int_analysis__funnel_events",
    "int_analysis__funnel_ordered",
    "int_analysis__funnel_strict",
    "int_analysis__funnel_unordered",
    "fct_funnel_persons",
    "agg_funnel_steps",
)


def dbt_timings(target: Path) -> dict[str, float]:
    results = json.loads((target / "run_results.json").read_text())["results"]
    return {
        r["unique_id"].rsplit(".", 1)[-1]: round(r["execution_time"], 2)
        for r in results
        if r["unique_id"].rsplit(".", 1)[-1] in FUNNEL_MODELS
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duckdb", type=Path, required=True)
    parser.add_argument("--target", type=Path, required=True)
    parser.add_argument("--funnel", default="purchase")
    parser.add_argument("--steps", default="view_item,add_to_cart,begin_checkout,purchase")
    parser.add_argument("--window-hours", type=float, default=72)
    args = parser.parse_args()
    steps = args.steps.split(",")
    parquet = args.duckdb.with_suffix(".funnel_events.parquet")

    with duckdb.connect(str(args.duckdb), read_only=True) as con:
        events = con.execute("select count(*) from marts.fct_events where person_id is not null")
        print("events with a person:", events.fetchone()[0])
        con.execute(
            "copy (select person_id, event_time, event_name from marts.fct_events "
            f"where person_id is not null) to '{parquet}' (format parquet)"
        )
        ours = dict(
            con.execute(
                "select furthest_step, count(*) from marts.fct_funnel_persons "
                "where funnel_name = ? group by 1 order by 1",
                [args.funnel],
            ).fetchall()
        )
    print("dbt model seconds:", dbt_timings(args.target))
    print("duckdb furthest_step distribution:", ours)

    import chdb  # noqa: PLC0415 - optional, only for this comparison

    conditions = ", ".join(f"event_name = '{s}'" for s in steps)
    window_ms = int(args.window_hours * 3_600_000)
    sql = (
        "select level, count() as persons from ("
        f" select person_id, windowFunnel({window_ms})("
        f"toUInt64(toUnixTimestamp64Milli(event_time)), {conditions}) as level"
        f" from file('{parquet}', Parquet) group by person_id"
        ") where level > 0 group by level order by level format JSONEachRow"
    )
    started = time.perf_counter()
    result = chdb.query(sql, "JSONEachRow")
    seconds = time.perf_counter() - started
    theirs = {int(r["level"]): int(r["persons"]) for r in map(json.loads, str(result).splitlines())}
    print(f"chdb windowFunnel seconds: {seconds:.2f}")
    print("chdb level distribution:", theirs)
    print("identical:", theirs == ours)


if __name__ == "__main__":
    main()
