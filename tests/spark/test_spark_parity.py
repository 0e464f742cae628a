"""The same dbt project on Spark: build the main marts on a local Spark session and on DuckDB from
one small generated landing directory and compare them row for row (docs/spark.md).

Spark runs through dbt-spark's `session` method (the `spark` target of profiles.yml): Parquet
tables and a Derby metastore under the test's Spark warehouse folder. After the dbt run a Spark
session in this process reads each mart (fct_events and fct_sessions are views) and writes it as
Parquet, which DuckDB reads back for the comparison; the session is stopped at the end."""

from __future__ import annotations

import json
import math
import subprocess
import time
from collections import Counter
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from orchestration.dbt_cli import DbtError, dbt_executable
from orchestration.settings import REPO_ROOT
from tests.warehouse import Warehouse

pytestmark = [pytest.mark.spark, pytest.mark.slow]

# The marts compared, and the schema each lives in.
MARTS = {
    "fct_events": "marts",
    "fct_sessions": "marts",
    "dim_identity_map": "marts",
    "agg_funnel_steps": "marts",
    "agg_retention": "marts",
    "fct_person_tags": "marts",
}
SELECTION = tuple(f"+{name}" for name in MARTS)
# Load bookkeeping: when and by which run a row was loaded differs between two builds.
RUN_METADATA = {"_loaded_at", "_load_id", "_processed_at"}

FIXTURE_EVENTS = 1000
FIXTURE_DAYS = 4
FIXTURE_SEED = 5


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    from orchestration.sample_data import GeneratorConfig, generate

    wh = Warehouse(tmp_path_factory.mktemp("spark_parity"))
    generate(
        GeneratorConfig(
            events=FIXTURE_EVENTS,
            days=FIXTURE_DAYS,
            seed=FIXTURE_SEED,
            out_dir=wh.raw_dir,
            truth_dir=wh.truth_dir,
            fmt="jsonl",
        )
    )
    return wh


def _build_on_spark(wh: Warehouse, spark_dir: Path) -> float:
    env = wh.settings.dbt_env()
    env.update(
        DBT_TARGET="spark",
        BEHAVIOR_SPARK_WAREHOUSE=str(spark_dir),
        BEHAVIOR_SPARK_SHUFFLE_PARTITIONS="2",
        DBT_INDIRECT_SELECTION="cautious",
    )
    command = [
        dbt_executable(), "build", "--select", *SELECTION,
        "--exclude-resource-type", "test", "unit_test",
        "--project-dir", str(REPO_ROOT), "--profiles-dir", str(REPO_ROOT),
        "--target-path", str(wh.root / "target_spark"),
    ]
    started = time.perf_counter()
    result = subprocess.run(
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise DbtError(
            f"dbt build on Spark failed:\n{result.stdout[-20000:]}\n{result.stderr[-5000:]}"
        )
    return time.perf_counter() - started


def _export_marts(spark_dir: Path, out_dir: Path) -> None:
    """Each mart as read by Spark (views evaluated by Spark), written as Parquet."""
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.sql.warehouse.dir", str(spark_dir))
        .config(
            "spark.hadoop.javax.jdo.option.ConnectionURL",
            f"jdbc:derby:;databaseName={spark_dir}/_metastore_db;create=true",
        )
        .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={spark_dir}")
        .enableHiveSupport()
        .getOrCreate()
    )
    try:
        for mart, schema in MARTS.items():
            spark.sql(f"select * from {schema}.{mart}").coalesce(1).write.parquet(
                str(out_dir / mart)
            )
    finally:
        spark.stop()


def _normalize(value: object) -> object:
    """One spelling per value: numbers to 6 decimals, JSON texts parsed, timestamps as text."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float | Decimal):
        number = float(value)
        return None if math.isnan(number) else round(number, 6)
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat()
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.dumps(json.loads(value), sort_keys=True)
        except ValueError:
            return value
    if isinstance(value, list | tuple):
        return tuple(_normalize(v) for v in value)
    return value


def _rows(con: duckdb.DuckDBPyConnection, relation: str) -> tuple[list[str], Counter]:
    cursor = con.execute(f"select * from {relation}")
    columns = [d[0].lower() for d in cursor.description]
    keep = [i for i, c in enumerate(columns) if c not in RUN_METADATA]
    rows = Counter(tuple(_normalize(row[i]) for i in keep) for row in cursor.fetchall())
    return [columns[i] for i in keep], rows


def test_spark_builds_the_same_marts_as_duckdb(
    landing: Warehouse, java_home: Path, tmp_path: Path
) -> None:
    started = time.perf_counter()
    landing.build(*SELECTION, with_tests=False)
    duckdb_seconds = time.perf_counter() - started
    spark_seconds = _build_on_spark(landing, tmp_path / "spark-warehouse")
    print(f"spark parity: duckdb build {duckdb_seconds:.0f}s, spark build {spark_seconds:.0f}s")

    _export_marts(tmp_path / "spark-warehouse", tmp_path / "spark-marts")

    spark_con = duckdb.connect()
    with duckdb.connect(str(landing.settings.duckdb_path), read_only=True) as duck_con:
        for mart, schema in MARTS.items():
            folder = tmp_path / "spark-marts" / mart
            spark_relation = f"read_parquet('{folder}/*.parquet')"
            duck_columns, duck_rows = _rows(duck_con, f"{schema}.{mart}")
            spark_columns, spark_rows = _rows(spark_con, spark_relation)
            assert sorted(spark_columns) == sorted(duck_columns), mart
            # the same column order on both sides before comparing rows
            order = [spark_columns.index(c) for c in duck_columns]
            spark_rows = Counter({tuple(r[i] for i in order): n for r, n in spark_rows.items()})
            assert sum(duck_rows.values()) > 0, f"{mart} is empty: the fixture tests nothing"
            only_duck = duck_rows - spark_rows
            only_spark = spark_rows - duck_rows
            assert not only_duck and not only_spark, (
                f"{mart}: {sum(only_duck.values())} rows only on DuckDB, "
                f"{sum(only_spark.values())} only on Spark; e.g.\n"
                f"duckdb {list(only_duck)[:3]}\nspark  {list(only_spark)[:3]}"
            )
