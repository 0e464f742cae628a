"""Person features at a cutoff, from the event history strictly before it.

Everything is computed from fct_events rows with event_time < cutoff, so adding later events can
never change a feature (tests/predictive/test_leakage.py). dim_persons is not used: its
last_seen_at and identifier lists already know the future.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

DAY = pd.Timedelta(days=1)
WINDOWS_DAYS = (7, 14, 28)
NO_EVENT_DAYS = 999.0  # "never": recency of a person with no (purchase) event before the cutoff


def history(events: pd.DataFrame, cutoff: pd.Timestamp) -> pd.DataFrame:
    """A person's own events before the cutoff (shared clients have no person_id)."""
    return events[(events["event_time"] < cutoff) & events["person_id"].notna()]


def active_events(events: pd.DataFrame, non_activity: Iterable[str]) -> pd.DataFrame:
    return events[~events["event_name"].isin(list(non_activity))]


def population(
    events: pd.DataFrame, cutoff: pd.Timestamp, lookback_days: int, non_activity: Iterable[str]
) -> pd.Index:
    """Persons with activity in the lookback window before the cutoff: the ones worth scoring."""
    past = active_events(history(events, cutoff), non_activity)
    recent = past[past["event_time"] >= cutoff - lookback_days * DAY]
    return pd.Index(sorted(recent["person_id"].unique()), name="person_id")


def person_features(
    events: pd.DataFrame,
    cutoff: pd.Timestamp,
    persons: pd.Index,
    non_activity: Iterable[str],
    purchase_events: Iterable[str],
) -> pd.DataFrame:
    past = active_events(history(events, cutoff), non_activity)
    past = past[past["person_id"].isin(persons)]
    age_days = (cutoff - past["event_time"]) / DAY
    by = past.groupby("person_id")
    feats = pd.DataFrame(index=persons)
    feats["recency_days"] = by["event_time"].max().rsub(cutoff) / DAY
    feats["tenure_days"] = by["event_time"].min().rsub(cutoff) / DAY
    feats["events_total"] = by.size()
    feats["sessions_total"] = by["session_id"].nunique()
    feats["clients"] = by["client_key"].nunique()
    feats["channels"] = by["channel"].nunique()
    feats["is_identified"] = by["user_id"].count().gt(0).astype(float)
    day = past["event_time"].dt.floor("D")
    for window in WINDOWS_DAYS:
        inside = past[age_days < window]
        grouped = inside.groupby("person_id")
        feats[f"events_{window}d"] = grouped.size()
        feats[f"sessions_{window}d"] = grouped["session_id"].nunique()
        feats[f"active_days_{window}d"] = (
            day[age_days < window].groupby(inside["person_id"]).nunique()
        )
    # trend: the last week against the week before (a fading person is about to churn)
    prev_week = past[(age_days >= 7) & (age_days < 14)].groupby("person_id").size()
    feats["events_prev_7d"] = prev_week
    # no activity at all before the cutoff: as far in the past as the data allow
    feats["recency_days"] = feats["recency_days"].fillna(NO_EVENT_DAYS)
    feats = feats.fillna(0.0)
    feats["trend_7d"] = (feats["events_7d"] + 1.0) / (feats["events_prev_7d"] + 1.0)
    # Activity rates: a person who visits at a steady rate is active in the horizon with
    # probability ~ 1 - exp(-rate * horizon); tenure counts from the first visit, observed from
    # the start of the data (both known at the cutoff).
    observed_days = max((cutoff - past["event_time"].min()) / DAY, 1.0) if len(past) else 1.0
    feats["session_rate"] = feats["sessions_total"] / np.maximum(feats["tenure_days"], 1.0)
    feats["session_rate_observed"] = feats["sessions_total"] / observed_days
    feats["active_day_share_28d"] = feats["active_days_28d"] / np.minimum(
        np.maximum(feats["tenure_days"], 1.0), 28.0
    )
    # Visit rhythm (session starts): a person "overdue" against their own usual gap is leaving;
    # activity weighted to the start of the tenure means a fading person.
    starts = past.groupby(["person_id", "session_id"])["event_time"].min().reset_index()
    starts = starts.sort_values(["person_id", "event_time"])
    gap = starts.groupby("person_id")["event_time"].diff() / DAY
    feats["mean_session_gap_days"] = gap.groupby(starts["person_id"]).mean()
    feats["max_session_gap_days"] = gap.groupby(starts["person_id"]).max()
    feats["mean_session_gap_days"] = feats["mean_session_gap_days"].fillna(feats["tenure_days"])
    feats["max_session_gap_days"] = feats["max_session_gap_days"].fillna(feats["tenure_days"])
    feats["overdue_ratio"] = feats["recency_days"] / np.maximum(feats["mean_session_gap_days"], 0.5)
    session_age = (cutoff - starts["event_time"]) / DAY
    feats["session_age_share"] = session_age.groupby(starts["person_id"]).mean() / np.maximum(
        feats["tenure_days"], 1.0
    )
    feats["session_age_share"] = feats["session_age_share"].fillna(1.0)
    feats["events_per_active_day"] = feats["events_total"] / np.maximum(
        past.assign(day=day).groupby("person_id")["day"].nunique().reindex(persons).fillna(1.0), 1
    )
    # shopping behaviour
    buys = past[past["event_name"].isin(list(purchase_events))]
    buy_by = buys.groupby("person_id")
    feats["orders_total"] = buy_by["order_id"].nunique()
    feats["revenue_total"] = buy_by["revenue"].sum()
    feats["days_since_purchase"] = buy_by["event_time"].max().rsub(cutoff) / DAY
    feats["orders_28d"] = (
        buys[age_days.loc[buys.index] < 28].groupby("person_id")["order_id"].nunique()
    )
    for name in ("view_item", "add_to_cart", "begin_checkout", "search", "coupon_claim"):
        feats[f"{name}_14d"] = (
            past[(past["event_name"] == name) & (age_days < 14)].groupby("person_id").size()
        )
    feats["categories"] = by["category"].nunique()
    feats["products"] = by["product_id"].nunique()
    feats["days_since_purchase"] = feats["days_since_purchase"].fillna(NO_EVENT_DAYS)
    return feats.fillna(0.0).astype(float).sort_index()
