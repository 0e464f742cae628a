"""The resources every run gets: the dbt CLI (one per code location, bound to the one project)."""

from __future__ import annotations

from dagster_dbt import DbtCliResource

from orchestration.project import dbt_project


def build_resources() -> dict[str, object]:
    return {"dbt": DbtCliResource(project_dir=dbt_project)}


# DuckDB allows one process to hold the warehouse file for writing, and a writer excludes
# readers in other processes. Every op that opens the file (dbt, the quality checks) claims a
# slot of this pool; dagster.yaml limits the pool to one slot so such ops queue instead of
# failing with a lock error, across runs as well as within one.
WAREHOUSE_POOL = "duckdb_warehouse"
# Runs of jobs that write the warehouse carry this tag; dagster.yaml's run queue lets one such
# run be in progress at a time.
WAREHOUSE_WRITER_TAGS = {"behavior/warehouse": "writer"}
