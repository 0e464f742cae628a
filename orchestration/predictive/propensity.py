"""Conversion propensity: the probability that an active person buys in the next `horizon_days`."""

from __future__ import annotations

from typing import Any

import pandas as pd

from orchestration.predictive.classifier import ClassifierSpec, Trained, train_and_score
from orchestration.predictive.labels import purchased

MODEL_NAME = "propensity"
TABLE = "ml_propensity_scores"


def train(events: pd.DataFrame, cfg: dict[str, Any]) -> Trained:
    spec = ClassifierSpec(MODEL_NAME, TABLE, "propensity_score", purchased(cfg["purchase_events"]))
    return train_and_score(events, spec, cfg)
