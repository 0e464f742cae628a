"""OneID scenarios on hand-written landing data: each asserts the exact partition of its
identifiers into persons (dim_identity_map), plus shared flags, merges and audit rows where
relevant.

Every scenario uses its own identifiers (values prefixed by the scenario, its own phones and
emails), so they cannot touch each other and one landing set holds them all: it is built once
for the module (`world`). Scenarios that need a second delivery (late data, stable ids across
runs) share a second landing set built incrementally (`deliveries`); the iteration guard needs a
build that fails, so it has its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from orchestration.dbt_cli import DbtError
from tests.identity.landing import (
    Identifier,
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


@dataclass
class Landing:
    events: list[dict[str, Any]] = field(default_factory=list)
    crm: list[dict[str, str]] = field(default_factory=list)


def chain_events(length: int, prefix: str = "") -> tuple[list[dict], list[Identifier]]:
    """A path of `length` weak identifiers a0-d0-a1-d1-..., then a login at its far end."""
    ids: list[Identifier] = []
    for i in range(length):
        ids.append(("anonymous_id", f"{prefix}a{i}") if i % 2 == 0
                   else ("device_id", f"{prefix}d{i}"))
    events = []
    for i in range(length - 1):
        (t1, v1), (t2, v2) = ids[i], ids[i + 1]
        kwargs = {t1: v1, t2: v2}
        # newest links first, so labels have to travel the whole chain
        events.append(event(f"{prefix}c{i}", ts(1, 600 - i), **kwargs))
    return events, ids


# --- the scenarios of the shared landing set ----------------------------------------------------


def land_chain(land: Landing) -> None:
    events, _ = chain_events(89, "chain-")
    land.events += events
    land.events.append(event("chain-login", ts(2), user_id="chain-u", anonymous_id="chain-a88"))


def land_fan_in(land: Landing) -> None:
    land.events += [event(f"fan-f{i}", ts(1, i), anonymous_id=f"fan-a{i}", device_id=f"fan-d{i}")
                    for i in range(8)]
    land.events += [event(f"fan-l{i}", ts(2, i), anonymous_id=f"fan-a{i}", user_id="fan-u1")
                    for i in range(8)]
    land.events.append(event("fan-other", ts(3), anonymous_id="fan-a_other", user_id="fan-u2"))


def land_diamond(land: Landing) -> None:
    land.events += [
        event("dia-i1", ts(1), type_="identify", user_id="dia-u1", phone="13800138001"),
        event("dia-i2", ts(2), type_="identify", user_id="dia-u1", email="dia@y.com"),
    ]
    land.crm.append({
        "customer_id": "dia-c1", "phone": "+86 138-0013-8001", "email": "DIA@Y.com",
        "member_level": "gold", "tags": "vip; new", "created_at": ts(3), "updated_at": ts(3),
    })


def land_kiosk(land: Landing) -> None:
    land.events += [event(f"kiosk-k{i}", ts(1, i), user_id=f"kiosk-u{i}", device_id="kiosk-1",
                          channel="offline") for i in range(6)]
    land.events += [event(f"kiosk-own{i}", ts(2, i), user_id=f"kiosk-u{i}",
                          device_id=f"kiosk-phone{i}", channel="app") for i in range(6)]


def land_kiosk_cookies(land: Landing) -> None:
    land.events += [event(f"kc-k{i}", ts(1, i), anonymous_id=f"kc-cookie{i}", device_id="kc-kiosk")
                    for i in range(25)]


def land_junk(land: Landing) -> None:
    # the only scenario with junk values
    land.events += [
        event("junk-1", ts(1), user_id="junk-u1", anonymous_id="undefined",
              device_id="00000000-0000"),
        event("junk-2", ts(2), user_id="junk-u2", anonymous_id="undefined",
              device_id="00000000-0000"),
        event("junk-3", ts(3), user_id="junk-u3", anonymous_id="null"),
    ]


def land_cookie(land: Landing) -> None:
    land.events += [
        event("cookie-e1", ts(1), anonymous_id="cookie-a1"),
        event("cookie-e2", ts(1, 5), anonymous_id="cookie-a1", user_id="cookie-alice"),
        event("cookie-e3", ts(1, 9), anonymous_id="cookie-a1", user_id="cookie-bob"),
        event("cookie-e4", ts(2), anonymous_id="cookie-a2", user_id="cookie-bob"),
    ]


def land_shared_phone(land: Landing) -> None:
    land.events += [
        event("sp-i1", ts(1), type_="identify", user_id="sp-u1", phone="13800138002",
              email="sp-a@x.com"),
        event("sp-i2", ts(2), type_="identify", user_id="sp-u2", phone="13800138002",
              email="sp-b@x.com"),
    ]


def land_indirect(land: Landing) -> None:
    # u1 - phone, phone - email (a CRM record without account), email - u2
    land.events += [
        event("ind-i1", ts(1), type_="identify", user_id="ind-u1", phone="13800138003"),
        event("ind-i2", ts(2), type_="identify", user_id="ind-u2", email="ind-b@x.com"),
    ]
    land.crm.append({"customer_id": "ind-c1", "phone": "13800138003", "email": "ind-b@x.com",
                     "created_at": ts(3), "updated_at": ts(3)})


def land_crm_join(land: Landing) -> None:
    land.events += [
        event("crm-i1", ts(1), type_="identify", anonymous_id="crm-a9", phone="13900139000"),
        event("crm-e1", ts(2), user_id="crm-u5", device_id="crm-dev5", channel="app"),
    ]
    land.crm.append({"customer_id": "crm-c5", "user_id": "crm-u5", "phone": "139 0013 9000",
                     "member_level": "silver", "tags": "vip", "created_at": ts(3),
                     "updated_at": ts(4)})


def land_unionid(land: Landing) -> None:
    # one WeChat account: the mini program (openid + unionid, never logged in) and a WeChat
    # login on the app carrying the same unionid
    land.events += [
        event("un-mp1", ts(1), anonymous_id="un-mp-a", openid="un-open", unionid="un-union",
              channel="miniprogram"),
        event("un-app1", ts(2), type_="identify", user_id="un-u", device_id="un-dev",
              unionid="un-union", channel="app"),
    ]


SCENARIOS = (land_chain, land_fan_in, land_diamond, land_kiosk, land_kiosk_cookies, land_junk,
             land_cookie, land_shared_phone, land_indirect, land_crm_join, land_unionid)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """All single-build scenarios in one landing set, built once."""
    wh = Warehouse(tmp_path_factory.mktemp("identity_world"))
    land = Landing()
    for scenario in SCENARIOS:
        scenario(land)
    ids = [e["message_id"] for e in land.events]
    assert len(ids) == len(set(ids))
    land_events(wh, "world", land.events)
    land_crm(wh, land.crm)
    build_identity(wh)
    return wh


def persons_of(wh: Warehouse, prefix: str, *extra: Identifier) -> set[frozenset[Identifier]]:
    """The persons holding identifiers of one scenario (values starting with its prefix, or
    the given phone / email hashes)."""
    mine = set(extra)
    return {p for p in partition(wh) if any(v.startswith(prefix) or (t, v) in mine for t, v in p)}


def shared_of(wh: Warehouse, prefix: str, *extra: Identifier) -> set[Identifier]:
    return {(t, v) for t, v in shared(wh) if v.startswith(prefix) or (t, v) in set(extra)}


def test_chain_of_90_identifiers_is_one_person(world: Warehouse) -> None:
    _, ids = chain_events(89, "chain-")
    assert persons_of(world, "chain-") == {frozenset([*ids, ("user_id", "chain-u")])}
    assert len(ids) + 1 == 90


def test_iteration_guard_fails_loudly(warehouse: Warehouse) -> None:
    events, _ = chain_events(90)
    land_events(warehouse, "chain", events)
    with pytest.raises(DbtError, match="did not converge"):
        build_identity(warehouse, dbt_vars={"identity_max_iterations": 1})


def test_fan_in(world: Warehouse) -> None:
    hub = {("user_id", "fan-u1")}
    hub |= {("anonymous_id", f"fan-a{i}") for i in range(8)}
    hub |= {("device_id", f"fan-d{i}") for i in range(8)}
    assert persons_of(world, "fan-") == {
        frozenset(hub), frozenset({("user_id", "fan-u2"), ("anonymous_id", "fan-a_other")}),
    }


def test_diamond(world: Warehouse) -> None:
    phone, email = phone_id("+8613800138001"), email_id("dia@y.com")
    person = {("user_id", "dia-u1"), phone, email, ("crm_customer_id", "dia-c1")}
    assert persons_of(world, "dia-", phone, email) == {frozenset(person)}
    [(member_level, tags, phones, emails)] = world.query(
        "select p.member_level, p.crm_tags, p.phones, p.emails from marts.dim_persons as p "
        "inner join marts.dim_identity_map as m on p.person_id = m.person_id "
        "where m.identifier_type = 'user_id' and m.identifier_value = 'dia-u1'"
    )
    assert (member_level, tags, phones, emails) == ("gold", "vip;new", 1, 1)


def test_shared_kiosk_device_does_not_merge_accounts(world: Warehouse) -> None:
    assert persons_of(world, "kiosk-") == {
        frozenset({("user_id", f"kiosk-u{i}"), ("device_id", f"kiosk-phone{i}")})
        for i in range(6)
    }
    assert shared_of(world, "kiosk-") == {("device_id", "kiosk-1")}
    assert person_ids(world)[("device_id", "kiosk-1")] is None
    reasons = world.query(
        "select distinct reason from marts.audit_identity_guardrail_drops "
        "where blocking_identifier_value = 'kiosk-1'"
    )
    assert reasons == [("weak_id_linked_to_multiple_persons",)]


def test_kiosk_seen_with_many_anonymous_cookies_is_shared(world: Warehouse) -> None:
    assert persons_of(world, "kc-") == {
        frozenset({("anonymous_id", f"kc-cookie{i}")}) for i in range(25)
    }
    assert shared_of(world, "kc-") == {("device_id", "kc-kiosk")}


def test_junk_identifiers_are_dropped_and_audited(world: Warehouse) -> None:
    assert persons_of(world, "junk-") == {
        frozenset({("user_id", f"junk-u{i}")}) for i in (1, 2, 3)
    }
    junk = set(world.query(
        "select identifier_type, identifier_value, occurrences "
        "from marts.audit_identity_guardrail_drops where drop_kind = 'junk_identifier'"
    ))
    assert junk == {
        ("anonymous_id", "undefined", 2), ("device_id", "00000000-0000", 2),
        ("anonymous_id", "null", 1),
    }


def test_cookie_used_by_two_accounts_is_shared(world: Warehouse) -> None:
    assert persons_of(world, "cookie-") == {
        frozenset({("user_id", "cookie-alice")}),
        frozenset({("user_id", "cookie-bob"), ("anonymous_id", "cookie-a2")}),
    }
    assert shared_of(world, "cookie-") == {("anonymous_id", "cookie-a1")}
    dropped = set(world.query(
        "select other_identifier_value, reason from marts.audit_identity_guardrail_drops "
        "where drop_kind = 'edge' "
        "and (identifier_value = 'cookie-a1' or other_identifier_value = 'cookie-a1')"
    ))
    assert len(dropped) == 2


def test_phone_shared_by_two_accounts_does_not_merge_them(world: Warehouse) -> None:
    phone = phone_id("+8613800138002")
    a, b = email_id("sp-a@x.com"), email_id("sp-b@x.com")
    assert persons_of(world, "sp-", phone, a, b) == {
        frozenset({("user_id", "sp-u1"), a}),
        frozenset({("user_id", "sp-u2"), b}),
    }
    assert shared_of(world, "sp-", phone) == {phone}


def test_indirect_link_between_two_accounts_is_split(world: Warehouse) -> None:
    phone, email = phone_id("+8613800138003"), email_id("ind-b@x.com")
    assert persons_of(world, "ind-", phone, email) == {
        frozenset({("user_id", "ind-u1"), phone}),
        frozenset({("user_id", "ind-u2"), email}),
        frozenset({("crm_customer_id", "ind-c1")}),
    }
    mine = ("ind-u1", "ind-u2", "ind-c1", phone[1], email[1])
    reasons = {r for r, value, other in world.query(
        "select reason, identifier_value, other_identifier_value "
        "from marts.audit_identity_guardrail_drops where drop_kind = 'edge'"
    ) if value in mine or other in mine}
    assert reasons == {"indirect_link_between_accounts"}


def test_crm_record_joins_phone_to_account(world: Warehouse) -> None:
    phone = phone_id("+8613900139000")
    person = {("anonymous_id", "crm-a9"), phone, ("user_id", "crm-u5"),
              ("device_id", "crm-dev5"), ("crm_customer_id", "crm-c5")}
    assert persons_of(world, "crm-", phone) == {frozenset(person)}
    [(person_id, member_level)] = world.query(
        "select p.person_id, p.member_level from marts.dim_persons as p "
        "inner join marts.dim_identity_map as m on p.person_id = m.person_id "
        "where m.identifier_type = 'crm_customer_id' and m.identifier_value = 'crm-c5'"
    )
    # a9 and the phone were first seen together: the strong phone is the anchor
    assert person_id == expected_person_id(phone)
    assert member_level == "silver"


def test_wechat_unionid_joins_mini_program_to_app_account(world: Warehouse) -> None:
    assert persons_of(world, "un-") == {frozenset({
        ("anonymous_id", "un-mp-a"), ("openid", "un-open"), ("unionid", "un-union"),
        ("user_id", "un-u"), ("device_id", "un-dev"),
    })}


# --- scenarios with a second delivery ----------------------------------------------------------


@dataclass
class Deliveries:
    wh: Warehouse
    first: dict[Identifier, str | None]
    second: dict[Identifier, str | None]
    refreshed: dict[Identifier, str | None]
    greys_first: int
    merges: list[tuple]
    merges_refreshed: list[tuple]
    late_person: tuple  # (is_identified, channels) of the late-login person after day 3


MERGES_SQL = (
    "select merged_person_id, surviving_person_id, strftime(merged_at, '%Y-%m-%dT%H:%M:%SZ') "
    "from marts.fct_identity_merges order by all"
)


@pytest.fixture(scope="module")
def deliveries(tmp_path_factory: pytest.TempPathFactory) -> Deliveries:
    """Two deliveries for the late-login and the stable-id scenarios, built incrementally, then
    a full refresh."""
    wh = Warehouse(tmp_path_factory.mktemp("identity_deliveries"))
    land_events(wh, "day1", [
        # late login: two grey profiles of one person
        event("late-g1", ts(1), anonymous_id="late-a1", device_id="late-dev1"),
        event("late-g2", ts(2), anonymous_id="late-a2", channel="app"),
        # stable ids: the base data
        event("st-b1", ts(1), anonymous_id="st-a1", user_id="st-u1", device_id="st-d1"),
        event("st-b2", ts(1, 30), anonymous_id="st-a2"),
        event("st-b3", ts(2), type_="identify", user_id="st-u2", email="st-u2@x.com"),
    ])
    build_identity(wh)
    first = person_ids(wh)
    [(greys_first,)] = wh.query(
        "select count(*) from marts.dim_persons as p where not p.is_identified and exists ("
        "select 1 from marts.dim_identity_map as m where m.person_id = p.person_id "
        "and m.identifier_value like 'late-%')"
    )
    land_events(wh, "day3", [
        event("late-l1", ts(3, 10), anonymous_id="late-a2", user_id="late-u1", channel="app"),
        event("late-l2", ts(3, 20), anonymous_id="late-a1", user_id="late-u1"),
        # unrelated data, and more of the same persons
        event("st-n1", ts(1, 10), anonymous_id="st-z1", user_id="st-z_user"),
        event("st-n2", ts(5), anonymous_id="st-a1", user_id="st-u1"),
        event("st-n3", ts(6), user_id="st-u3", device_id="st-d3"),
    ])
    build_identity(wh)
    second = person_ids(wh)
    merges = wh.query(MERGES_SQL)
    [late_person] = wh.query(
        "select p.is_identified, p.channels from marts.dim_persons as p "
        "inner join marts.dim_identity_map as m on p.person_id = m.person_id "
        "where m.identifier_type = 'user_id' and m.identifier_value = 'late-u1'"
    )
    build_identity(wh, full_refresh=True)
    return Deliveries(wh=wh, first=first, second=second, refreshed=person_ids(wh),
                      greys_first=greys_first, merges=merges,
                      merges_refreshed=wh.query(MERGES_SQL), late_person=late_person)


def _only(ids: dict[Identifier, str | None], prefix: str,
          *extra: Identifier) -> dict[Identifier, str | None]:
    return {k: v for k, v in ids.items() if k[1].startswith(prefix) or k in extra}


def test_late_login_merges_two_grey_profiles(deliveries: Deliveries) -> None:
    # same first sight: the type priority picks the anchor (device_id before anonymous_id)
    grey_1 = expected_person_id(("device_id", "late-dev1"))
    grey_2 = expected_person_id(("anonymous_id", "late-a2"))
    assert _only(deliveries.first, "late-") == {
        ("anonymous_id", "late-a1"): grey_1, ("device_id", "late-dev1"): grey_1,
        ("anonymous_id", "late-a2"): grey_2,
    }
    assert deliveries.greys_first == 2
    assert set(_only(deliveries.second, "late-").values()) == {grey_1}
    # the stable-id scenario merges nothing: these are all the merges
    assert deliveries.merges == [(grey_2, grey_1, ts(3, 20))]
    assert deliveries.late_person == (True, "app;web")
    # a full refresh reproduces the same ids and merges
    assert set(_only(deliveries.refreshed, "late-").values()) == {grey_1}
    assert deliveries.merges_refreshed == deliveries.merges


def test_unrelated_data_does_not_change_person_ids(deliveries: Deliveries) -> None:
    email = email_id("st-u2@x.com")
    before = _only(deliveries.first, "st-", email)
    after = _only(deliveries.second, "st-", email)
    assert len(before) == 6 and len(after) == 10
    assert {k: after[k] for k in before} == before
    assert _only(deliveries.refreshed, "st-", email) == after
