"""Time-based cutoffs: train on label windows that end before the evaluation cutoff.

    ... train cutoffs ... | train label windows end <= evaluate | evaluate label window | as_of
Scoring happens at as_of (the latest event), whose label window is still the future.

The training labels may use a shorter horizon than the evaluation (`train_horizon_days`): with a
30-day history a 14-day horizon leaves room for one training cutoff with a day of history, while
7-day training labels allow cutoffs with up to 9 days of history; the evaluation label is always
the full horizon.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

DAY = pd.Timedelta(days=1)


class InsufficientHistory(ValueError):
    """The data are too short for a training cutoff whose label window ends before evaluation."""


@dataclass(frozen=True)
class Cutoffs:
    train: tuple[pd.Timestamp, ...]
    evaluate: pd.Timestamp
    score: pd.Timestamp


def plan_cutoffs(
    first_event: pd.Timestamp,
    as_of: pd.Timestamp,
    horizon_days: int,
    train_cutoffs: int,
    step_days: int,
    min_history_days: int,
    train_horizon_days: int | None = None,
) -> Cutoffs:
    horizon = horizon_days * DAY
    train_horizon = (train_horizon_days or horizon_days) * DAY
    evaluate = as_of - horizon  # its label window [evaluate, as_of) is fully observed
    latest_train = evaluate - train_horizon  # label window ends exactly at the evaluation cutoff
    train = tuple(
        cutoff
        for k in range(train_cutoffs)
        if (cutoff := latest_train - k * step_days * DAY) - first_event >= min_history_days * DAY
    )
    if not train:
        raise InsufficientHistory(
            f"{(as_of - first_event) / DAY:.1f} days of events: a {horizon_days}-day horizon needs "
            f"at least {horizon + train_horizon + min_history_days * DAY} "
            "(history, train label, eval label)"
        )
    return Cutoffs(train=train, evaluate=evaluate, score=as_of)
