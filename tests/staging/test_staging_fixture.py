"""Staging on a hand-written landing directory: every line's fate is known in advance."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.conftest import FIXTURES
from tests.warehouse import Warehouse, pii_hash

STAGING = FIXTURES / "staging"
DAY1 = "events/events_20261001_web.jsonl"
STAGING_MODELS = ("staging", "audit")

# (file, line) -> reason, written from reading the fixture by hand
EXPECTED_QUARANTINE = {
    (DAY1, 3): "duplicate_message_id",
    (DAY1, 5): "malformed_json",
    (DAY1, 6): "unknown_type",
    (DAY1, 8): "missing_timestamp",
    (DAY1, 9): "invalid_timestamp",
    (DAY1, 10): "future_timestamp",
    (DAY1, 11): "no_identifier",
    (DAY1, 12): "missing_message_id",
    (DAY1, 13): "malformed_json",
}


def quarantine(wh: Warehouse) -> dict[tuple[str, int], str]:
    rows = wh.query("select source_file, line_number, reason from audit.audit_quarantined_events")
    return {(f, n): r for f, n, r in rows}


@pytest.fixture
def day1(warehouse: Warehouse) -> Warehouse:
    warehouse.land(STAGING / "events_20261001_web.jsonl")
    warehouse.land(STAGING / "crm_customers.csv", "crm_customers")
    warehouse.build(*STAGING_MODELS)
    return warehouse


def test_every_line_is_staged_or_quarantined_for_its_reason(day1: Warehouse) -> None:
    assert quarantine(day1) == EXPECTED_QUARANTINE
    staged = day1.query(
        "select event_id, _source_file, _line_number from staging.stg_tracking__events order by 1"
    )
    assert staged == [("m1", DAY1, 1), ("m2", DAY1, 2), ("m3", DAY1, 4)]
    # 13 lines, one blank: 12 records = 3 staged + 9 quarantined
    assert len(staged) + len(EXPECTED_QUARANTINE) == 12


def test_typing_and_normalization(day1: Warehouse) -> None:
    df = day1.query_df("select * from staging.stg_tracking__events").set_index("event_id")
    page = df.loc["m1"]
    assert page.event_name == "page_view"
    assert str(page.event_time) == "2026-10-01 00:00:00"  # 08:00+08:00 in UTC
    assert (page.channel, page.device_type) == ("web", "desktop")
    assert (page.page_path, page.page_url, page.referrer_host) == ("/", "shop.cn/", "baidu.com")
    assert (page.utm_source, page.utm_medium, page.utm_campaign) == ("baidu", "cpc", "double 11")
    assert (page.ip_prefix, page.ua_browser, page.ua_os) == ("1.2.3.0/24", "chrome", "windows")
    cart = df.loc["m2"]
    assert cart.event_name == "add_to_cart" and cart.raw_event_name == "Add To Cart"
    assert cart.channel == "web"  # 'H5' is an alias of web
    assert (cart.price, cart.quantity, cart.category) == (12.5, 2.0, "electronics.phone")
    assert cart.lateness_s == 1.0


def test_personal_data_is_hashed_and_junk_dropped(day1: Warehouse) -> None:
    identify = day1.query_df(
        "select * from staging.stg_tracking__events where event_id = 'm3'"
    ).iloc[0]
    assert identify.phone_hash == pii_hash("+8613800138000")
    assert identify.email_hash == pii_hash("foo@bar.com")
    assert identify.name_hash == pii_hash("张三")
    assert identify.anonymous_id is None
    assert identify.dropped_junk_identifiers == "anonymous_id=undefined"
    # CRM writes the same phone and email differently; the hashes must meet
    crm = day1.query_df("select * from staging.stg_crm__customers").iloc[0]
    assert (crm.phone_hash, crm.email_hash) == (identify.phone_hash, identify.email_hash)
    assert crm.crm_tags == "vip;newsletter"
    assert day1.query(
        "select source, reason, line_number from audit.audit_quarantined_reference_rows"
    ) == [("crm_customers", "missing_customer_id", 3)]
    # no raw personal value anywhere in what staging stored
    for table in [
        "staging.stg_tracking__raw_rows",
        "staging.stg_tracking__events",
        "audit.audit_quarantined_events",
        "staging.stg_crm__customers_rows",
    ]:
        text = " ".join(str(v) for row in day1.query(f"select * from {table}") for v in row)
        for raw in ["13800138000", "0013 8000", "Foo@Bar", "foo@bar.com", "张三", "1.2.3.4"]:
            assert raw not in text, (table, raw)


def test_a_later_batch_loads_only_new_files_and_catches_cross_batch_duplicates(
    day1: Warehouse,
) -> None:
    day1.land(STAGING / "events_20261002_web.jsonl")
    day1.build(*STAGING_MODELS)
    loads = day1.query(
        "select _source_file, count(distinct _load_id)"
        " from staging.stg_tracking__raw_rows group by 1"
    )
    assert all(n == 1 for _, n in loads) and len(loads) == 2
    q = quarantine(day1)
    assert q[("events/events_20261002_web.jsonl", 1)] == "duplicate_message_id"
    assert len(q) == len(EXPECTED_QUARANTINE) + 1
    m10 = day1.query_df("select * from staging.stg_tracking__events where event_id = 'm10'").iloc[0]
    assert (m10.event_name, m10.channel, m10.anonymous_id) == ("add_to_cart", "miniprogram", "a2")
    assert (m10.openid, m10.unionid) == ("o1", "un1")


def test_gzip_and_parquet_files_are_read_like_json_lines(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    events = warehouse.raw_dir / "events"
    events.mkdir(parents=True)
    with (
        (STAGING / "events_20261001_web.jsonl").open("rb") as src,
        gzip.open(events / "events_20261001_app.jsonl.gz", "wb") as dst,
    ):
        shutil.copyfileobj(src, dst)
    with duckdb.connect() as con:
        con.execute(
            f"""copy (select 'pq1' as message_id, 'track' as type, 'view_item' as event,
                '2026-10-01T00:00:00Z' as timestamp, 'o9' as anonymous_id,
                {{'channel': 'miniprogram',
                  'wechat': {{'openid': 'o9', 'unionid': null}}}} as context,
                {{'product_id': 'p1', 'price': 5.0}} as properties)
            to '{events / "events_20261001_mp.parquet"}' (format parquet)"""
        )
    warehouse.build(*STAGING_MODELS)
    q = quarantine(warehouse)
    gz = {(f.replace("_app.jsonl.gz", "_web.jsonl"), n): r for (f, n), r in q.items()}
    assert gz == EXPECTED_QUARANTINE
    pq = warehouse.query_df(
        "select * from staging.stg_tracking__events where event_id = 'pq1'"
    ).iloc[0]
    assert (pq.openid, pq.price, pq._line_number) == ("o9", 5.0, 1)
    assert pq._source_file == "events/events_20261001_mp.parquet"


def test_missing_crm_and_consent_folders_are_valid(warehouse: Warehouse) -> None:
    warehouse.land(STAGING / "events_20261002_web.jsonl")
    warehouse.build(*STAGING_MODELS)
    assert warehouse.query("select count(*) from staging.stg_crm__customers") == [(0,)]
    assert warehouse.query("select count(*) from staging.stg_consent__requests") == [(0,)]
    assert warehouse.query("select count(*) from staging.stg_tracking__events") == [(2,)]
