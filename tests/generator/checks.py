"""Independent re-implementations used to check the generator's output (not imported from it)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

JUNK = {"00000000-0000-0000-0000-000000000000", "null", "undefined", "0", ""}
TYPES = {"track", "page", "screen", "identify"}
TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}(\+08:00|Z)$")
RECEIVED_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def parse_ts(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def norm_phone(raw: str) -> str:
    digits = "".join(c for c in raw if c.isdigit())
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return "+86" + digits


def norm_email(raw: str) -> str:
    return raw.strip().lower()


def identifiers(rec: dict[str, Any]) -> list[tuple[str, str]]:
    """(type, normalised value) of every identifier an event carries, junk included."""
    out = []
    if "anonymous_id" in rec:
        out.append(("anonymous_id", rec["anonymous_id"]))
    if "user_id" in rec:
        out.append(("user_id", rec["user_id"]))
    ctx = rec.get("context") or {}
    device = ctx.get("device") or {}
    if "id" in device:
        out.append(("device_id", device["id"]))
    wechat = ctx.get("wechat") or {}
    for key in ("openid", "unionid"):
        if key in wechat:
            out.append((key, wechat[key]))
    traits = rec.get("traits") or {}
    if "phone" in traits:
        out.append(("phone", norm_phone(traits["phone"])))
    if "email" in traits:
        out.append(("email", norm_email(traits["email"])))
    return out


def real_identifiers(rec: dict[str, Any]) -> list[tuple[str, str]]:
    return [(t, v) for t, v in identifiers(rec) if v not in JUNK]
