"""Triggers on hand-written landing data: exact actions, once per occurrence across reruns, and
no action, audience or export for a person who withdrew marketing consent."""

from __future__ import annotations

import hashlib

from tests.activation.landing import build_activation, land_consent, land_events, person_of, track
from tests.warehouse import Warehouse

TRIGGERS = {
    "activation_triggers": [
        {"name": "cart_abandoned", "type": "cart_abandoned", "cart_abandon_minutes": 5},
        {
            "name": "repeated_high_price_view",
            "type": "repeated_high_price_view",
            "min_views": 3,
            "within_days": 3,
            "min_price": 1000,
        },
        {"name": "inactive_7_days", "type": "inactive", "inactive_days": 7},
    ],
    "activation_audiences": [
        {
            "name": "everyone_with_cart",
            "behaviors": [{"event": "add_to_cart", "within_days": 30, "min_count": 1}],
        },
    ],
}

DAY1 = "2026-10-01T"


def first_delivery() -> list[dict]:
    return [
        # u1 abandons a cart
        track("u1-cart", DAY1 + "10:00:00Z", "u1", "add_to_cart", product_id="A", price=100.0),
        # u2 buys within the window
        track("u2-cart", DAY1 + "10:00:00Z", "u2", "add_to_cart", product_id="A", price=100.0),
        track(
            "u2-buy",
            DAY1 + "10:02:00Z",
            "u2",
            "purchase",
            product_id="A",
            price=100.0,
            order_id="o2",
            revenue=100.0,
        ),
        # u3 adds twice within the window: one abandonment, judged on the last add
        track("u3-cart1", DAY1 + "10:00:00Z", "u3", "add_to_cart", product_id="A", price=100.0),
        track("u3-cart2", DAY1 + "10:03:00Z", "u3", "add_to_cart", product_id="B", price=50.0),
        # u4 views the same expensive product three times in a day, buys nothing
        track("u4-v1", DAY1 + "10:00:00Z", "u4", "view_item", product_id="H", price=5000.0),
        track("u4-v2", DAY1 + "11:00:00Z", "u4", "view_item", product_id="H", price=5000.0),
        track("u4-v3", DAY1 + "12:00:00Z", "u4", "view_item", product_id="H", price=5000.0),
        track("u4-v4", DAY1 + "13:00:00Z", "u4", "view_item", product_id="H", price=5000.0),
        # u5 withdrew marketing consent: abandons a cart, but gets nothing
        track("u5-cart", DAY1 + "10:00:00Z", "u5", "add_to_cart", product_id="A", price=100.0),
        # u6 only browses once
        track("u6-view", DAY1 + "09:00:00Z", "u6", "view_item", product_id="A", price=100.0),
        # u7 adds to cart 2 minutes before the data ends: not judged yet
        track("u7-view", "2026-10-09T11:00:00Z", "u7", "view_item", product_id="A", price=100.0),
        track("u7-cart", "2026-10-09T11:58:00Z", "u7", "add_to_cart", product_id="A", price=100.0),
        track("u7-last", "2026-10-09T12:00:00Z", "u7", "view_item", product_id="B", price=50.0),
    ]


def action_id(rule: str, person_id: str, occurrence_key: str) -> str:
    return hashlib.md5(f"{rule}|{person_id}|{occurrence_key}".encode()).hexdigest()


def actions(wh: Warehouse) -> set[tuple[str, str, str, str]]:
    return set(
        wh.query(
            "select action_id, rule_name, person_id, occurrence_key from marts.fct_trigger_actions"
        )
    )


def test_triggers_fire_once_per_occurrence(warehouse: Warehouse) -> None:
    wh = warehouse
    land_events(wh, "batch1", first_delivery())
    land_consent(wh, [("user_id", "u5", "marketing", "withdraw", "2026-09-30T00:00:00Z")])
    build_activation(wh, TRIGGERS)
    p = {u: person_of(wh, u) for u in ["u1", "u2", "u3", "u4", "u5", "u6", "u7"]}

    expected = {
        ("cart_abandoned", p["u1"], "u1-cart"),
        ("cart_abandoned", p["u3"], "u3-cart2"),
        ("repeated_high_price_view", p["u4"], "H:u4-v3"),
        *{
            ("inactive_7_days", p[u], last)
            for u, last in [
                ("u1", "2026-10-01 10:00:00"),
                ("u2", "2026-10-01 10:02:00"),
                ("u3", "2026-10-01 10:03:00"),
                ("u4", "2026-10-01 13:00:00"),
                ("u6", "2026-10-01 09:00:00"),
            ]
        },
    }
    first = actions(wh)
    assert {(r, person, key) for _, r, person, key in first} == expected
    # deterministic ids: md5(rule|person|occurrence)
    assert all(a == action_id(r, person, key) for a, r, person, key in first)
    assert p["u5"] not in {person for _, _, person, _ in first}
    members = wh.query("select person_id from marts.fct_audience_members")
    assert {m for (m,) in members} == {p["u1"], p["u2"], p["u3"], p["u7"]}  # u5: no consent
    history = sorted(wh.query("select * from marts.fct_person_tag_history"))

    # a rerun with no new data changes nothing
    build_activation(wh, TRIGGERS)
    assert actions(wh) == first
    assert sorted(wh.query("select * from marts.fct_person_tag_history")) == history

    # new data: u7's cart window is now covered and judged; nothing else fires again
    land_events(
        wh,
        "batch2",
        [
            track(
                "u7-later", "2026-10-09T12:10:00Z", "u7", "view_item", product_id="B", price=50.0
            ),
        ],
    )
    build_activation(wh, TRIGGERS)
    new = actions(wh) - first
    assert {(r, person, key) for _, r, person, key in new} == {
        ("cart_abandoned", p["u7"], "u7-cart")
    }
    assert wh.query("select count(*) from marts.fct_trigger_actions")[0][0] == len(first) + 1
