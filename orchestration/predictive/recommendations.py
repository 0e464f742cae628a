"""Item-to-item recommendations from co-views and co-purchases.

Two items are related when they appear in the same session or in one person's history within
`person_window_days` of each other; similarity is cosine on those co-occurrence counts. A person's
candidates are the neighbours of what they interacted with (recency- and event-weighted) plus
what they looked at but did not buy; already purchased items are never recommended. Popularity
fills the list when a person has too few neighbours.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from orchestration.predictive.features import DAY
from orchestration.predictive.store import Metric, ModelOutput

MODEL_NAME = "recommendations"
TABLE = "ml_recommendations"


@dataclass
class Trained:
    output: ModelOutput
    importance: dict[str, float]
    seconds: float


def interactions(events: pd.DataFrame, cfg: dict[str, Any]) -> pd.DataFrame:
    weights = cfg["product_events"]
    rows = events[
        events["event_name"].isin(list(weights))
        & events["product_id"].notna()
        & events["person_id"].notna()
    ]
    out = rows[["person_id", "session_id", "product_id", "event_name", "event_time"]].copy()
    out["weight"] = out["event_name"].map(weights).astype(float)
    return out


def _pairs(groups: pd.DataFrame, key: str) -> pd.DataFrame:
    """(item_a, item_b) rows, one per group holding both (a != b)."""
    both = groups.merge(groups, on=key, suffixes=("_a", "_b"))
    return both[both["product_id_a"] != both["product_id_b"]]


def similarity(inter: pd.DataFrame, params: dict[str, Any]) -> pd.DataFrame:
    sessions = inter[["session_id", "product_id"]].drop_duplicates()
    in_session = _pairs(sessions, "session_id")
    s_counts = in_session.groupby(["product_id_a", "product_id_b"]).size()

    daily = inter.assign(day=inter["event_time"].dt.floor("D"))[
        ["person_id", "product_id", "day"]
    ].drop_duplicates()
    # a person's pairs grow with the square of their history: keep their latest entries only
    daily = daily.sort_values("day").groupby("person_id").tail(params["max_history_items"])
    in_person = _pairs(daily, "person_id")
    close = (in_person["day_a"] - in_person["day_b"]).abs() <= params["person_window_days"] * DAY
    p_counts = (
        in_person[close][["person_id", "product_id_a", "product_id_b"]]
        .drop_duplicates()
        .groupby(["product_id_a", "product_id_b"])
        .size()
    )
    co = s_counts.mul(params["session_weight"]).add(
        p_counts.mul(params["window_weight"]), fill_value=0.0
    )
    # cosine: the co-occurrence over the geometric mean of each item's own frequency
    freq = sessions.groupby("product_id").size().astype(float)
    sim = co.rename("co").reset_index()
    sim["sim"] = sim["co"] / np.sqrt(
        sim["product_id_a"].map(freq).to_numpy() * sim["product_id_b"].map(freq).to_numpy()
    )
    return sim[["product_id_a", "product_id_b", "sim"]]


def profiles(inter: pd.DataFrame, as_of: pd.Timestamp, params: dict[str, Any]) -> pd.DataFrame:
    age = (as_of - inter["event_time"]) / DAY
    decay = 0.5 ** (age / params["recency_half_life_days"])
    prof = (
        inter.assign(w=inter["weight"] * decay)
        .groupby(["person_id", "product_id"], as_index=False)["w"]
        .sum()
        .sort_values(["person_id", "w"], ascending=[True, False])
    )
    return prof.groupby("person_id").head(params["max_history_items"])


def popularity(inter: pd.DataFrame) -> pd.Series:
    """Distinct persons per item, most popular first (ties by product id: deterministic)."""
    pop = inter.groupby("product_id")["person_id"].nunique().rename("score").reset_index()
    pop = pop.sort_values(["score", "product_id"], ascending=[False, True])
    return pop.set_index("product_id")["score"]


def recommend(inter: pd.DataFrame, as_of: pd.Timestamp, cfg: dict[str, Any]) -> pd.DataFrame:
    """Top-N (person_id, rank, product_id, score) for every person with interactions."""
    params = cfg["recommendations"]
    top_n = params["top_n"]
    sim = similarity(inter, params)
    prof = profiles(inter, as_of, params)
    cand = prof.merge(sim, left_on="product_id", right_on="product_id_a")
    cand = (
        cand.assign(score=cand["w"] * cand["sim"])
        .groupby(["person_id", "product_id_b"], as_index=False)["score"]
        .sum()
        .rename(columns={"product_id_b": "product_id"})
    )
    # items looked at and not bought are strong candidates on their own
    seen = prof.assign(score=prof["w"] * params["self_weight"])[
        ["person_id", "product_id", "score"]
    ]
    cand = (
        pd.concat([cand, seen]).groupby(["person_id", "product_id"], as_index=False)["score"].sum()
    )

    # Blend with popularity: neighbour scores scaled to [0, 1] per person plus
    # popularity_weight x popularity in [0, 1]. Sparse histories lean on what is popular, and the
    # list is always full (every person also gets the top popular items as candidates).
    pop = popularity(inter)
    pop_score = pop / pop.max()
    cand["score"] = cand["score"] / cand.groupby("person_id")["score"].transform("max")
    fill_items = pop.index[: top_n + params["max_history_items"]]
    persons = pd.Index(sorted(inter["person_id"].unique()), name="person_id")
    fill = pd.DataFrame(
        {
            "person_id": np.repeat(persons.to_numpy(), len(fill_items)),
            "product_id": np.tile(fill_items.to_numpy(), len(persons)),
            "score": 0.0,
        }
    )
    cand = (
        pd.concat([cand, fill]).groupby(["person_id", "product_id"], as_index=False)["score"].max()
    )
    cand["score"] += params["popularity_weight"] * cand["product_id"].map(pop_score).fillna(0.0)
    bought = inter.loc[
        inter["event_name"].isin(cfg["purchase_events"]), ["person_id", "product_id"]
    ]
    cand = cand.merge(bought.drop_duplicates(), how="left", indicator=True)
    cand = cand[cand["_merge"] == "left_only"].drop(columns="_merge")
    cand = cand.sort_values(["person_id", "score", "product_id"], ascending=[True, False, True])
    top = cand.groupby("person_id").head(top_n).copy()
    top["rank"] = top.groupby("person_id").cumcount() + 1
    top["score"] = top["score"].round(6)
    return top[["person_id", "rank", "product_id", "score"]].reset_index(drop=True)


def popularity_baseline(
    inter: pd.DataFrame, persons: pd.Index, cfg: dict[str, Any]
) -> pd.DataFrame:
    """The same top-N for everyone (minus what they bought): what the model must beat."""
    top_n = cfg["recommendations"]["top_n"]
    pop = popularity(inter)
    bought = inter.loc[
        inter["event_name"].isin(cfg["purchase_events"]), ["person_id", "product_id"]
    ]
    bought_by = bought.groupby("person_id")["product_id"].agg(set)
    rows = []
    for person in persons:
        skip = bought_by.get(person, set())
        items = [p for p in pop.index[: top_n + len(skip)] if p not in skip][:top_n]
        rows += [(person, rank + 1, item) for rank, item in enumerate(items)]
    return pd.DataFrame(rows, columns=["person_id", "rank", "product_id"])


def hit_rate(recs: pd.DataFrame, truth: pd.DataFrame) -> float:
    """Share of persons with at least one recommended item among their held-out items."""
    hits = recs.merge(truth, on=["person_id", "product_id"]).groupby("person_id").size()
    persons = truth["person_id"].nunique()
    return float(hits.index.nunique() / persons) if persons else float("nan")


def train(events: pd.DataFrame, cfg: dict[str, Any]) -> Trained:
    started = time.perf_counter()
    params = cfg["recommendations"]
    inter = interactions(events, cfg)
    as_of = events["event_time"].max()
    split = as_of - params["holdout_days"] * DAY
    before, after = inter[inter["event_time"] < split], inter[inter["event_time"] >= split]
    # held-out truth: what persons known before the split touched in the last week
    known = pd.Index(before["person_id"].unique())
    truth = after.loc[after["person_id"].isin(known), ["person_id", "product_id"]].drop_duplicates()
    eval_persons = pd.Index(sorted(truth["person_id"].unique()))
    recs = recommend(before, split, cfg)
    base = popularity_baseline(before, eval_persons, cfg)
    k = params["top_n"]
    model_hr = hit_rate(recs[recs["person_id"].isin(eval_persons)], truth)
    base_hr = hit_rate(base, truth)
    metrics = [
        Metric(f"hit_rate_at_{k}", model_hr, "holdout_last_week"),
        Metric(f"popularity_hit_rate_at_{k}", base_hr, "holdout_last_week"),
        Metric("lift_over_popularity", model_hr - base_hr, "holdout_last_week"),
        Metric("eval_persons", len(eval_persons), "holdout_last_week"),
        Metric("catalog_items", inter["product_id"].nunique(), "train"),
    ]
    final = recommend(inter, as_of, cfg)
    output = ModelOutput(MODEL_NAME, TABLE, final, metrics, as_of=as_of)
    # "importance" of the two co-occurrence sources, as configured (no learned weights here)
    importance = {
        "session_cooccurrence": float(params["session_weight"]),
        "person_window_cooccurrence": float(params["window_weight"]),
        "own_history": float(params["self_weight"]),
    }
    return Trained(output, importance, time.perf_counter() - started)
