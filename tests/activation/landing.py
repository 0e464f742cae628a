"""Hand-written landing data for the activation tests."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from tests.warehouse import Warehouse

# The models the activation marts need, built without tests (other teams' marts left out).
ACTIVATION_SELECTION = "+path:models/marts/activation"


def track(message_id: str, timestamp: str, user_id: str, event: str, **properties: Any) -> dict:
    """One track event of a logged-in user in the landing format."""
    return {
        "message_id": message_id,
        "type": "track",
        "event": event,
        "timestamp": timestamp,
        "received_at": timestamp,
        "user_id": user_id,
        "anonymous_id": f"anon-{user_id}",
        "context": {"channel": "web"},
        "properties": properties,
    }


def land_events(wh: Warehouse, name: str, events: list[dict[str, Any]]) -> Path:
    path = wh.raw_dir / "events" / f"{name}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    return path


def land_consent(wh: Warehouse, rows: list[tuple[str, str, str, str, str]]) -> Path:
    path = wh.raw_dir / "consent" / "consent.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["identifier_type", "identifier_value", "purpose", "action", "requested_at"]
        )
        writer.writerows(rows)
    return path


def build_activation(wh: Warehouse, dbt_vars: dict | None = None) -> None:
    wh.dbt("run", "--select", ACTIVATION_SELECTION, dbt_vars=dbt_vars)


def person_of(wh: Warehouse, user_id: str) -> str:
    rows = wh.query(
        "select person_id from marts.dim_identity_map "
        f"where identifier_type = 'user_id' and identifier_value = '{user_id}'"
    )
    assert rows and rows[0][0], f"user {user_id} resolved to no person"
    return rows[0][0]
