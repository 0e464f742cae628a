"""The Great Expectations suites: what each check reads and expects.

Each check names the model it is attached to, the batch it validates (SQL over the warehouse,
relations written {like_this}) and its expectations, built from the thresholds in quality.yml.
Checks are written against the columns of the public contract (docs: /CONTRACT, README).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from great_expectations.expectations import Expectation

Config = dict[str, Any]
# Reads a lookup list (e.g. the tracking plan's event names) for the expectations.
Lookup = Callable[[str], list[Any]]


@dataclass(frozen=True)
class QualityCheck:
    name: str
    model: str  # the checked model (its asset)
    description: str
    query: str | Callable[[Config], str]  # the batch (SQL, or built from the config)
    expectations: Callable[[Config, Lookup], list[Expectation]]
    blocking_key: str = "blocking"  # the key in the suite's config section

    def sql(self, cfg: Config) -> str:
        return self.query if isinstance(self.query, str) else self.query(cfg)


@dataclass(frozen=True)
class Suite:
    name: str  # the config section and the op name
    requires: tuple[str, ...]  # models that must exist in the manifest to attach the suite
    checks: tuple[QualityCheck, ...]


def _gx() -> Any:
    import great_expectations as gx

    return gx.expectations


# --- landing / staging -------------------------------------------------------------------------


def _events_schema(cfg: Config, _: Lookup) -> list[Expectation]:
    columns = cfg["required_columns"]
    return [_gx().ExpectTableColumnsToMatchSet(column_set=columns, exact_match=False)]


def _required_not_null(cfg: Config, _: Lookup) -> list[Expectation]:
    return [_gx().ExpectColumnValuesToNotBeNull(column=c) for c in cfg["not_null_columns"]]


def _timestamps_parsed(cfg: Config, _: Lookup) -> list[Expectation]:
    ex = _gx()
    timestamp_types = ["datetime64[us]", "datetime64[ns]", "datetime64[ms]", "datetime64[s]"]
    return [
        ex.ExpectColumnValuesToBeInTypeList(column="event_time", type_list=timestamp_types),
        ex.ExpectColumnValuesToBeInTypeList(column="received_at", type_list=timestamp_types),
        ex.ExpectColumnValuesToNotBeNull(column="event_time"),
        ex.ExpectColumnMinToBeBetween(
            column="event_epoch", min_value=_epoch(cfg["min_event_time"])
        ),
    ]


def _epoch(day: str) -> float:
    from datetime import UTC, datetime

    return datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp()


def _in_tracking_plan(cfg: Config, lookup: Lookup) -> list[Expectation]:
    planned = lookup("select distinct event_name from {tracking_plan} where event_name is not null")
    return [
        _gx().ExpectColumnValuesToBeInSet(
            column="event_name", value_set=sorted(planned), mostly=cfg["tracking_plan_mostly"]
        )
    ]


def _quarantine_share(cfg: Config, _: Lookup) -> list[Expectation]:
    return [
        _gx().ExpectColumnValuesToBeBetween(
            column="quarantine_share", min_value=0, max_value=cfg["max_quarantine_share"]
        )
    ]


STAGING = Suite(
    name="staging",
    requires=("stg_tracking__events", "audit_quarantined_events", "tracking_plan"),
    checks=(
        QualityCheck(
            name="gx_events_schema",
            model="stg_tracking__events",
            description="stg_tracking__events has the columns downstream models read.",
            query="select * from {stg_tracking__events} limit 0",
            expectations=_events_schema,
        ),
        QualityCheck(
            name="gx_events_required_fields",
            model="stg_tracking__events",
            description="Required fields of a staged event are never null.",
            query=lambda cfg: f"select {', '.join(cfg['not_null_columns'])} "
            "from {stg_tracking__events}",
            expectations=_required_not_null,
        ),
        QualityCheck(
            name="gx_events_timestamps_parsed",
            model="stg_tracking__events",
            description="Event and receive times are parsed timestamps after min_event_time.",
            query="select event_time, received_at, epoch(event_time) as event_epoch "
            "from {stg_tracking__events}",
            expectations=_timestamps_parsed,
        ),
        QualityCheck(
            name="gx_events_in_tracking_plan",
            model="stg_tracking__events",
            description="Most staged event names are in the tracking plan (reference seed).",
            query="select event_name from {stg_tracking__events}",
            expectations=_in_tracking_plan,
            blocking_key="tracking_plan_blocking",
        ),
        QualityCheck(
            name="gx_quarantine_share",
            model="stg_tracking__events",
            description="The share of raw event rows quarantined stays under the threshold.",
            query="select quarantined, staged, "
            "quarantined::double / nullif(quarantined + staged, 0) as quarantine_share from ("
            "select (select count(*) from {audit_quarantined_events}) as quarantined, "
            "(select count(*) from {stg_tracking__events}) as staged)",
            expectations=_quarantine_share,
            blocking_key="quarantine_blocking",
        ),
    ),
)


# --- identity ----------------------------------------------------------------------------------


def _one_person_per_identifier(cfg: Config, _: Lookup) -> list[Expectation]:
    return [
        _gx().ExpectCompoundColumnsToBeUnique(column_list=["identifier_type", "identifier_value"])
    ]


def _cluster_size(cfg: Config, _: Lookup) -> list[Expectation]:
    return [
        _gx().ExpectColumnMaxToBeBetween(
            column="identifiers", max_value=cfg["max_identifiers_per_person"]
        )
    ]


IDENTITY = Suite(
    name="identity",
    requires=("dim_identity_map", "dim_persons"),
    checks=(
        QualityCheck(
            name="gx_one_person_per_identifier",
            model="dim_identity_map",
            description="Each identifier (type, value) maps to one person: one row per identifier.",
            query="select identifier_type, identifier_value, person_id from {dim_identity_map}",
            expectations=_one_person_per_identifier,
        ),
        QualityCheck(
            name="gx_identity_cluster_size",
            model="dim_persons",
            description="No person holds more identifiers than max_identifiers_per_person.",
            query="select person_id, count(*) as identifiers from {dim_identity_map} "
            "where person_id is not null group by person_id",
            expectations=_cluster_size,
        ),
    ),
)


# --- sessions ----------------------------------------------------------------------------------


def _durations(cfg: Config, _: Lookup) -> list[Expectation]:
    ex = _gx()
    return [
        ex.ExpectColumnValuesToNotBeNull(column="duration_seconds"),
        ex.ExpectColumnValuesToBeBetween(column="duration_seconds", min_value=0),
    ]


def _event_in_one_session(cfg: Config, _: Lookup) -> list[Expectation]:
    ex = _gx()
    return [
        ex.ExpectColumnValuesToNotBeNull(column="session_id"),
        # null: the event's session_id is not a session; a repeated event_id: it is in two
        ex.ExpectColumnValuesToNotBeNull(column="matched_session_id"),
        ex.ExpectColumnValuesToBeUnique(column="event_id"),
    ]


SESSIONS = Suite(
    name="sessions",
    requires=("fct_sessions", "fct_events"),
    checks=(
        QualityCheck(
            name="gx_session_durations",
            model="fct_sessions",
            description="Every session ends at or after its start.",
            query="select session_id, epoch(session_end) - epoch(session_start) "
            "as duration_seconds from {fct_sessions}",
            expectations=_durations,
        ),
        QualityCheck(
            name="gx_every_event_in_one_session",
            model="fct_events",
            description="Every clean event belongs to exactly one session in fct_sessions.",
            query="select e.event_id, e.session_id, s.session_id as matched_session_id "
            "from {fct_events} as e left join {fct_sessions} as s on s.session_id = e.session_id",
            expectations=_event_in_one_session,
        ),
    ),
)

SUITES: tuple[Suite, ...] = (STAGING, IDENTITY, SESSIONS)
