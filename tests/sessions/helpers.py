"""Helpers of the sessions tests: hand-written tracking events, the sessions build, table dumps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.warehouse import Warehouse

FIXTURES = Path(__file__).parent / "fixtures"

# every relation the sessions models publish (marts) or keep (incremental tables)
SESSION_RELATIONS: dict[str, str] = {
    "marts.fct_events": "event_id",
    "marts.fct_sessions": "session_id",
    "marts.fct_page_views": "page_view_id",
    "intermediate.int_sessions__events": "event_id",
    "intermediate.int_sessions__sessions": "session_id",
    "intermediate.int_sessions__page_views": "page_view_id",
}

SESSION_SELECTION: tuple[str, ...] = ("+path:models/marts/sessions",)

# the incremental analysis tables and the person-level models read from them (docs/analysis.md
# "Incremental analysis"), with their keys
ANALYSIS_RELATIONS: dict[str, str] = {
    "intermediate.int_analysis__client_days": (
        "client_day_key, user_id, anonymous_id, device_id, openid, unionid, event_name"
    ),
    "intermediate.int_analysis__session_paths": "session_id, step_index",
    "intermediate.int_analysis__path_items": "session_id, step_index",
    "intermediate.int_analysis__person_days": "person_id, activity_day",
    "intermediate.int_analysis__retention_cohorts": "analysis_name, person_id",
    "intermediate.int_analysis__retention_returns": "analysis_name, person_id, period_number",
}

ANALYSIS_SELECTION: tuple[str, ...] = (
    "+int_analysis__path_items",
    "+int_analysis__person_days",
    "+int_analysis__retention_returns",
)


def track(
    message_id: str,
    timestamp: str,
    *,
    event: str = "view_item",
    event_type: str = "track",
    device_id: str | None = "d1",
    anonymous_id: str | None = None,
    user_id: str | None = None,
    page_url: str | None = None,
    properties: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One raw tracking event as a collector delivers it (received a second after it happened)."""
    record: dict[str, Any] = {
        "message_id": message_id,
        "type": event_type,
        "timestamp": timestamp,
        "received_at": timestamp.replace("Z", "+00:00"),
        "context": {"channel": "web", "device": {"type": "mobile"}},
        "properties": properties or {},
    }
    if event_type == "track":
        record["event"] = event
    else:
        record["name"] = event
    if device_id:
        record["context"]["device"]["id"] = device_id
    if anonymous_id:
        record["anonymous_id"] = anonymous_id
    if user_id:
        record["user_id"] = user_id
    if page_url:
        path = "/" + page_url.split("://", 1)[-1].split("/", 1)[-1].split("?", 1)[0]
        record["context"]["page"] = {"url": page_url, "path": path}
    if not (device_id or anonymous_id or user_id):
        raise ValueError("an event needs an identifier")
    return record


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def build_sessions(
    warehouse: Warehouse,
    *,
    full_refresh: bool = False,
    dbt_vars: dict[str, Any] | None = None,
    with_analysis: bool = False,
) -> None:
    """Build the sessions marts and everything upstream of them, seeds included (with_analysis:
    the incremental analysis models too); data tests are left out (other teams' tests may need
    models outside this selection)."""
    select = SESSION_SELECTION + (ANALYSIS_SELECTION if with_analysis else ())
    args = ["build", "--select", *select, "--exclude-resource-type", "test", "unit_test"]
    if full_refresh:
        args.append("--full-refresh")
    warehouse.dbt(*args, dbt_vars=dbt_vars)


def dump(warehouse: Warehouse, relation: str, key: str) -> list[tuple[Any, ...]]:
    """All rows of a relation without the run-metadata columns (leading underscore), in key
    order, doubles rounded to 6 decimals."""
    columns = [
        row[0]
        for row in warehouse.query(
            "select column_name from information_schema.columns "
            f"where table_schema || '.' || table_name = '{relation}' order by ordinal_position"
        )
        if not row[0].startswith("_")
    ]
    assert columns, f"{relation} has no columns"
    rows = warehouse.query(f"select {', '.join(columns)} from {relation} order by {key}")
    return [tuple(round(v, 6) if isinstance(v, float) else v for v in row) for row in rows]


def sessions_of(warehouse: Warehouse, client_key: str) -> list[tuple[Any, ...]]:
    """(session_start, session_end, events) of a client's sessions, in time order."""
    return warehouse.query(
        "select session_start, session_end, events from marts.fct_sessions "
        f"where client_key = '{client_key}' order by session_start"
    )
