"""Time-based cutoffs: train on label windows that end before the evaluation cutoff.

    ... train cutoffs ... | train label windows end <= evaluate | evaluate label window | as_of
Scoring happens at as_of (the latest event), whose label window is still the future.
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
) -> Cutoffs:
    horizon = horizon_days * DAY
    evaluate = as_of - horizon  # its label window [evaluate, as_of) is fully observed
    latest_train = evaluate - horizon  # label window ends exactly at the evaluation cutoff
    train = tuple(
        cutoff
        for k in range(train_cutoffs)
        if (cutoff := latest_train - k * step_days * DAY) - first_event >= min_history_days * DAY
    )
    if not train:
        raise InsufficientHistory(
            f"{(as_of - first_event) / DAY:.1f} days of events: a {horizon_days}-day horizon needs "
            f"at least {2 * horizon_days + min_history_days} (history, train label, eval label)"
        )
    return Cutoffs(train=train, evaluate=evaluate, score=as_of)
