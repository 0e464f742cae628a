"""Consent policy (marketing outputs always gated; analytics marts include_all or
exclude_withdrawn) and event retention, on hand-written persons."""

from __future__ import annotations

from tests.privacy.landing import event, land_consent, write_jsonl
from tests.warehouse import Warehouse

SELECTION = [
    "+fct_audience_members", "+fct_trigger_actions", "+fct_funnel_persons",
    "+fct_person_tag_history", "+int_sessions__sessions", "audit_privacy_requests",
]


def _person(name: str) -> dict[str, str]:
    return {
        "user_id": f"u-{name}", "anonymous_id": f"anon-{name}", "device_id": f"dev-{name}",
        "ip": "192.0.2.10",
    }


CAROL, DAVE, ERIN = _person("carol"), _person("dave"), _person("erin")


def _checkout_dropout(person: dict[str, str], tag: str) -> list[dict]:
    """Views, cart, checkout on Oct 1 and no purchase: checkout_rescue audience and a
    cart_abandoned trigger, unless consent says otherwise."""
    return [
        event(person, f"{tag}-1", "2026-10-01T10:00:00Z", "view_item", product_id="p1",
              category="beauty.skin", price=80),
        event(person, f"{tag}-2", "2026-10-01T10:01:00Z", "add_to_cart", product_id="p1",
              price=80, quantity=1),
        event(person, f"{tag}-3", "2026-10-01T10:02:00Z", "begin_checkout", product_id="p1"),
    ]


def _persons(wh: Warehouse, sql: str) -> set[str]:
    rows = wh.query(
        "select distinct m.identifier_value from marts.dim_identity_map as m "
        f"inner join ({sql}) as p on m.person_id = p.person_id "
        "where m.identifier_type = 'user_id'"
    )
    return {r[0] for r in rows}


def test_consent_gates_marketing_and_analytics_policy_and_retention(warehouse: Warehouse) -> None:
    wh = warehouse
    write_jsonl(wh.raw_dir / "events" / "batch_1.jsonl", [
        *_checkout_dropout(CAROL, "c"), *_checkout_dropout(DAVE, "d"),
        event(ERIN, "e-1", "2026-10-01T12:00:00Z", "view_item", product_id="p2", price=10),
        event(ERIN, "e-2", "2026-10-05T12:00:00Z", "view_item", product_id="p2", price=10),
    ])
    land_consent(wh, "consent", [
        ["user_id", DAVE["user_id"], "marketing", "grant", "2026-09-01T00:00:00Z"],
        ["user_id", CAROL["user_id"], "all", "grant", "2026-09-01T00:00:00Z"],
        # Carol withdraws both purposes later, through another of her identifiers
        ["device_id", CAROL["device_id"], "marketing", "withdraw", "2026-10-02T00:00:00Z"],
        ["anonymous_id", CAROL["anonymous_id"], "analytics", "withdraw", "2026-10-02T00:00:00Z"],
    ])
    wh.build(*SELECTION, with_tests=False)

    # marketing outputs: Dave only (Carol behaves the same but withdrew marketing consent)
    assert _persons(wh, "select person_id from marts.fct_audience_members "
                        "where audience_name = 'checkout_rescue'") == {"u-dave"}
    assert _persons(wh, "select person_id from marts.fct_trigger_actions "
                        "where rule_name = 'cart_abandoned'") == {"u-dave"}
    # analytics policy include_all (the default): all three in the purchase funnel
    funnel = "select person_id from marts.fct_funnel_persons where funnel_name = 'purchase'"
    assert _persons(wh, funnel) == {"u-carol", "u-dave", "u-erin"}

    wh.dbt("run", "--select", "+fct_funnel_persons",
           dbt_vars={"privacy_analytics_consent_policy": "exclude_withdrawn"})
    assert _persons(wh, funnel) == {"u-dave", "u-erin"}

    # the audit lists each consent change once, resolved to its person
    assert wh.query(
        "select action, purpose, identifier_type, persons_resolved, rows_touched "
        "from audit.audit_privacy_requests order by requested_at, identifier_type, purpose"
    ) == [
        ("grant", "all", "user_id", 1, 1),
        ("grant", "marketing", "user_id", 1, 1),
        ("withdraw", "analytics", "anonymous_id", 1, 1),
        ("withdraw", "marketing", "device_id", 1, 1),
    ]

    # retention: 2 days before the as-of time (Erin's Oct 5 event) -> everything of Oct 1 goes
    wh.build(*SELECTION, with_tests=False,
             dbt_vars={"event_retention_days": 2})
    assert wh.query("select event_id from staging.stg_tracking__events") == [("e-2",)]
    assert wh.query("select count(*) from intermediate.int_sessions__events") == [(1,)]
    assert wh.query("select count(*) from intermediate.int_sessions__sessions") == [(1,)]
    assert wh.query(
        "select reject_reason, count(*), count(event_id), count(raw_record) "
        "from staging.stg_tracking__raw_rows group by 1 order by 1 nulls first"
    ) == [(None, 1, 1, 1), ("expired", 7, 0, 0)]
    # the outbox and the tag history are not event rows: they keep their history (Dave's
    # action stays, though his identifiers left the identity map with his events)
    assert wh.query(
        "select rule_name, count(*) from marts.fct_trigger_actions group by 1"
    ) == [("cart_abandoned", 1)]
    assert wh.query("select count(*) from marts.fct_person_tag_history") != [(0,)]
