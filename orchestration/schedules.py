"""Schedules. Stopped by default: a local `make dev` should not start writing the warehouse on
its own; turn them on in the UI (Automation) or deploy with them running."""

from __future__ import annotations

from dagster import DefaultScheduleStatus, ScheduleDefinition

from orchestration.jobs import build_warehouse_job, quality_job

hourly_build_schedule = ScheduleDefinition(
    name="hourly_warehouse_build",
    job=build_warehouse_job,
    cron_schedule="5 * * * *",  # a few minutes past the hour, after hourly collector drops
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.STOPPED,
)

daily_quality_schedule = ScheduleDefinition(
    name="daily_quality_run",
    job=quality_job,
    cron_schedule="30 3 * * *",  # quiet hours, after the nightly CRM/consent exports
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.STOPPED,
)

SCHEDULES = [hourly_build_schedule, daily_quality_schedule]
