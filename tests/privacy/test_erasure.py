"""Erasure: a person with several identifiers is removed from every relation on the next
incremental run, stays removed through a full refresh, and later events are quarantined."""

from __future__ import annotations

import duckdb
import pytest

from tests.privacy.landing import ALICE, BOB, event, identify, land_consent, land_crm, write_jsonl
from tests.warehouse import Warehouse, pii_hash


def _first_batch(person: dict[str, str], tag: str) -> list[dict | str]:
    return [
        # browsing before login: device and cookie only
        event(person, f"{tag}-1", "2026-10-01T08:00:00Z", "view_item", logged_in=False,
              product_id="p1", category="beauty.skin", price=120),
        event(person, f"{tag}-2", "2026-10-01T08:01:00Z", "login"),
        identify(person, f"{tag}-3", "2026-10-01T08:01:30Z"),
        event(person, f"{tag}-4", "2026-10-01T08:02:00Z", "view_item", product_id="p2",
              category="beauty.skin", price=99),
        event(person, f"{tag}-5", "2026-10-01T08:03:00Z", "add_to_cart", product_id="p2",
              price=99, quantity=1),
        # a second delivery of an event (duplicate_message_id) and a bad timestamp
        event(person, f"{tag}-4", "2026-10-01T08:02:00Z", "view_item", product_id="p2"),
        event(person, f"{tag}-6", "not-a-time", "view_item", product_id="p3"),
    ]


def _second_batch(person: dict[str, str], tag: str) -> list[dict | str]:
    return [
        event(person, f"{tag}-7", "2026-10-03T09:00:00Z", "view_item", logged_in=False,
              product_id="p4", category="beauty.hair", price=50),
        event(person, f"{tag}-8", "2026-10-03T09:05:00Z", "purchase", order_id=f"o-{tag}",
              revenue=50),
    ]


def _needles(person: dict[str, str], person_id: str) -> set[str]:
    raw = {person[k] for k in ("user_id", "anonymous_id", "device_id", "crm_customer_id",
                               "phone", "email", "name", "ip")}
    hashes = {
        pii_hash(person["phone_e164"]), pii_hash(person["email"]), pii_hash(person["name"]),
        pii_hash(person["ip"]),
    }
    return raw | hashes | {person_id}


def _traces(wh: Warehouse, needles: set[str]) -> list[tuple[str, str, str, str]]:
    found = []
    # one read-only connection for the whole scan (a connection per column cost seconds)
    with duckdb.connect(str(wh.settings.duckdb_path), read_only=True) as con:
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where data_type = 'VARCHAR' and table_catalog = current_database()"
        ).fetchall()
        for schema, table, column in columns:
            for (value,) in con.execute(
                f'select distinct "{column}" from "{schema}"."{table}" '
                f'where "{column}" is not null'
            ).fetchall():
                hits = [n for n in needles if n in value]
                if hits:
                    found.append((schema, table, column, hits[0]))
                    break
    return found


def _person_of(wh: Warehouse, user_id: str) -> str:
    rows = wh.query(
        "select person_id from marts.dim_identity_map "
        f"where identifier_type = 'user_id' and identifier_value = '{user_id}'"
    )
    assert rows and rows[0][0]
    return rows[0][0]


