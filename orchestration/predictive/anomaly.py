"""Anomaly and fraud: rate rules plus an IsolationForest over session behaviour.

Rules catch what no person does by hand (tens of events a minute from one client, several
orders an hour); the IsolationForest ranks sessions whose mix of volume, speed, orders and
coupons is unlike the rest, for what the rules do not name. A session is flagged by any rule or
when its forest score is in the top `contamination` share and it also passes one of the softer
`corroborate` limits (the same rates at about half the rule limits: a near-miss burst); a forest
outlier with human rates only is not flagged. A client is flagged when one of its sessions is.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.ensemble import IsolationForest

from orchestration.predictive.store import Metric, ModelOutput

MODEL_NAME = "anomaly"
TABLE = "ml_anomaly_scores"
FOREST_FEATURES = [
    "log_events",
    "duration_min",
    "events_per_minute",
    "max_events_per_minute",
    "max_orders_per_hour",
    "orders",
    "coupon_events",
    "products",
    "event_names",
    "mean_gap_s",
]


@dataclass
class Trained:
    output: ModelOutput
    sessions: pd.DataFrame  # per-session features, rule hits, score and flag (for evaluation)
    importance: dict[str, float]
    seconds: float


def session_features(events: pd.DataFrame, cfg: dict[str, Any]) -> pd.DataFrame:
    ev = events.assign(
        minute=events["event_time"].dt.floor("min"), hour=events["event_time"].dt.floor("h")
    )
    is_order = ev["event_name"].isin(cfg["purchase_events"]) & ev["order_id"].notna()
    by = ev.groupby("session_id")
    s = pd.DataFrame(
        {
            "client_key": by["client_key"].first(),
            "person_id": by["person_id"].first(),
            "window_start": by["event_time"].min(),
            "window_end": by["event_time"].max(),
            "events": by.size(),
            "products": by["product_id"].nunique(),
            "event_names": by["event_name"].nunique(),
            "coupon_events": by["coupon"].count(),
        }
    )
    s["orders"] = ev[is_order].groupby("session_id")["order_id"].nunique()
    # rates per client and clock minute/hour, the worst one a session touches
    per_minute = ev.groupby(["client_key", "minute"]).size().rename("n")
    ev_min = ev.join(per_minute, on=["client_key", "minute"])
    s["max_events_per_minute"] = ev_min.groupby("session_id")["n"].max()
    orders = ev[is_order]
    per_hour = orders.groupby(["client_key", "hour"])["order_id"].nunique().rename("n")
    coupon_hour = (
        orders[orders["coupon"].notna()]
        .groupby(["client_key", "hour"])["order_id"]
        .nunique()
        .rename("c")
    )
    o = orders.join(per_hour, on=["client_key", "hour"]).join(
        coupon_hour, on=["client_key", "hour"]
    )
    s["max_orders_per_hour"] = o.groupby("session_id")["n"].max()
    s["max_coupon_orders_per_hour"] = o.groupby("session_id")["c"].max()
    s = s.fillna({"orders": 0, "max_orders_per_hour": 0, "max_coupon_orders_per_hour": 0})
    s["duration_min"] = (s["window_end"] - s["window_start"]).dt.total_seconds() / 60.0
    s["events_per_minute"] = s["events"] / np.maximum(s["duration_min"], 1.0)
    s["mean_gap_s"] = s["duration_min"] * 60.0 / np.maximum(s["events"] - 1, 1)
    s["log_events"] = np.log1p(s["events"])
    return s


def rule_reasons(s: pd.DataFrame, rules: dict[str, Any]) -> pd.Series:
    checks = {
        "events_per_minute": s["max_events_per_minute"] > rules["max_events_per_minute"],
        "orders_per_hour": s["max_orders_per_hour"] > rules["max_orders_per_hour"],
        "coupon_orders_per_hour": s["max_coupon_orders_per_hour"]
        > rules["max_coupon_orders_per_hour"],
    }
    reasons = pd.Series("", index=s.index)
    for name, hit in checks.items():
        reasons = reasons.where(~hit, reasons + np.where(reasons == "", "", ";") + f"rule:{name}")
    return reasons


def score_sessions(events: pd.DataFrame, cfg: dict[str, Any]) -> tuple[pd.DataFrame, dict]:
    params = cfg["anomaly"]
    s = session_features(events, cfg)
    forest = IsolationForest(
        n_estimators=params["isolation_forest"]["n_estimators"],
        max_samples=min(params["isolation_forest"]["max_samples"], len(s)),
        contamination="auto",
        random_state=cfg["seed"],
        n_jobs=1,
    ).fit(s[FOREST_FEATURES])
    # higher = more anomalous
    s["score"] = np.round(-forest.score_samples(s[FOREST_FEATURES]), 6)
    eligible = s["events"] >= params["min_session_events"]
    threshold = s.loc[eligible, "score"].quantile(1 - params["isolation_forest"]["contamination"])
    s["forest_outlier"] = eligible & (s["score"] >= threshold)
    corroborated = rule_reasons(s, params["isolation_forest"]["corroborate"]) != ""
    s["forest_flag"] = s["forest_outlier"] & corroborated
    reasons = rule_reasons(s, params["rules"])
    s["rule_flag"] = reasons != ""
    reasons = reasons.where(
        ~s["forest_flag"], reasons + np.where(reasons == "", "", ";") + "isolation_forest"
    )
    s["reasons"] = reasons
    s["is_flagged"] = s["rule_flag"] | s["forest_flag"]
    importance = _importance(s)
    return s, importance


def _importance(s: pd.DataFrame) -> dict[str, float]:
    """How far flagged sessions sit from the rest per feature (in robust z units): the forest
    has no importances of its own, this says what made the flagged sessions stand out."""
    flagged, rest = s[s["is_flagged"]], s[~s["is_flagged"]]
    if flagged.empty:
        return {}
    scale = (rest[FOREST_FEATURES].quantile(0.75) - rest[FOREST_FEATURES].quantile(0.25)).replace(
        0, 1.0
    )
    z = ((flagged[FOREST_FEATURES].median() - rest[FOREST_FEATURES].median()) / scale).abs()
    return dict(sorted(((k, round(float(v), 3)) for k, v in z.items()), key=lambda kv: -kv[1]))


def client_rows(s: pd.DataFrame) -> pd.DataFrame:
    by = s.groupby("client_key")
    c = pd.DataFrame(
        {
            "person_id": by["person_id"].first(),
            "window_start": by["window_start"].min(),
            "window_end": by["window_end"].max(),
            "score": by["score"].max(),
            "is_flagged": by["is_flagged"].any(),
            "reasons": by["reasons"].agg(
                lambda r: ";".join(sorted({x for v in r if v for x in v.split(";")}))
            ),
        }
    ).reset_index()
    c["entity_type"] = "client"
    c["entity_id"] = c["client_key"]
    return c


def train(
    events: pd.DataFrame, cfg: dict[str, Any], metrics: list[Metric] | None = None
) -> Trained:
    started = time.perf_counter()
    s, importance = score_sessions(events, cfg)
    sessions = s.reset_index().assign(entity_type="session")
    sessions["entity_id"] = sessions["session_id"]
    columns = [
        "entity_type",
        "entity_id",
        "client_key",
        "person_id",
        "window_start",
        "window_end",
        "score",
        "is_flagged",
        "reasons",
    ]
    scores = pd.concat([sessions[columns], client_rows(s)[columns]], ignore_index=True)
    base = [
        Metric("sessions", len(s), "all"),
        Metric("flagged_sessions", int(s["is_flagged"].sum()), "all"),
        Metric("rule_flagged_sessions", int(s["rule_flag"].sum()), "all"),
        Metric("forest_flagged_sessions", int(s["forest_flag"].sum()), "all"),
        Metric("forest_outlier_sessions", int(s["forest_outlier"].sum()), "all"),
    ]
    output = ModelOutput(
        MODEL_NAME, TABLE, scores, base + list(metrics or []), as_of=events["event_time"].max()
    )
    return Trained(output, s, importance, time.perf_counter() - started)
