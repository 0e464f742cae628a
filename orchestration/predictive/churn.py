"""Churn: the probability that an active person does nothing in the next `horizon_days`."""

from __future__ import annotations

from typing import Any

import pandas as pd

from orchestration.predictive.classifier import ClassifierSpec, Trained, train_and_score
from orchestration.predictive.labels import churned

MODEL_NAME = "churn"
TABLE = "ml_churn_scores"


def train(events: pd.DataFrame, cfg: dict[str, Any]) -> Trained:
    spec = ClassifierSpec(MODEL_NAME, TABLE, "churn_score", churned(cfg["non_activity_events"]))
    return train_and_score(events, spec, cfg)
