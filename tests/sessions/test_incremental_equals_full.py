"""THE contract of the sessions models: after any sequence of incremental runs over batches of
landed files, every sessions relation equals a full build over the same files, row for row.

The hand-written batches in fixtures/incremental/ cover: a session straddling the batch boundary
(d1 10:20 -> 10:45), a session crossing midnight extended in a later batch (d2), a late event
(received 5 days later, beyond late_event_lookback_days) that bridges two sessions of d1, an
out-of-order event that moves a session's start earlier (d2 23:30), duplicate deliveries of one
message_id in two batches, server-side events keyed 'user:u3', and a later login of cookie-a3 as
u3 that merges two persons (the cookie's earlier events then carry the surviving person).

The incremental analysis tables (client-days, session paths) and the person-level models read
from them (person-days, retention, path items) are held to the same contract.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.sessions.helpers import (
    ANALYSIS_RELATIONS,
    FIXTURES,
    SESSION_RELATIONS,
    build_sessions,
    dump,
    sessions_of,
)
from tests.warehouse import Warehouse

BATCHES = sorted((FIXTURES / "incremental").glob("batch_*.jsonl"))
RELATIONS = {**SESSION_RELATIONS, **ANALYSIS_RELATIONS}


def _person(warehouse: Warehouse, event_id: str) -> Any:
    sql = f"select person_id from marts.fct_events where event_id = '{event_id}'"
    return warehouse.query(sql)[0][0]


@pytest.mark.parametrize("split_on_campaign", [False, True])
def test_incremental_runs_equal_a_full_build(
    warehouse: Warehouse, tmp_path: Path, split_on_campaign: bool
) -> None:
    dbt_vars = {"session_split_on_campaign_change": split_on_campaign}
    # the analysis tables do not depend on the campaign split: checked once, to keep the file cheap
    with_analysis = not split_on_campaign
    relations = RELATIONS if with_analysis else SESSION_RELATIONS
    assert len(BATCHES) == 4

    persons_before_login: tuple[Any, Any] | None = None
    for number, batch in enumerate(BATCHES, start=1):
        warehouse.land(batch)
        build_sessions(warehouse, dbt_vars=dbt_vars, with_analysis=with_analysis)
        if number == 1:
            # d1's first session ends at 10:20 before batch 2 arrives
            assert sessions_of(warehouse, "d1") == [
                (datetime(2026, 10, 1, 10, 0), datetime(2026, 10, 1, 10, 20), 2)
            ]
        if number == 2:
            # straddling the boundary: 10:45 extends the 10:00 session; 11:30 starts a new one
            assert [s[:2] for s in sessions_of(warehouse, "d1")] == [
                (datetime(2026, 10, 1, 10, 0), datetime(2026, 10, 1, 10, 45)),
                (datetime(2026, 10, 1, 11, 30), datetime(2026, 10, 1, 11, 40)),
            ]
            persons_before_login = (_person(warehouse, "a3-a1"), _person(warehouse, "d5-a1"))
            assert persons_before_login[0] != persons_before_login[1]
        if number == 3:
            # the late 11:05 event bridges both d1 sessions into one
            assert sessions_of(warehouse, "d1") == [
                (datetime(2026, 10, 1, 10, 0), datetime(2026, 10, 1, 11, 40), 6)
            ]

    # the login of cookie-a3 as u3 merged its person into u3's: history follows
    assert persons_before_login is not None
    assert _person(warehouse, "a3-a1") == _person(warehouse, "d5-a1") is not None
    assert warehouse.query(
        "select count(distinct person_id) from marts.fct_sessions "
        "where client_key in ('cookie-a3', 'd5', 'user:u3')"
    ) == [(1,)]

    # d2: the out-of-order 23:30 event moved the midnight-crossing session's start earlier
    assert [s[:2] for s in sessions_of(warehouse, "d2")] == [
        (datetime(2026, 10, 1, 23, 30), datetime(2026, 10, 2, 0, 40)),
    ]
    # the duplicate deliveries were kept once
    assert warehouse.query("select count(*), count(distinct event_id) from marts.fct_events") == [
        (19, 19)
    ]
    # the 5-days-late event is counted by the audit and still sessionized
    assert warehouse.query("select sum(late_events) from audit.audit_late_events") == [(1,)]

    full = Warehouse(tmp_path / "full")
    full.raw_dir.mkdir(parents=True)
    for batch in BATCHES:
        full.land(batch)
    build_sessions(full, dbt_vars=dbt_vars, with_analysis=with_analysis)

    for relation, key in relations.items():
        incremental_rows = dump(warehouse, relation, key)
        full_rows = dump(full, relation, key)
        assert incremental_rows == full_rows, relation
        assert incremental_rows, relation

    # and a --full-refresh of the incrementally built warehouse gives the same rows again
    build_sessions(warehouse, full_refresh=True, dbt_vars=dbt_vars, with_analysis=with_analysis)
    for relation, key in relations.items():
        assert dump(warehouse, relation, key) == dump(full, relation, key), relation


def test_rebuilt_staging_does_not_duplicate_events(warehouse: Warehouse, tmp_path: Path) -> None:
    """A full refresh of staging alone re-stages every event with a new _loaded_at; the next
    incremental sessions run must take the new versions without duplicating the stored ones."""
    for batch in BATCHES[:2]:
        warehouse.land(batch)
        build_sessions(warehouse, with_analysis=True)
    warehouse.dbt(
        "run", "--full-refresh", "--select", "stg_tracking__raw_rows", "stg_tracking__events"
    )
    build_sessions(warehouse, with_analysis=True)

    full = Warehouse(tmp_path / "full")
    full.raw_dir.mkdir(parents=True)
    for batch in BATCHES[:2]:
        full.land(batch)
    build_sessions(full, with_analysis=True)
    for relation, key in RELATIONS.items():
        assert dump(warehouse, relation, key) == dump(full, relation, key), relation
