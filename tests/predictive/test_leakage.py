"""No leakage: features at a cutoff ignore later events; the time split never overlaps."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from orchestration.predictive.config import load_config
from orchestration.predictive.features import person_features, population
from orchestration.predictive.split import InsufficientHistory, plan_cutoffs

START = pd.Timestamp("2026-10-01")
CUTOFF = START + pd.Timedelta(days=30)
NAMES = ["page_view", "view_item", "add_to_cart", "purchase", "search", "device_heartbeat"]


def synthetic_events(n: int, start: pd.Timestamp, days: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    person = rng.integers(0, 40, n)
    name = rng.choice(NAMES, n)
    is_buy = name == "purchase"
    return pd.DataFrame(
        {
            "event_id": [f"e{seed}_{i}" for i in range(n)],
            "person_id": [f"p{p}" for p in person],
            "client_key": [f"c{p % 50}" for p in person],
            "session_id": [f"s{seed}_{i // 5}" for i in range(n)],
            "event_name": name,
            "event_time": start + pd.to_timedelta(rng.random(n) * days, unit="D"),
            "product_id": np.where(
                name == "page_view", None, [f"sku{k}" for k in rng.integers(0, 30, n)]
            ),
            "category": [f"cat{k}" for k in rng.integers(0, 5, n)],
            "price": rng.random(n) * 100,
            "revenue": np.where(is_buy, rng.random(n) * 100, np.nan),
            "order_id": np.where(is_buy, [f"o{seed}_{i}" for i in range(n)], None),
            "coupon": None,
            "discount": np.nan,
            "user_id": np.where(rng.random(n) < 0.3, "u", None),
            "channel": rng.choice(["web", "app"], n),
        }
    )


def test_features_ignore_events_after_the_cutoff():
    cfg = load_config()
    before = synthetic_events(3000, START, 30, seed=1)
    later = synthetic_events(3000, CUTOFF, 20, seed=2)  # the future, incl. new persons' events
    both = pd.concat([before, later], ignore_index=True).sample(frac=1, random_state=0)
    args = (cfg["non_activity_events"], cfg["purchase_events"])
    persons = population(before, CUTOFF, 42, cfg["non_activity_events"])
    assert len(persons) > 30
    assert persons.equals(population(both, CUTOFF, 42, cfg["non_activity_events"]))
    pd.testing.assert_frame_equal(
        person_features(before, CUTOFF, persons, *args),
        person_features(both, CUTOFF, persons, *args),
    )


def test_an_event_at_the_cutoff_is_the_future():
    cfg = load_config()
    before = synthetic_events(500, START, 30, seed=3)
    at_cutoff = before.head(1).assign(event_time=CUTOFF, event_id="at_cutoff")
    args = (cfg["non_activity_events"], cfg["purchase_events"])
    persons = population(before, CUTOFF, 42, cfg["non_activity_events"])
    pd.testing.assert_frame_equal(
        person_features(before, CUTOFF, persons, *args),
        person_features(pd.concat([before, at_cutoff]), CUTOFF, persons, *args),
    )


@pytest.mark.parametrize(("horizon", "train_horizon"), [(7, None), (14, None), (14, 7)])
def test_training_labels_end_before_evaluation(horizon: int, train_horizon: int | None):
    as_of = START + pd.Timedelta(days=60)
    cut = plan_cutoffs(
        START, as_of, horizon, train_cutoffs=8, step_days=3, min_history_days=1,
        train_horizon_days=train_horizon,
    )  # fmt: skip
    window = pd.Timedelta(days=horizon)
    train_window = pd.Timedelta(days=train_horizon or horizon)
    assert len(cut.train) == 8
    assert max(cut.train) + train_window == cut.evaluate
    assert all(t + train_window <= cut.evaluate for t in cut.train)
    assert cut.evaluate + window <= as_of == cut.score
    assert all(t - START >= pd.Timedelta(days=1) for t in cut.train)


def test_a_shorter_training_horizon_fits_more_cutoffs_in_30_days():
    """30 days, a 14-day horizon: 14-day training labels leave one cutoff with ~1 day of history
    (day 2); 7-day ones leave cutoffs on days 9, 7, 5, 3 and 1."""
    as_of = START + pd.Timedelta(days=30)
    full = plan_cutoffs(START, as_of, 14, 12, 2, 1)
    short = plan_cutoffs(START, as_of, 14, 12, 2, 1, train_horizon_days=7)
    day = pd.Timedelta(days=1)
    assert full.train == (START + 2 * day,)
    assert short.train == tuple(START + d * day for d in (9, 7, 5, 3, 1))
    assert short.evaluate == full.evaluate == START + 16 * day


def test_too_short_data_is_refused():
    with pytest.raises(InsufficientHistory):
        plan_cutoffs(START, START + pd.Timedelta(days=14), 14, 3, 7, 1)
