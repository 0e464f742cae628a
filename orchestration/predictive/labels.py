"""Labels: what happens in the horizon after a cutoff (never used as a feature)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from orchestration.predictive.features import DAY, active_events


def _in_window(events: pd.DataFrame, cutoff: pd.Timestamp, horizon_days: int) -> pd.DataFrame:
    t = events["event_time"]
    return events[(t >= cutoff) & (t < cutoff + horizon_days * DAY)]


def churned(non_activity: Iterable[str]):
    """True when the person does nothing of their own in [cutoff, cutoff + horizon)."""
    skip = list(non_activity)

    def label(
        events: pd.DataFrame, cutoff: pd.Timestamp, persons: pd.Index, horizon_days: int
    ) -> pd.Series:
        later = active_events(_in_window(events, cutoff, horizon_days), skip)
        return pd.Series(~persons.isin(later["person_id"].unique()), index=persons)

    return label


def purchased(purchase_events: Iterable[str]):
    """True when the person buys in [cutoff, cutoff + horizon)."""
    names = list(purchase_events)

    def label(
        events: pd.DataFrame, cutoff: pd.Timestamp, persons: pd.Index, horizon_days: int
    ) -> pd.Series:
        later = _in_window(events, cutoff, horizon_days)
        buyers = later.loc[later["event_name"].isin(names), "person_id"].unique()
        return pd.Series(persons.isin(buyers), index=persons)

    return label
