"""Hand-written landing data for the identity scenario tests."""

from __future__ import annotations

import csv
import hashlib
import json
from collections import defaultdict
from typing import Any

from tests.warehouse import Warehouse, pii_hash

CRM_HEADER = [
    "customer_id", "user_id", "phone", "email", "name", "member_level", "tags", "created_at",
    "updated_at",
]

# Everything the identity models depend on, without the other teams' downstream models.
IDENTITY_SELECTION = ("+path:models/marts/identity", "audit_quarantined_events")


def event(
    message_id: str,
    timestamp: str,
    *,
    type_: str = "track",
    user_id: str | None = None,
    anonymous_id: str | None = None,
    device_id: str | None = None,
    openid: str | None = None,
    unionid: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    channel: str = "web",
) -> dict[str, Any]:
    """One raw tracking event in the landing format."""
    context: dict[str, Any] = {"channel": channel}
    if device_id is not None:
        context["device"] = {"id": device_id}
    wechat = {k: v for k, v in {"openid": openid, "unionid": unionid}.items() if v is not None}
    if wechat:
        context["wechat"] = wechat
    traits = {k: v for k, v in {"phone": phone, "email": email}.items() if v is not None}
    record: dict[str, Any] = {
        "message_id": message_id,
        "type": type_,
        "timestamp": timestamp,
        "received_at": timestamp,
        "context": context,
        "properties": {},
        "traits": traits,
    }
    if type_ == "track":
        record["event"] = "view_item"
    if user_id is not None:
        record["user_id"] = user_id
    if anonymous_id is not None:
        record["anonymous_id"] = anonymous_id
    return record


def land_events(wh: Warehouse, name: str, events: list[dict[str, Any]]) -> None:
    path = wh.raw_dir / "events" / f"{name}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(e) + "\n" for e in events))


def land_crm(wh: Warehouse, rows: list[dict[str, str]], name: str = "customers.csv") -> None:
    path = wh.raw_dir / "crm_customers" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=CRM_HEADER)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in CRM_HEADER})


def build_identity(wh: Warehouse, **kwargs: Any) -> None:
    kwargs.setdefault("with_tests", False)
    wh.build(*IDENTITY_SELECTION, **kwargs)


Identifier = tuple[str, str]


def phone_id(phone_e164: str) -> Identifier:
    return ("phone", pii_hash(phone_e164))


def email_id(email: str) -> Identifier:
    return ("email", pii_hash(email))


def partition(wh: Warehouse) -> set[frozenset[Identifier]]:
    """The persons of dim_identity_map as sets of identifiers (shared identifiers left out)."""
    persons: dict[str, set[Identifier]] = defaultdict(set)
    for identifier_type, value, person_id in wh.query(
        "select identifier_type, identifier_value, person_id from marts.dim_identity_map "
        "where person_id is not null"
    ):
        persons[person_id].add((identifier_type, value))
    return {frozenset(ids) for ids in persons.values()}


def person_ids(wh: Warehouse) -> dict[Identifier, str | None]:
    return {
        (t, v): p
        for t, v, p in wh.query(
            "select identifier_type, identifier_value, person_id from marts.dim_identity_map"
        )
    }


def shared(wh: Warehouse) -> set[Identifier]:
    return {
        (t, v)
        for t, v in wh.query(
            "select identifier_type, identifier_value from marts.dim_identity_map where is_shared"
        )
    }


def expected_person_id(identifier: Identifier) -> str:
    return "p_" + hashlib.md5(f"{identifier[0]}:{identifier[1]}".encode()).hexdigest()
