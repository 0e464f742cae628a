"""Hand-written landing data for the privacy tests: two persons with several identifiers each."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from tests.warehouse import Warehouse

ALICE = {
    "user_id": "u-alice-7731",
    "anonymous_id": "anon-alice-5521",
    "device_id": "dev-alice-9081",
    "crm_customer_id": "crm-alice-4410",
    "phone": "13800138001",
    "phone_e164": "+8613800138001",
    "email": "alice.wang@example.com",
    "name": "Alice Wang",
    "ip": "203.0.113.77",
}
BOB = {
    "user_id": "u-bob-2290",
    "anonymous_id": "anon-bob-6612",
    "device_id": "dev-bob-3374",
    "crm_customer_id": "crm-bob-8820",
    "phone": "13900139002",
    "phone_e164": "+8613900139002",
    "email": "bob.li@example.com",
    "name": "Bob Li",
    "ip": "198.51.100.23",
}


def event(
    person: dict[str, str],
    message_id: str,
    timestamp: str,
    name: str,
    *,
    logged_in: bool = True,
    **properties: Any,
) -> dict[str, Any]:
    """A web track event from the person's device; with the user id once logged in."""
    row: dict[str, Any] = {
        "message_id": message_id,
        "type": "track",
        "event": name,
        "timestamp": timestamp,
        "received_at": timestamp,
        "anonymous_id": person["anonymous_id"],
        "context": {
            "channel": "web",
            "device": {"id": person["device_id"], "type": "desktop"},
            "ip": person["ip"],
            "user_agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0 Safari/537.36",
        },
        "properties": properties,
    }
    if logged_in:
        row["user_id"] = person["user_id"]
    return row


def identify(person: dict[str, str], message_id: str, timestamp: str) -> dict[str, Any]:
    row = event(person, message_id, timestamp, "identify")
    row["type"] = "identify"
    del row["event"]
    row["traits"] = {"phone": person["phone"], "email": person["email"], "name": person["name"]}
    return row


def write_jsonl(path: Path, rows: list[dict[str, Any] | str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [r if isinstance(r, str) else json.dumps(r) for r in rows]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def land_crm(wh: Warehouse, name: str, persons: list[dict[str, str]]) -> None:
    write_csv(
        wh.raw_dir / "crm_customers" / f"{name}.csv",
        ["customer_id", "user_id", "phone", "email", "name", "member_level", "tags",
         "created_at", "updated_at"],
        [
            [p["crm_customer_id"], p["user_id"], p["phone"], p["email"], p["name"], "gold",
             "vip", "2026-09-01T00:00:00Z", "2026-09-01T00:00:00Z"]
            for p in persons
        ],
    )


def land_consent(wh: Warehouse, name: str, rows: list[list[str]]) -> None:
    write_csv(
        wh.raw_dir / "consent" / f"{name}.csv",
        ["identifier_type", "identifier_value", "purpose", "action", "requested_at"],
        rows,
    )