def test_erasure_removes_the_whole_person_and_survives_a_full_refresh(
    warehouse: Warehouse,
) -> None:
    wh = warehouse
    write_jsonl(wh.raw_dir / "events" / "batch_1.jsonl",
                _first_batch(ALICE, "a") + _first_batch(BOB, "b"))
    land_crm(wh, "crm_1", [ALICE, BOB])
    land_consent(wh, "consent_1", [
        ["user_id", BOB["user_id"], "marketing", "grant", "2026-09-30T00:00:00Z"],
        ["email", ALICE["email"], "marketing", "grant", "2026-09-30T00:00:00Z"],
    ])
    wh.build(with_tests=False)
    alice_id, bob_id = _person_of(wh, ALICE["user_id"]), _person_of(wh, BOB["user_id"])
    # before the erasure Alice is one person with six identifiers, and her pre-login (grey)
    # person was merged into her account: both person ids are hers
    assert wh.query(
        f"select count(*) from marts.dim_identity_map where person_id = '{alice_id}'"
    ) == [(6,)]
    alice_merged = wh.query(
        f"select merged_person_id from marts.fct_identity_merges "
        f"where surviving_person_id = '{alice_id}'"
    )
    assert len(alice_merged) == 1
    needles = _needles(ALICE, alice_id) | {alice_merged[0][0]}
    assert _traces(wh, needles - {ALICE["ip"], pii_hash(ALICE["ip"])})

    # the erase request names the phone only; events keep arriving from both persons
    land_consent(
        wh, "consent_2", [["phone", ALICE["phone"], "all", "erase", "2026-10-02T00:00:00Z"]]
    )
    write_jsonl(wh.raw_dir / "events" / "batch_2.jsonl",
                _second_batch(ALICE, "a") + _second_batch(BOB, "b"))
    wh.build(with_tests=False)  # incremental: no full refresh
    _assert_erased(wh, needles, bob_id)

    audit = wh.query(
        "select action, identifier_type, person_id, identifiers_suppressed, rows_touched "
        "from audit.audit_privacy_requests order by action, identifier_type"
    )
    erase = [r for r in audit if r[0] == "erase"]
    # six identifiers and two person ids; rows: raw rows, staged events, session rows, ...
    assert len(erase) == 1 and erase[0][1:4] == ("phone", None, 8)
    touched = wh.query(
        "select relation_name, rows_touched from audit.audit_privacy_purge_log order by 1"
    )
    touched = dict(touched)
    # all of Alice's raw rows: 7 of batch 1 and the 2 of batch 2 loaded in the same run
    assert touched["staging.stg_tracking__raw_rows"] == 9
    assert touched["staging.stg_tracking__events"] == 5  # her kept events
    assert erase[0][4] == sum(touched.values())
    # Alice's earlier consent grant stays in the audit, without her person id
    assert {(r[1], r[2]) for r in audit if r[0] == "grant"} == {
        ("user_id", bob_id), ("email", None)
    }

    # a full refresh re-reads every landing file: Alice must not come back
    wh.build(with_tests=False, full_refresh=True)
    _assert_erased(wh, needles, bob_id)
    assert wh.query("select count(*) from audit.audit_erased_subjects") == [(8,)]

    # the bi schema: views only, and no identifier column but the pseudonymous person_id
    assert wh.query(
        "select table_type, count(*) from information_schema.tables "
        "where table_schema = 'bi' group by 1"
    ) == [("VIEW", 17)]
    identifier_columns = wh.query(
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'bi' and (column_name in ('user_id', 'anonymous_id', 'device_id', "
        "'openid', 'unionid', 'client_key', 'identifier_value', 'crm_customer_id') "
        "or column_name like '%hash%' or column_name like 'ip_%')"
    )
    assert identifier_columns == []
    with duckdb.connect(str(wh.settings.duckdb_path), read_only=True) as con:
        assert con.execute("select count(*) from bi.bi_sessions").fetchone() == (2,)
        with pytest.raises(duckdb.InvalidInputException):
            con.execute("create table bi.x as select 1")


def _assert_erased(wh: Warehouse, needles: set[str], bob_id: str) -> None:
    assert _traces(wh, needles) == []
    # every raw row of Alice (7 + 2) is quarantined as erased_subject, with nothing personal
    rows = wh.query(
        "select count(*), count(raw_record), count(message_id), count(event_name) "
        "from audit.audit_quarantined_events where reason = 'erased_subject'"
    )
    assert rows == [(9, 0, 0, 0)]
    # Bob is untouched: 5 kept events + 2 later ones, one duplicate, one bad timestamp
    assert wh.query("select count(*) from staging.stg_tracking__events") == [(7,)]
    assert wh.query(f"select count(*) from marts.fct_events where person_id = '{bob_id}'") == [(7,)]
    assert wh.query(
        "select reason, count(*) from audit.audit_quarantined_events "
        "where reason <> 'erased_subject' group by 1 order by 1"
    ) == [("duplicate_message_id", 1), ("invalid_timestamp", 1)]
    assert wh.query("select count(*) from staging.stg_crm__customers") == [(1,)]
    # every raw row is still accounted for, exactly once
    assert wh.query("select count(*) from staging.stg_tracking__raw_rows") == [(18,)]
    assert wh.query(
        "select count(*) from audit.audit_quarantined_events"
    ) == [(11,)]
