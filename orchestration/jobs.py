"""The jobs. Both write the warehouse (dbt, the check results table), so both carry the writer
tag that dagster.yaml's run queue limits to one run at a time."""

from __future__ import annotations

from dagster import AssetSelection, define_asset_job

from orchestration.resources import WAREHOUSE_WRITER_TAGS

# Everything Dagster can materialize (the landing folders are external) with every check.
# Incremental models read only what landed since the last run, so this is also the hourly job.
build_warehouse_job = define_asset_job(
    name="build_warehouse",
    selection=AssetSelection.all() - AssetSelection.groups("landing"),
    description="dbt build of every layer (incremental), the dbt tests and the GX suites.",
    tags=WAREHOUSE_WRITER_TAGS,
)

# Every check without rebuilding anything: dbt tests (`dbt test` on the selected tests) and the
# GX suites, over the warehouse as it is.
quality_job = define_asset_job(
    name="quality_checks",
    selection=AssetSelection.all_asset_checks(),
    description="All dbt tests and Great Expectations suites on the current warehouse.",
    tags=WAREHOUSE_WRITER_TAGS,
)

JOBS = [build_warehouse_job, quality_job]
