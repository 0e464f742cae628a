"""OneID scenarios on hand-written landing data: each asserts the exact partition of identifiers
into persons (dim_identity_map), plus shared flags, merges and audit rows where relevant."""

from __future__ import annotations

import pytest

from orchestration.dbt_cli import DbtError
from tests.identity.landing import (
    build_identity,
    email_id,
    event,
    expected_person_id,
    land_crm,
    land_events,
    partition,
    person_ids,
    phone_id,
    shared,
)
from tests.warehouse import Warehouse


def ts(day: int, minute: int = 0) -> str:
    return f"2026-10-{day:02d}T{minute // 60:02d}:{minute % 60:02d}:00Z"


def chain_events(length: int) -> tuple[list[dict], list[tuple[str, str]]]:
    """A path of `length` weak identifiers a0-d0-a1-d1-..., then a login at its far end."""
    ids: list[tuple[str, str]] = []
    for i in range(length):
        ids.append(("anonymous_id", f"a{i}") if i % 2 == 0 else ("device_id", f"d{i}"))
    events = []
    for i in range(length - 1):
        (t1, v1), (t2, v2) = ids[i], ids[i + 1]
        kwargs = {t1: v1, t2: v2}
        # newest links first, so labels have to travel the whole chain
        events.append(event(f"c{i}", ts(1, 600 - i), **kwargs))
    return events, ids


def test_chain_of_90_identifiers_is_one_person(warehouse: Warehouse) -> None:
    events, ids = chain_events(89)
    events.append(event("login", ts(2), user_id="u_chain", anonymous_id=ids[-1][1]))
    land_events(warehouse, "chain", events)
    build_identity(warehouse)
    assert partition(warehouse) == {frozenset([*ids, ("user_id", "u_chain")])}
    assert len(ids) + 1 == 90


def test_iteration_guard_fails_loudly(warehouse: Warehouse) -> None:
    events, _ = chain_events(90)
    land_events(warehouse, "chain", events)
    with pytest.raises(DbtError, match="did not converge"):
        build_identity(warehouse, dbt_vars={"identity_max_iterations": 1})


def test_fan_in(warehouse: Warehouse) -> None:
    events = [event(f"f{i}", ts(1, i), anonymous_id=f"a{i}", device_id=f"d{i}") for i in range(8)]
    events += [event(f"l{i}", ts(2, i), anonymous_id=f"a{i}", user_id="u1") for i in range(8)]
    events.append(event("other", ts(3), anonymous_id="a_other", user_id="u2"))
    land_events(warehouse, "fan", events)
    build_identity(warehouse)
    hub = {("user_id", "u1")}
    hub |= {("anonymous_id", f"a{i}") for i in range(8)}
    hub |= {("device_id", f"d{i}") for i in range(8)}
    assert partition(warehouse) == {
        frozenset(hub), frozenset({("user_id", "u2"), ("anonymous_id", "a_other")}),
    }


def test_diamond(warehouse: Warehouse) -> None:
    land_events(warehouse, "diamond", [
        event("i1", ts(1), type_="identify", user_id="u1", phone="13800138000"),
        event("i2", ts(2), type_="identify", user_id="u1", email="x@y.com"),
    ])
    land_crm(warehouse, [{
        "customer_id": "c1", "phone": "+86 138-0013-8000", "email": "X@Y.com",
        "member_level": "gold", "tags": "vip; new", "created_at": ts(3), "updated_at": ts(3),
    }])
    build_identity(warehouse)
    person = {("user_id", "u1"), phone_id("+8613800138000"), email_id("x@y.com"),
              ("crm_customer_id", "c1")}
    assert partition(warehouse) == {frozenset(person)}
    [(member_level, tags, phones, emails)] = warehouse.query(
        "select member_level, crm_tags, phones, emails from marts.dim_persons"
    )
    assert (member_level, tags, phones, emails) == ("gold", "vip;new", 1, 1)


