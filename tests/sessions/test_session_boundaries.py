"""Session boundaries on hand-written events, one client per case, all in one landing file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from tests.sessions.helpers import build_sessions, sessions_of, track, write_jsonl
from tests.warehouse import Warehouse

BAIDU_CPC = "https://shop.cn/p/1?utm_source=baidu&utm_medium=cpc&utm_campaign=c1"
WEIBO_SOCIAL = "https://shop.cn/p/2?utm_source=weibo&utm_medium=social&utm_campaign=c2"

EVENTS = [
    # timeout: a gap of exactly 30 minutes stays, 30 minutes + 1 second splits
    track("t-1", "2026-10-01T00:00:00Z", device_id="timeout"),
    track("t-2", "2026-10-01T00:30:00Z", device_id="timeout"),
    track("t-3", "2026-10-01T01:00:01Z", device_id="timeout"),
    # equal timestamps: one session, ordered by event_id
    track("e-b", "2026-10-01T05:00:00Z", device_id="equal"),
    track("e-a", "2026-10-01T05:00:00Z", device_id="equal"),
    track("e-c", "2026-10-01T05:00:00Z", device_id="equal"),
    # out-of-order arrival in the file
    track("o-3", "2026-10-01T07:51:00Z", device_id="order"),
    track("o-1", "2026-10-01T07:00:00Z", device_id="order"),
    track("o-2", "2026-10-01T07:20:00Z", device_id="order"),
    # midnight crossing: one session over two calendar days
    track(
        "n-1",
        "2026-10-01T23:50:00Z",
        device_id="midnight",
        event_type="page",
        event="home",
        page_url="https://shop.cn/",
    ),
    track(
        "n-2",
        "2026-10-02T00:10:00Z",
        device_id="midnight",
        event_type="page",
        event="item",
        page_url="https://shop.cn/p/9",
    ),
    # campaign change within the timeout (split only when the var is on); the untagged page
    # in between keeps the session's campaign
    track(
        "c-1",
        "2026-10-01T12:00:00Z",
        device_id="campaign",
        event_type="page",
        event="p1",
        page_url=BAIDU_CPC,
    ),
    track(
        "c-2",
        "2026-10-01T12:05:00Z",
        device_id="campaign",
        event_type="page",
        event="p3",
        page_url="https://shop.cn/p/3",
    ),
    track(
        "c-3",
        "2026-10-01T12:10:00Z",
        device_id="campaign",
        event_type="page",
        event="p2",
        page_url=WEIBO_SOCIAL,
    ),
    track(
        "c-4",
        "2026-10-01T12:12:00Z",
        device_id="campaign",
        event="purchase",
        properties={"order_id": "o1", "revenue": 10},
    ),
    # client keys: device, else openid, else anonymous id, else 'user:' || user_id
    track("k-1", "2026-10-01T03:00:00Z", device_id=None, anonymous_id="anon-k"),
    track("k-2", "2026-10-01T03:00:00Z", device_id=None, user_id="server-user"),
]


@pytest.fixture
def landed(warehouse: Warehouse, tmp_path: Path) -> Warehouse:
    warehouse.land(write_jsonl(tmp_path / "cases.jsonl", EVENTS))
    return warehouse


def test_boundaries_without_campaign_split(landed: Warehouse) -> None:
    build_sessions(landed)
    wh = landed
    assert sessions_of(wh, "timeout") == [
        (datetime(2026, 10, 1, 0, 0), datetime(2026, 10, 1, 0, 30), 2),
        (datetime(2026, 10, 1, 1, 0, 1), datetime(2026, 10, 1, 1, 0, 1), 1),
    ]
    assert sessions_of(wh, "equal") == [(datetime(2026, 10, 1, 5), datetime(2026, 10, 1, 5), 3)]
    assert wh.query(
        "select event_id from marts.fct_events where client_key = 'equal' "
        "order by event_seq_in_session"
    ) == [("e-a",), ("e-b",), ("e-c",)]
    assert sessions_of(wh, "order") == [
        (datetime(2026, 10, 1, 7, 0), datetime(2026, 10, 1, 7, 20), 2),
        (datetime(2026, 10, 1, 7, 51), datetime(2026, 10, 1, 7, 51), 1),
    ]
    assert sessions_of(wh, "midnight") == [
        (datetime(2026, 10, 1, 23, 50), datetime(2026, 10, 2, 0, 10), 2)
    ]
    assert wh.query(
        "select landing_page, exit_page, page_views, duration_s, engaged_time_s, is_bounce "
        "from marts.fct_sessions where client_key = 'midnight'"
    ) == [("/", "/p/9", 2, 1200.0, 300.0, False)]
    # time on page: to the next view, capped; the last view of a session has none here
    assert wh.query(
        "select page_view_id, time_on_page_s, time_on_page_basis from marts.fct_page_views "
        "where client_key = 'midnight' order by event_time"
    ) == [("n-1", 1200.0, "next_view"), ("n-2", None, "unknown")]
    assert wh.query(
        "select events, utm_source, utm_medium, default_channel_group, converted, revenue "
        "from marts.fct_sessions where client_key = 'campaign'"
    ) == [(4, "baidu", "cpc", "paid search", True, 10.0)]
    assert wh.query(
        "select client_key, client_key_type from marts.fct_sessions "
        "where client_key in ('anon-k', 'user:server-user') order by client_key"
    ) == [("anon-k", "anonymous_id"), ("user:server-user", "user_id")]
    # every event is in exactly one session, and session ids are unique
    assert wh.query(
        "select count(*), count(session_id), count(distinct session_id) from marts.fct_events"
    )[0][:2] == (len(EVENTS), len(EVENTS))
    assert wh.query("select count(*) = count(distinct session_id) from marts.fct_sessions") == [
        (True,)
    ]


def test_campaign_split(landed: Warehouse) -> None:
    build_sessions(landed, dbt_vars={"session_split_on_campaign_change": True})
    assert sessions_of(landed, "campaign") == [
        (datetime(2026, 10, 1, 12, 0), datetime(2026, 10, 1, 12, 5), 2),
        (datetime(2026, 10, 1, 12, 10), datetime(2026, 10, 1, 12, 12), 2),
    ]
    assert landed.query(
        "select utm_source, default_channel_group, converted from marts.fct_sessions "
        "where client_key = 'campaign' order by session_start"
    ) == [("baidu", "paid search", False), ("weibo", "social", True)]
    # the other cases do not change with the split on
    assert len(sessions_of(landed, "timeout")) == 2
    assert len(sessions_of(landed, "midnight")) == 1


def test_timeout_is_a_var(landed: Warehouse) -> None:
    build_sessions(landed, dbt_vars={"session_timeout_minutes": 60})
    assert len(sessions_of(landed, "timeout")) == 1
    assert len(sessions_of(landed, "order")) == 1
