"""Behavior analysis marts on hand-written landing files (values computed by hand), and the ordered
funnel cross-checked against a plain Python implementation of its semantics on generated events."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.warehouse import Warehouse

ANALYSIS_SELECTION = ("path:models/intermediate/analysis", "path:models/marts/analysis")

FUNNEL_VARS: dict[str, Any] = {
    "funnels": [
        {
            "name": "f_ordered",
            "steps": ["view_item", "add_to_cart", "purchase"],
            "conversion_window_hours": 1,
            "order": "ordered",
            "exclusions": ["refund"],
            "breakdowns": ["channel"],
        },
        {
            "name": "f_strict",
            "steps": ["view_item", "add_to_cart", "purchase"],
            "conversion_window_hours": 1,
            "order": "strict",
        },
    ],
    "retention_analyses": [
        {
            "name": "r_day", "start_event": "any", "return_event": "any",
            "period": "day", "periods": 3,
        },
    ],
}


def event(
    message_id: str,
    timestamp: str,
    name: str,
    user: str,
    *,
    kind: str = "track",
    path: str | None = None,
    channel: str = "web",
) -> dict[str, Any]:
    """One raw event in the landing format (received a second after it happened)."""
    sent = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    record: dict[str, Any] = {
        "message_id": message_id,
        "type": kind,
        "timestamp": timestamp,
        "received_at": (sent + timedelta(seconds=1)).isoformat().replace("+00:00", "Z"),
        "anonymous_id": f"anon-{user}",
        "user_id": user,
        "context": {"channel": channel, "device": {"type": "mobile"}},
        "properties": {"product_id": "p1", "price": 12.5},
    }
    if kind == "track":
        record["event"] = name
    else:
        record["name"] = name
    if path:
        record["context"]["page"] = {"path": path, "url": f"https://shop.cn{path}"}
    return record


EVENTS = [
    # u1: the three steps, purchase exactly at the 1 h boundary; active again on 10-02 and 10-04
    event("u1-1", "2026-10-01T00:00:00Z", "view_item", "u1"),
    event("u1-2", "2026-10-01T00:10:00Z", "add_to_cart", "u1"),
    event("u1-3", "2026-10-01T01:00:00Z", "purchase", "u1"),
    event("u1-4", "2026-10-02T12:00:00Z", "login", "u1"),
    event("u1-5", "2026-10-04T12:00:00Z", "login", "u1"),
    # u2: a page view between the steps (breaks strict), purchase one second past the window
    event("u2-1", "2026-10-01T00:00:00Z", "view_item", "u2", channel="app"),
    event("u2-2", "2026-10-01T00:05:00Z", "Help", "u2", kind="page", path="/help", channel="app"),
    event("u2-3", "2026-10-01T00:10:00Z", "add_to_cart", "u2", channel="app"),
    event("u2-4", "2026-10-01T01:00:01Z", "purchase", "u2", channel="app"),
    # u3: steps out of order
    event("u3-1", "2026-10-01T00:00:00Z", "add_to_cart", "u3"),
    event("u3-2", "2026-10-01T00:10:00Z", "view_item", "u3"),
    # u4: an exclusion between step 1 and step 2 (leaves f_ordered; breaks f_strict)
    event("u4-1", "2026-10-01T00:00:00Z", "view_item", "u4"),
    event("u4-2", "2026-10-01T00:05:00Z", "refund", "u4"),
    event("u4-3", "2026-10-01T00:10:00Z", "add_to_cart", "u4"),
]


def land(wh: Warehouse, name: str, records: list[dict[str, Any]]) -> None:
    target = wh.raw_dir / "events" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def build_analysis(wh: Warehouse, dbt_vars: dict[str, Any]) -> None:
    """Everything upstream without other teams' tests, then the analysis models with their tests."""
    wh.dbt(
        "build", "--select", *(f"+{s}" for s in ANALYSIS_SELECTION),
        "--exclude-resource-type", "test", "unit_test", dbt_vars=dbt_vars,
    )
    wh.dbt(
        "test", "--select", *ANALYSIS_SELECTION, "--exclude-resource-type", "unit_test",
        dbt_vars=dbt_vars,
    )


def user_of(wh: Warehouse) -> dict[str, str]:
    rows = wh.query(
        "select distinct person_id, user_id from marts.fct_events where user_id is not null"
    )
    return {person: user for person, user in rows}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    wh = Warehouse(tmp_path_factory.mktemp("analysis"))
    wh.raw_dir.mkdir(parents=True)
    land(wh, "analysis.jsonl", EVENTS)
    build_analysis(wh, FUNNEL_VARS)
    return wh


def test_funnel_persons(built: Warehouse) -> None:
    users = user_of(built)
    rows = built.query(
        "select funnel_name, person_id, furthest_step, breakdown_channel "
        "from marts.fct_funnel_persons"
    )
    got = {(f, users[p]): (step, channel) for f, p, step, channel in rows}
    assert got == {
        ("f_ordered", "u1"): (3, "web"),
        ("f_ordered", "u2"): (2, "app"),
        ("f_ordered", "u3"): (1, "web"),
        ("f_strict", "u1"): (3, None),
        ("f_strict", "u2"): (1, None),
        ("f_strict", "u3"): (1, None),
        ("f_strict", "u4"): (1, None),
    }