def test_shared_kiosk_device_does_not_merge_accounts(warehouse: Warehouse) -> None:
    events = [event(f"k{i}", ts(1, i), user_id=f"u{i}", device_id="kiosk-1", channel="offline")
              for i in range(6)]
    events += [event(f"own{i}", ts(2, i), user_id=f"u{i}", device_id=f"phone{i}", channel="app")
               for i in range(6)]
    land_events(warehouse, "kiosk", events)
    build_identity(warehouse)
    assert partition(warehouse) == {
        frozenset({("user_id", f"u{i}"), ("device_id", f"phone{i}")}) for i in range(6)
    }
    assert shared(warehouse) == {("device_id", "kiosk-1")}
    assert person_ids(warehouse)[("device_id", "kiosk-1")] is None
    reasons = warehouse.query(
        "select distinct reason from marts.audit_identity_guardrail_drops "
        "where blocking_identifier_value = 'kiosk-1'"
    )
    assert reasons == [("weak_id_linked_to_multiple_persons",)]


def test_kiosk_seen_with_many_anonymous_cookies_is_shared(warehouse: Warehouse) -> None:
    events = [event(f"k{i}", ts(1, i), anonymous_id=f"cookie{i}", device_id="kiosk-2")
              for i in range(25)]
    land_events(warehouse, "kiosk", events)
    build_identity(warehouse)
    assert partition(warehouse) == {frozenset({("anonymous_id", f"cookie{i}")}) for i in range(25)}
    assert shared(warehouse) == {("device_id", "kiosk-2")}


def test_junk_identifiers_are_dropped_and_audited(warehouse: Warehouse) -> None:
    land_events(warehouse, "junk", [
        event("j1", ts(1), user_id="u1", anonymous_id="undefined", device_id="00000000-0000"),
        event("j2", ts(2), user_id="u2", anonymous_id="undefined", device_id="00000000-0000"),
        event("j3", ts(3), user_id="u3", anonymous_id="null"),
    ])
    build_identity(warehouse)
    assert partition(warehouse) == {frozenset({("user_id", f"u{i}")}) for i in (1, 2, 3)}
    junk = set(warehouse.query(
        "select identifier_type, identifier_value, occurrences "
        "from marts.audit_identity_guardrail_drops where drop_kind = 'junk_identifier'"
    ))
    assert junk == {
        ("anonymous_id", "undefined", 2), ("device_id", "00000000-0000", 2),
        ("anonymous_id", "null", 1),
    }


def test_cookie_used_by_two_accounts_is_shared(warehouse: Warehouse) -> None:
    land_events(warehouse, "cookie", [
        event("e1", ts(1), anonymous_id="a1"),
        event("e2", ts(1, 5), anonymous_id="a1", user_id="alice"),
        event("e3", ts(1, 9), anonymous_id="a1", user_id="bob"),
        event("e4", ts(2), anonymous_id="a2", user_id="bob"),
    ])
    build_identity(warehouse)
    assert partition(warehouse) == {
        frozenset({("user_id", "alice")}),
        frozenset({("user_id", "bob"), ("anonymous_id", "a2")}),
    }
    assert shared(warehouse) == {("anonymous_id", "a1")}
    dropped = set(warehouse.query(
        "select other_identifier_value, reason from marts.audit_identity_guardrail_drops "
        "where drop_kind = 'edge' and identifier_value = 'a1' or other_identifier_value = 'a1'"
    ))
    assert len(dropped) == 2


def test_phone_shared_by_two_accounts_does_not_merge_them(warehouse: Warehouse) -> None:
    land_events(warehouse, "phone", [
        event("i1", ts(1), type_="identify", user_id="u1", phone="13800138000", email="a@x.com"),
        event("i2", ts(2), type_="identify", user_id="u2", phone="13800138000", email="b@x.com"),
    ])
    build_identity(warehouse)
    assert partition(warehouse) == {
        frozenset({("user_id", "u1"), email_id("a@x.com")}),
        frozenset({("user_id", "u2"), email_id("b@x.com")}),
    }
    assert shared(warehouse) == {phone_id("+8613800138000")}


def test_indirect_link_between_two_accounts_is_split(warehouse: Warehouse) -> None:
    # u1 - phone, phone - email (a CRM record without account), email - u2
    land_events(warehouse, "indirect", [
        event("i1", ts(1), type_="identify", user_id="u1", phone="13800138000"),
        event("i2", ts(2), type_="identify", user_id="u2", email="b@x.com"),
    ])
    land_crm(warehouse, [{"customer_id": "c1", "phone": "13800138000", "email": "b@x.com",
                          "created_at": ts(3), "updated_at": ts(3)}])
    build_identity(warehouse)
    assert partition(warehouse) == {
        frozenset({("user_id", "u1"), phone_id("+8613800138000")}),
        frozenset({("user_id", "u2"), email_id("b@x.com")}),
        frozenset({("crm_customer_id", "c1")}),
    }
    reasons = {r for (r,) in warehouse.query(
        "select reason from marts.audit_identity_guardrail_drops where drop_kind = 'edge'")}
    assert reasons == {"indirect_link_between_accounts"}


