"""The shared time-split classifier behind churn and conversion propensity.

Rows are (person, cutoff): features from events before the cutoff, a label from the horizon after
it. Training rows come from earlier cutoffs whose label windows end before the evaluation cutoff,
so the evaluation never sees a period the model was trained on. Training labels use
`train_horizon_days` (default: the horizon), the evaluation label always the full horizon.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score

from orchestration.predictive.features import active_events, history, person_features, population
from orchestration.predictive.split import DAY, Cutoffs, plan_cutoffs
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
    horizon_days: int,
    cache: dict[pd.Timestamp, pd.DataFrame] | None = None,
) -> tuple[pd.DataFrame, pd.Series]:
    """Features at a cutoff (computed once per cutoff when a cache is given) and its labels."""
    cache = {} if cache is None else cache
    if cutoff not in cache:
        persons = population(
            events, cutoff, params["population_lookback_days"], cfg["non_activity_events"]
        )
        cache[cutoff] = _features(events, cutoff, persons, cfg, params)
    x = cache[cutoff]
    y = spec.label(events, cutoff, x.index, horizon_days).astype(int)
    return x, y


def _features(
    events: pd.DataFrame,
    cutoff: pd.Timestamp,
    persons: pd.Index,
    cfg: dict[str, Any],
    params: dict[str, Any],
) -> pd.DataFrame:
    """The features the model uses (`features` in its config: all of them when absent)."""
    x = person_features(events, cutoff, persons, cfg["non_activity_events"], cfg["purchase_events"])
    chosen = params.get("features")
    if chosen:
        unknown = sorted(set(chosen) - set(x.columns))
        if unknown:
            raise ValueError(f"{unknown} are not person features; known: {sorted(x.columns)}")
        x = x[list(chosen)]
    return x


def _model(params: dict[str, Any], seed: int) -> lgb.LGBMClassifier:
    return lgb.LGBMClassifier(**params["model"], random_state=seed, deterministic=True)


def _fit(model: lgb.LGBMClassifier, x: pd.DataFrame, y: pd.Series) -> lgb.LGBMClassifier:
    if y.nunique() < 2:
        raise ValueError(f"training labels are all {y.iloc[0] if len(y) else 'missing'}")
    return model.fit(x, y)


def train_and_score(events: pd.DataFrame, spec: ClassifierSpec, cfg: dict[str, Any]) -> Trained:
    started = time.perf_counter()
    params = cfg["classifiers"][spec.model_name]
    horizon = params["horizon_days"]
    train_horizon = params.get("train_horizon_days") or horizon
    active = events[~events["event_name"].isin(cfg["non_activity_events"])]
    cutoffs = plan_cutoffs(
        first_event=active["event_time"].min(),
        as_of=events["event_time"].max(),
        horizon_days=horizon,
        train_cutoffs=params["train_cutoffs"],
        step_days=params["train_cutoff_step_days"],
        min_history_days=params["min_history_days"],
        train_horizon_days=train_horizon,
    )
    cache: dict[pd.Timestamp, pd.DataFrame] = {}
    x_train, y_train = _stack(events, cutoffs.train, spec, cfg, params, train_horizon, cache)
    x_eval, y_eval = _rows(events, cutoffs.evaluate, spec, cfg, params, horizon)

    model = _fit(_model(params, cfg["seed"]), x_train, y_train)
    p_eval = model.predict_proba(x_eval)[:, 1]
    metrics = [
        Metric("train_rows", len(y_train), "train"),
        Metric("train_positive_rate", y_train.mean(), "train"),
        Metric("eval_rows", len(y_eval), "eval"),
        Metric("eval_positive_rate", y_eval.mean(), "eval"),
        Metric("train_cutoffs", len(cutoffs.train), "train"),
        Metric("train_horizon_days", train_horizon, "train"),
        Metric("horizon_days", horizon, "eval"),
    ]
    if y_eval.nunique() == 2:
        metrics += [
            Metric("roc_auc", roc_auc_score(y_eval, p_eval), "eval"),
            Metric("pr_auc", average_precision_score(y_eval, p_eval), "eval"),
        ]
    past = active_events(history(events, cutoffs.evaluate), cfg["non_activity_events"])
    last_seen = past.groupby("person_id")["event_time"].max().reindex(x_eval.index)
    recent = (last_seen >= cutoffs.evaluate - params["report_recent_days"] * DAY).to_numpy()
    if y_eval[recent].nunique() == 2:
        metrics.append(
            Metric("roc_auc_recent", roc_auc_score(y_eval[recent], p_eval[recent]), "eval_recent")
        )

    # The scoring model is the same procedure moved forward to as_of: the training cutoffs and
    # the same cutoffs shifted by the horizon (the latest label windows end at as_of).
    final_cutoffs = sorted({*cutoffs.train, *(c + horizon * DAY for c in cutoffs.train)})
    x_final, y_final = _stack(events, final_cutoffs, spec, cfg, params, train_horizon, cache)
    final = _fit(_model(params, cfg["seed"]), x_final, y_final)
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


def _stack(
    events: pd.DataFrame,
    cutoffs: Iterable[pd.Timestamp],
    spec: ClassifierSpec,
    cfg: dict[str, Any],
    params: dict[str, Any],
    horizon_days: int,
    cache: dict[pd.Timestamp, pd.DataFrame],
) -> tuple[pd.DataFrame, pd.Series]:
    parts = [_rows(events, c, spec, cfg, params, horizon_days, cache) for c in cutoffs]
    x = pd.concat([x for x, _ in parts], ignore_index=True)
    y = pd.concat([y for _, y in parts], ignore_index=True)
    return x, y


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
    x = _features(events, cutoff, everyone, cfg, params)
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
