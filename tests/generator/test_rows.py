"""Every bad row is bad for its stated reason; every other line is a well-formed event."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from tests.generator.checks import JUNK, TYPES, identifiers, parse_ts, real_identifiers
from tests.generator.conftest import Dataset, Line

SEGMENT_FIELDS = {"message_id", "type", "timestamp", "received_at", "context"}


def _by_position(ds: Dataset) -> dict[tuple[str, int], Line]:
    return {(ln.file, ln.number): ln for ln in ds.lines}


def test_every_bad_row_is_bad_for_its_reason(mixed: Dataset) -> None:
    lines = _by_position(mixed)
    reasons = Counter()
    for key, row in mixed.bad().items():
        reason = row["reason"]
        reasons[reason] += 1
        ln = lines[key]
        rec = ln.record
        if reason == "malformed_json":
            assert rec is None, key
            continue
        assert rec is not None, (key, reason)
        if reason == "missing_timestamp":
            assert "timestamp" not in rec
        elif reason == "invalid_timestamp":
            try:
                parse_ts(rec["timestamp"])
                raise AssertionError(f"{rec['timestamp']!r} parses")
            except ValueError:
                pass
        elif reason == "future_timestamp":
            lead = parse_ts(rec["timestamp"]) - parse_ts(rec["received_at"])
            assert lead >= dt.timedelta(days=7), (key, lead)
        elif reason == "no_identifier":
            assert identifiers(rec) == []
        elif reason == "unknown_type":
            assert rec["type"] not in TYPES
        elif reason == "missing_message_id":
            assert "message_id" not in rec and row["message_id"] == ""
        if reason != "missing_message_id":
            assert rec["message_id"] == row["message_id"]
    assert set(reasons) == {"malformed_json", "missing_timestamp", "invalid_timestamp",
                            "future_timestamp", "no_identifier", "unknown_type",
                            "missing_message_id", "duplicate_message_id"}
    total = len(mixed.lines)
    bad = sum(n for r, n in reasons.items() if r != "duplicate_message_id")
    assert 0.002 * total < bad < 0.01 * total
    assert 0.005 * total < reasons["duplicate_message_id"] < 0.02 * total


def test_good_lines_are_well_formed(mixed: Dataset) -> None:
    seen: set[str] = set()
    for ln in mixed.good():
        rec = ln.record
        assert rec is not None, (ln.file, ln.number)
        assert set(rec) >= SEGMENT_FIELDS, (ln.file, ln.number)
        assert rec["type"] in TYPES
        if rec["type"] == "track":
            assert rec["event"] and "name" not in rec
        elif rec["type"] in ("page", "screen"):
            assert rec["name"] and "event" not in rec
        else:
            assert "event" not in rec and "name" not in rec
        assert rec["message_id"] not in seen, rec["message_id"]
        seen.add(rec["message_id"])
        assert real_identifiers(rec), (ln.file, ln.number)
        parse_ts(rec["timestamp"])
        assert parse_ts(rec["timestamp"]) <= parse_ts(rec["received_at"])
        if ln.text is not None:
            assert ln.text.startswith('{"message_id":') and "\n" not in ln.text


def test_junk_identifiers_never_come_alone(mixed: Dataset) -> None:
    junk_lines = 0
    for ln in mixed.good():
        found = identifiers(ln.record)
        if any(v in JUNK for _, v in found):
            junk_lines += 1
            assert real_identifiers(ln.record), (ln.file, ln.number)
    assert junk_lines > 0


def test_duplicates_repeat_an_earlier_delivery(mixed: Dataset) -> None:
    originals = {ln.record["message_id"]: ln.record for ln in mixed.good()}
    lines = _by_position(mixed)
    n = 0
    for key, row in mixed.bad().items():
        if row["reason"] != "duplicate_message_id":
            continue
        copy = lines[key].record
        first = originals[row["message_id"]]
        delay = parse_ts(copy["received_at"]) - parse_ts(first["received_at"])
        assert dt.timedelta(seconds=1) <= delay <= dt.timedelta(days=2, seconds=1), delay
        assert {k: v for k, v in copy.items() if k != "received_at"} == \
            {k: v for k, v in first.items() if k != "received_at"}
        n += 1
    assert n > 0
    # files are by receive day, so retries received after midnight land in a later file
    later = sum(1 for (f, _), r in mixed.bad().items() if r["reason"] == "duplicate_message_id"
                and not f.startswith("events_" + originals[r["message_id"]]["received_at"][:10]
                                     .replace("-", "")))
    assert 0 < later < n


def test_late_app_events(mixed: Dataset) -> None:
    lags = []
    for ln in mixed.good():
        if ln.record["context"]["channel"] == "app":
            lags.append(parse_ts(ln.record["received_at"]) - parse_ts(ln.record["timestamp"]))
    late = [lag for lag in lags if lag >= dt.timedelta(days=1)]
    assert 0.005 * len(lags) < len(late) < 0.06 * len(lags)
    assert any(lag > dt.timedelta(days=3) for lag in late)
    assert all(lag < dt.timedelta(days=7) for lag in late)


def test_unnormalised_names_are_recorded(mixed: Dataset) -> None:
    names = {r["raw_event"]: r["event"] for r in mixed.truth_rows("event_names.csv")}
    sloppy = Counter()
    for ln in mixed.good():
        if ln.record["type"] == "track":
            raw = ln.record["event"]
            assert raw in names, raw
            if raw != names[raw]:
                sloppy[raw] += 1
                assert names[raw] == raw.strip().lower().replace(" ", "_").replace("-", "_") or \
                    names[raw].replace("_", "") == raw.lower()
    n_track = sum(1 for ln in mixed.good() if ln.record["type"] == "track")
    assert 0.004 * n_track < sum(sloppy.values()) < 0.02 * n_track