def test_late_login_merges_two_grey_profiles(warehouse: Warehouse) -> None:
    land_events(warehouse, "day1", [
        event("g1", ts(1), anonymous_id="a1", device_id="dev1"),
        event("g2", ts(2), anonymous_id="a2", channel="app"),
    ])
    build_identity(warehouse)
    # same first sight: the type priority picks the anchor (device_id before anonymous_id)
    grey_1 = expected_person_id(("device_id", "dev1"))
    grey_2 = expected_person_id(("anonymous_id", "a2"))
    assert person_ids(warehouse) == {
        ("anonymous_id", "a1"): grey_1, ("device_id", "dev1"): grey_1,
        ("anonymous_id", "a2"): grey_2,
    }
    greys = warehouse.query("select count(*) from marts.dim_persons where not is_identified")
    assert greys == [(2,)]

    land_events(warehouse, "day3", [
        event("l1", ts(3, 10), anonymous_id="a2", user_id="u1", channel="app"),
        event("l2", ts(3, 20), anonymous_id="a1", user_id="u1"),
    ])
    build_identity(warehouse)
    assert set(person_ids(warehouse).values()) == {grey_1}
    merges = warehouse.query(
        "select merged_person_id, surviving_person_id, strftime(merged_at, '%Y-%m-%dT%H:%M:%SZ') "
        "from marts.fct_identity_merges"
    )
    assert merges == [(grey_2, grey_1, ts(3, 20))]
    [(is_identified, channels)] = warehouse.query(
        "select is_identified, channels from marts.dim_persons"
    )
    assert (is_identified, channels) == (True, "app;web")

    # a full refresh reproduces the same ids and merges
    build_identity(warehouse, full_refresh=True)
    assert set(person_ids(warehouse).values()) == {grey_1}
    assert warehouse.query(
        "select merged_person_id, surviving_person_id, strftime(merged_at, '%Y-%m-%dT%H:%M:%SZ') "
        "from marts.fct_identity_merges"
    ) == merges


def test_crm_record_joins_phone_to_account(warehouse: Warehouse) -> None:
    land_events(warehouse, "crm", [
        event("i1", ts(1), type_="identify", anonymous_id="a9", phone="13900139000"),
        event("e1", ts(2), user_id="u5", device_id="dev5", channel="app"),
    ])
    land_crm(warehouse, [{"customer_id": "c5", "user_id": "u5", "phone": "139 0013 9000",
                          "member_level": "silver", "tags": "vip", "created_at": ts(3),
                          "updated_at": ts(4)}])
    build_identity(warehouse)
    person = {("anonymous_id", "a9"), phone_id("+8613900139000"), ("user_id", "u5"),
              ("device_id", "dev5"), ("crm_customer_id", "c5")}
    assert partition(warehouse) == {frozenset(person)}
    [(person_id, member_level)] = warehouse.query(
        "select person_id, member_level from marts.dim_persons"
    )
    # a9 and the phone were first seen together: the strong phone is the anchor
    assert person_id == expected_person_id(phone_id("+8613900139000"))
    assert member_level == "silver"


def test_unrelated_data_does_not_change_person_ids(warehouse: Warehouse) -> None:
    land_events(warehouse, "base", [
        event("b1", ts(1), anonymous_id="a1", user_id="u1", device_id="d1"),
        event("b2", ts(1, 30), anonymous_id="a2"),
        event("b3", ts(2), type_="identify", user_id="u2", email="u2@x.com"),
    ])
    build_identity(warehouse)
    before = person_ids(warehouse)
    land_events(warehouse, "more", [
        event("n1", ts(1, 10), anonymous_id="z1", user_id="z_user"),
        event("n2", ts(5), anonymous_id="a1", user_id="u1"),
        event("n3", ts(6), user_id="u3", device_id="d3"),
    ])
    build_identity(warehouse)
    after = person_ids(warehouse)
    assert {k: after[k] for k in before} == before
    build_identity(warehouse, full_refresh=True)
    assert person_ids(warehouse) == after
