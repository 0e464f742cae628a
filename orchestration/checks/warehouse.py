"""The checks' access to the warehouse: batches read read-only, results written afterwards.

DuckDB has one writer. Checks run after the dbt op they check has finished (they depend on its
assets) and claim the warehouse pool, so no dbt process holds the file while they open it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Mapping
from typing import Any

import duckdb
import pandas as pd

from orchestration.settings import Settings

RELATION = re.compile(r"\{(\w+)\}")


def relation_schemas(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = con.execute(
        "select table_name, table_schema from information_schema.tables "
        "where table_catalog = current_database()"
    ).fetchall()
    return dict(rows)


def qualify(sql: str, schemas: Mapping[str, str]) -> str:
    """Replace {relation} by "schema"."relation": names are unique across schemas (contract)."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in schemas:
            raise LookupError(f"relation {name} is not in the warehouse")
        return f'"{schemas[name]}"."{name}"'

    return RELATION.sub(replace, sql)


def read_batches(
    settings: Settings, queries: Mapping[str, str]
) -> dict[str, pd.DataFrame | Exception]:
    """Run each query on one read-only connection, closed before validation starts. A query
    that cannot run (a missing relation or contract column) is that check's failure, not the
    suite's: its error is returned in place of the batch."""
    batches: dict[str, pd.DataFrame | Exception] = {}
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        schemas = relation_schemas(con)
        for name, sql in queries.items():
            try:
                batches[name] = con.execute(qualify(sql, schemas)).df()
            except (duckdb.Error, LookupError) as error:
                batches[name] = error
    return batches


RESULTS_COLUMNS = """
    run_id varchar, check_name varchar, asset_key varchar, passed boolean, blocking boolean,
    severity varchar, observed json, thresholds json, checked_at timestamp
"""


def write_results(
    settings: Settings, table: str, rows: Iterable[Mapping[str, Any]], attempts: int = 5
) -> None:
    """Append check results with a short write connection; retries while another process (a BI
    reader outside Dagster) briefly holds the file."""
    schema, _, name = table.rpartition(".")
    frame = pd.DataFrame(list(rows))
    for attempt in range(attempts):
        try:
            with duckdb.connect(str(settings.duckdb_path)) as con:
                if schema:
                    con.execute(f'create schema if not exists "{schema}"')
                con.execute(f"create table if not exists {table} ({RESULTS_COLUMNS})")
                con.register("check_results", frame)
                con.execute(
                    f"insert into {table} by name "
                    "select * replace (observed::json as observed, thresholds::json as thresholds)"
                    " from check_results"
                )
            return
        except duckdb.IOException:
            if attempt == attempts - 1:
                raise
            time.sleep(2**attempt)
