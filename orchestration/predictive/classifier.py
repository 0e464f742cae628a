"""The shared time-split classifier behind churn and conversion propensity.

Rows are (person, cutoff): features from events before the cutoff, a label from the horizon after
it. Training rows come from earlier cutoffs whose label windows end before the evaluation cutoff,
so the evaluation never sees a period the model was trained on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score

from orchestration.predictive.features import person_features, population
from orchestration.predictive.split import Cutoffs, plan_cutoffs
from orchestration.predictive.store import Metric, ModelOutput

# (events, cutoff, persons, horizon_days) -> bool labels indexed like persons
LabelFn = Callable[[pd.DataFrame, pd.Timestamp, pd.Index, int], pd.Series]


@dataclass(frozen=True)
class ClassifierSpec:
    model_name: str
    table: str
    score_column: str
    label: LabelFn


@dataclass
class Trained:
    output: ModelOutput
    cutoffs: Cutoffs
    importance: dict[str, float]
    seconds: float


def _rows(
    events: pd.DataFrame,
    cutoff: pd.Timestamp,
    spec: ClassifierSpec,
    cfg: dict[str, Any],
    params: dict[str, Any],
) -> tuple[pd.DataFrame, pd.Series]:
    persons = population(
        events, cutoff, params["population_lookback_days"], cfg["non_activity_events"]
    )
    x = person_features(events, cutoff, persons, cfg["non_activity_events"], cfg["purchase_events"])
    y = spec.label(events, cutoff, persons, params["horizon_days"]).astype(int)
    return x, y


def _model(params: dict[str, Any], seed: int) -> lgb.LGBMClassifier:
    return lgb.LGBMClassifier(**params["model"], random_state=seed, deterministic=True)


def _fit(model: lgb.LGBMClassifier, x: pd.DataFrame, y: pd.Series) -> lgb.LGBMClassifier:
    if y.nunique() < 2:
        raise ValueError(f"training labels are all {y.iloc[0] if len(y) else 'missing'}")
    return model.fit(x, y)


def train_and_score(events: pd.DataFrame, spec: ClassifierSpec, cfg: dict[str, Any]) -> Trained:
    started = time.perf_counter()
    params = cfg["classifiers"][spec.model_name]
    active = events[~events["event_name"].isin(cfg["non_activity_events"])]
    cutoffs = plan_cutoffs(
        first_event=active["event_time"].min(),
        as_of=events["event_time"].max(),
        horizon_days=params["horizon_days"],
        train_cutoffs=params["train_cutoffs"],
        step_days=params["train_cutoff_step_days"],
        min_history_days=params["min_history_days"],
    )
    parts = [_rows(events, c, spec, cfg, params) for c in cutoffs.train]
    x_train = pd.concat([x for x, _ in parts], ignore_index=True)
    y_train = pd.concat([y for _, y in parts], ignore_index=True)
    x_eval, y_eval = _rows(events, cutoffs.evaluate, spec, cfg, params)

    model = _fit(_model(params, cfg["seed"]), x_train, y_train)
    p_eval = model.predict_proba(x_eval)[:, 1]
    metrics = [
        Metric("train_rows", len(y_train), "train"),
        Metric("train_positive_rate", y_train.mean(), "train"),
        Metric("eval_rows", len(y_eval), "eval"),
        Metric("eval_positive_rate", y_eval.mean(), "eval"),
    ]
    if y_eval.nunique() == 2:
        metrics += [
            Metric("roc_auc", roc_auc_score(y_eval, p_eval), "eval"),
            Metric("pr_auc", average_precision_score(y_eval, p_eval), "eval"),
        ]
    recent = (x_eval["recency_days"] < params["report_recent_days"]).to_numpy()
    if y_eval[recent].nunique() == 2:
        metrics.append(
            Metric("roc_auc_recent", roc_auc_score(y_eval[recent], p_eval[recent]), "eval_recent")
        )

    # The scoring model also learns from the evaluation cutoff: its label window ends at as_of.
    final = _fit(
        _model(params, cfg["seed"]),
        pd.concat([x_train, x_eval], ignore_index=True),
        pd.concat([y_train, y_eval], ignore_index=True),
    )
    scored = _score_all(events, cutoffs.score, spec, cfg, params, final)
    gain = final.booster_.feature_importance(importance_type="gain")
    importance = dict(
        sorted(
            zip(x_train.columns, (gain / max(gain.sum(), 1e-12)).round(4), strict=True),
            key=lambda kv: -kv[1],
        )
    )
    output = ModelOutput(spec.model_name, spec.table, scored, metrics, as_of=cutoffs.score)
    return Trained(output, cutoffs, importance, time.perf_counter() - started)


def _score_all(
    events: pd.DataFrame,
    as_of: pd.Timestamp,
    spec: ClassifierSpec,
    cfg: dict[str, Any],
    params: dict[str, Any],
    model: lgb.LGBMClassifier,
) -> pd.DataFrame:
    """Every person with a history is scored; in_population says whether they match the
    population the model was trained on (active in the lookback)."""
    everyone = pd.Index(
        sorted(events.loc[events["person_id"].notna(), "person_id"].unique()), name="person_id"
    )
    # as_of is the last event's time: include it (features use event_time < cutoff)
    cutoff = as_of + pd.Timedelta(microseconds=1)
    x = person_features(
        events, cutoff, everyone, cfg["non_activity_events"], cfg["purchase_events"]
    )
    in_population = everyone.isin(
        population(events, cutoff, params["population_lookback_days"], cfg["non_activity_events"])
    )
    return pd.DataFrame(
        {
            "person_id": everyone,
            spec.score_column: np.round(model.predict_proba(x)[:, 1], 6),
            "in_population": in_population,
            "scored_at": pd.Timestamp.now(tz="UTC").tz_localize(None),
            "as_of": as_of,
        }
    )
