"""Scoring the fraud flags against the sample generator's planted bursts (truth/fraud_bursts.csv).

Only the generated sample has a truth directory; on real data there is nothing to score and no
precision/recall is recorded. The burst's client id is the warehouse's client_key as is: the
generator plants bursts on web (anonymous id), app (device id) and mini-program (openid)
clients, none of which is hashed.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from orchestration.predictive.store import Metric


def load_bursts(truth_dir: Path) -> pd.DataFrame | None:
    path = truth_dir / "fraud_bursts.csv"
    if not path.is_file():
        return None
    bursts = pd.read_csv(path)
    for column in ("start", "end"):
        bursts[column] = pd.to_datetime(bursts[column], utc=True).dt.tz_localize(None)
    return bursts


def fraud_sessions(sessions: pd.DataFrame, bursts: pd.DataFrame) -> pd.Series:
    """True for the sessions of a burst's client that overlap the burst's time span."""
    s = sessions.reset_index()[["session_id", "client_key", "window_start", "window_end"]]
    m = s.merge(bursts, left_on="client_key", right_on="client_id")
    overlap = (m["window_start"] <= m["end"]) & (m["window_end"] >= m["start"])
    hit = set(m.loc[overlap, "session_id"])
    return sessions.index.to_series().isin(hit)


def fraud_metrics(sessions: pd.DataFrame, bursts: pd.DataFrame) -> list[Metric]:
    truth = fraud_sessions(sessions, bursts)
    out = [
        Metric("planted_bursts", len(bursts), "truth"),
        Metric("fraud_sessions", int(truth.sum()), "truth"),
    ]
    for name, flag in (
        ("", sessions["is_flagged"]),
        ("rules_", sessions["rule_flag"]),
        ("forest_", sessions["forest_flag"]),
    ):
        tp = int((flag & truth).sum())
        precision = tp / int(flag.sum()) if flag.any() else 0.0
        recall = tp / int(truth.sum()) if truth.any() else float("nan")
        out += [
            Metric(f"{name}precision", precision, "truth_sessions"),
            Metric(f"{name}recall", recall, "truth_sessions"),
        ]
    return out