def test_funnel_steps(built: Warehouse) -> None:
    rows = built.query(
        "select funnel_name, breakdown_value, step_number, persons, "
        "round(conversion_from_start, 4), median_seconds_from_previous "
        "from marts.agg_funnel_steps where breakdown = 'all' order by 1, 3"
    )
    assert rows == [
        ("f_ordered", "all", 1, 3, 1.0, None),
        ("f_ordered", "all", 2, 2, 0.6667, 600.0),
        ("f_ordered", "all", 3, 1, 0.3333, 3000.0),
        ("f_strict", "all", 1, 4, 1.0, None),
        ("f_strict", "all", 2, 1, 0.25, 600.0),
        ("f_strict", "all", 3, 1, 0.25, 3000.0),
    ]
    by_channel = built.query(
        "select breakdown_value, step_number, persons from marts.agg_funnel_steps "
        "where funnel_name = 'f_ordered' and breakdown = 'channel' order by 1, 2"
    )
    assert by_channel == [
        ("app", 1, 1), ("app", 2, 1), ("app", 3, 0), ("web", 1, 2), ("web", 2, 1), ("web", 3, 1),
    ]


def test_retention(built: Warehouse) -> None:
    rows = built.query(
        "select cohort_start::varchar, period_number, cohort_size, retained_persons, "
        "retained_persons_unbounded "
        "from marts.agg_retention where analysis_name = 'r_day' order by period_number"
    )
    assert rows == [
        ("2026-10-01", 0, 4, 4, 4),
        ("2026-10-01", 1, 4, 1, 1),
        ("2026-10-01", 2, 4, 0, 1),
        ("2026-10-01", 3, 4, 1, 1),
    ]


def test_lifecycle_and_active_users(built: Warehouse) -> None:
    lifecycle = built.query(
        "select period_start::varchar, status, persons from marts.agg_lifecycle "
        "where period = 'day' order by 1, 2"
    )
    assert lifecycle == [
        ("2026-10-01", "new", 4),
        ("2026-10-02", "dormant", 3),
        ("2026-10-02", "returning", 1),
        ("2026-10-03", "dormant", 1),
        ("2026-10-04", "resurrecting", 1),
    ]
    active = built.query(
        "select activity_day::varchar, dau, wau, mau from marts.agg_active_users order by 1"
    )
    assert active == [("2026-10-01", 4, 4, 4), ("2026-10-02", 1, 4, 4), ("2026-10-04", 1, 4, 4)]


def test_paths(built: Warehouse) -> None:
    paths = dict(built.query("select path, sessions from marts.agg_path_top_paths"))
    assert paths["view_item > /help > add_to_cart"] == 1
    assert paths["view_item > refund > add_to_cart"] == 1
    edges = built.query(
        "select to_item, sessions from marts.agg_path_edges "
        "where step_index = 2 and from_item = '/help'"
    )
    assert edges == [("add_to_cart", 1)]


# --- cross-check of the ordered funnel against a plain implementation ---------------------

CROSS_STEPS = ["view_item", "add_to_cart", "begin_checkout", "purchase"]
CROSS_WINDOW = timedelta(hours=2)


def python_furthest_step(events: list[tuple[datetime, str, str]]) -> tuple[int, datetime | None]:
    """(furthest step, latest start reaching it) by brute force: every step-1 event starts a
    chain; each later step takes the earliest unused matching event at or after the previous
    step's time (greedy is optimal for a fixed start); the window is inclusive."""
    best, best_start = 0, None
    events = sorted(events)
    for start_time, start_id, start_name in events:
        if start_name != CROSS_STEPS[0]:
            continue
        reached, previous, used = 1, start_time, {start_id}
        for step in CROSS_STEPS[1:]:
            candidates = [
                (t, i) for t, i, n in events
                if n == step and i not in used and previous <= t <= start_time + CROSS_WINDOW
            ]
            if not candidates:
                break
            previous, chosen = min(candidates)
            used.add(chosen)
            reached += 1
        later = best_start is not None and start_time > best_start
        if reached > best or (reached == best and later):
            best, best_start = reached, start_time
    return best, best_start


def test_ordered_funnel_matches_python(tmp_path: Path) -> None:
    sample_data = pytest.importorskip("orchestration.sample_data")
    wh = Warehouse(tmp_path)
    wh.raw_dir.mkdir(parents=True)
    sample_data.generate(
        sample_data.GeneratorConfig(events=20_000, days=7, seed=11, out_dir=wh.raw_dir, fmt="jsonl")
    )
    dbt_vars = {
        "funnels": [{
            "name": "cross", "steps": CROSS_STEPS, "conversion_window_hours": 2, "order": "ordered",
        }],
    }
    wh.dbt(
        "build", "--select", "+fct_funnel_persons", "--exclude-resource-type", "test", "unit_test",
        dbt_vars=dbt_vars,
    )
    per_person: dict[str, list[tuple[datetime, str, str]]] = defaultdict(list)
    for person, event_time, event_id, name in wh.query(
        "select person_id, event_time, event_id, event_name from marts.fct_events "
        f"where person_id is not null and event_name in {tuple(CROSS_STEPS)}"
    ):
        per_person[person].append((event_time, event_id, name))
    expected = {}
    for person, events in per_person.items():
        step, start = python_furthest_step(events)
        if step:
            expected[person] = (step, start)
    got = {
        person: (step, start)
        for person, step, start in wh.query(
            "select person_id, furthest_step, step_1_at from marts.fct_funnel_persons "
            "where funnel_name = 'cross'"
        )
    }
    assert len(expected) > 100
    assert got == expected
