"""The warehouse on real data: the REES46 clickstream slice in ../shared/data/rees46/.

Figures checked against the source file itself (read here with the csv module), not constants.
"""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from orchestration.adapters.rees46 import EVENT_NAMES, convert
from tests.conftest import SHARED_DATA
from tests.warehouse import Warehouse

REES46_CSV = SHARED_DATA / "rees46" / "2019-Oct-head.csv"

pytestmark = pytest.mark.skipif(
    not REES46_CSV.exists(),
    reason=f"the REES46 slice is not at {REES46_CSV} (../shared/data/rees46/)",
)


@pytest.fixture(scope="module")
def source_rows() -> list[dict[str, str]]:
    with REES46_CSV.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def rees46_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    wh = Warehouse(tmp_path_factory.mktemp("rees46"))
    convert(REES46_CSV, wh.raw_dir)
    wh.build("staging", "audit", "agg_tracking_plan_conformance", "tracking_plan")
    return wh


def test_every_source_row_becomes_one_event(rees46_warehouse: Warehouse, source_rows) -> None:
    assert rees46_warehouse.query("select count(*) from staging.stg_tracking__events") == [
        (len(source_rows),)
    ]
    assert rees46_warehouse.query("select count(*) from audit.audit_quarantined_events") == [(0,)]


def test_event_types_users_and_purchases_match_the_source(
    rees46_warehouse: Warehouse, source_rows
) -> None:
    expected = Counter(EVENT_NAMES[r["event_type"]] for r in source_rows)
    got = dict(
        rees46_warehouse.query(
            "select event_name, count(*) from staging.stg_tracking__events group by 1"
        )
    )
    assert got == dict(expected)
    assert rees46_warehouse.query(
        "select count(distinct user_id) from staging.stg_tracking__events"
    ) == [(len({r["user_id"] for r in source_rows}),)]
    revenue = sum(float(r["price"]) for r in source_rows if r["event_type"] == "purchase")
    (got_revenue,) = rees46_warehouse.query(
        "select sum(revenue) from staging.stg_tracking__events where event_name = 'purchase'"
    )[0]
    assert got_revenue == pytest.approx(revenue)


def test_identical_source_rows_stay_separate_events(source_rows) -> None:
    counts = Counter(tuple(sorted(r.items())) for r in source_rows)
    extra_copies = sum(n - 1 for n in counts.values() if n > 1)
    assert extra_copies > 0  # the slice has identical rows (its README says 5 extra copies)
    from orchestration.adapters.rees46 import convert_rows

    ids = [e["message_id"] for e in convert_rows(iter(source_rows), Counter())]
    assert len(ids) == len(set(ids)) == len(source_rows)


def test_event_times_are_utc(rees46_warehouse: Warehouse, source_rows) -> None:
    first, last = rees46_warehouse.query(
        "select min(event_time)::varchar, max(event_time)::varchar"
        " from staging.stg_tracking__events"
    )[0]
    assert first == min(r["event_time"] for r in source_rows).replace(" UTC", "")
    assert last == max(r["event_time"] for r in source_rows).replace(" UTC", "")
