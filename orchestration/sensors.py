"""Sensors: things outside Dagster that start runs.

Each sensor is a module-level definition listed in SENSORS. Landing sensors watch
BEHAVIOR_RAW_DIR; delivery sensors (pushing fct_trigger_actions to channels) go under their own
heading below and into SENSORS the same way.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

from dagster import (
    DefaultSensorStatus,
    RunRequest,
    SensorDefinition,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    sensor,
)

from orchestration.jobs import build_warehouse_job
from orchestration.settings import load_settings

# --- landing sensors ---------------------------------------------------------------------------

# The file types stg_tracking__raw_rows reads; anything else (temp files, .crc) is not a delivery.
EVENT_FILE_SUFFIXES = (
    ".jsonl",
    ".jsonl.gz",
    ".json",
    ".json.gz",
    ".ndjson",
    ".ndjson.gz",
    ".parquet",
)
# A file modified more recently than this may still be being written; wait for the next tick.
SETTLE_SECONDS = 30


def landed_event_files(events_dir: Path, now: float) -> dict[str, int]:
    """Settled event files in the landing folder: name -> mtime in ns."""
    if not events_dir.is_dir():
        return {}
    files = {}
    for path in events_dir.iterdir():
        if path.name.startswith(".") or not path.name.endswith(EVENT_FILE_SUFFIXES):
            continue
        stat = path.stat()
        if path.is_file() and now - stat.st_mtime >= SETTLE_SECONDS:
            files[path.name] = stat.st_mtime_ns
    return files


@sensor(
    name="new_landing_events",
    job=build_warehouse_job,
    minimum_interval_seconds=60,
    default_status=DefaultSensorStatus.STOPPED,
    description="Builds the warehouse when new event files land in BEHAVIOR_RAW_DIR/events.",
)
def new_landing_events_sensor(context: SensorEvaluationContext) -> SensorResult | SkipReason:
    events_dir = load_settings().raw_dir / "events"
    seen: dict[str, int] = json.loads(context.cursor) if context.cursor else {}
    current = landed_event_files(events_dir, time.time())
    new = {name: mtime for name, mtime in current.items() if seen.get(name) != mtime}
    if not new:
        return SkipReason(f"no new event files in {events_dir}")
    # One run per set of new files; the run builds incrementally, reading only unloaded files.
    run_key = hashlib.sha256(json.dumps(sorted(new.items())).encode()).hexdigest()[:16]
    return SensorResult(
        run_requests=[
            RunRequest(
                run_key=run_key,
                tags={"behavior/new_event_files": str(len(new))},
            )
        ],
        cursor=json.dumps({**seen, **current}, sort_keys=True),
    )


# --- delivery sensors --------------------------------------------------------------------------


from orchestration.delivery.dagster_defs import trigger_action_delivery_sensor  # noqa: E402

SENSORS: list[SensorDefinition] = [new_landing_events_sensor, trigger_action_delivery_sensor]
