"""All four models trained on the 60-day sample: metrics recorded, targets met."""

from __future__ import annotations

import pandas as pd
import pytest

from orchestration.predictive.config import load_config
from orchestration.predictive.run import MODELS, RunResult, run_model
from tests.warehouse import Warehouse

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def results(predictive_warehouse: Warehouse) -> dict[str, RunResult]:
    wh = predictive_warehouse
    return {name: run_model(name, wh.settings.duckdb_path, wh.truth_dir) for name in MODELS}


def _recorded(wh: Warehouse, model: str) -> dict[str, float]:
    """The metrics of the model's latest training run, as stored in ml.ml_model_metrics."""
    latest = f"(select max(trained_at) from ml.ml_model_metrics where model_name = '{model}')"
    return dict(
        wh.query(
            "select metric, value from ml.ml_model_metrics "
            f"where model_name = '{model}' and trained_at = {latest}"
        )
    )


def test_metrics_are_recorded(results: dict[str, RunResult], predictive_warehouse: Warehouse):
    wh = predictive_warehouse
    columns = {r[0] for r in wh.query("describe ml.ml_model_metrics")}
    assert {"model_name", "metric", "value", "trained_at", "dataset", "as_of"} <= columns
    for name, result in results.items():
        recorded = _recorded(wh, name)
        # the asset metadata carry the metrics rounded to 6 decimals
        assert recorded == pytest.approx(result.metrics(), abs=1e-6), name


def test_churn_meets_auc_target(results: dict[str, RunResult], predictive_warehouse: Warehouse):
    """The issue's target, ROC-AUC >= 0.75 on a 14-day horizon. Measured 0.764 on this fixture
    (seed 11), 0.789 and 0.765 on seeds 12 and 13, 0.791 on the 30-day `make run` sample."""
    metrics = _recorded(predictive_warehouse, "churn")
    assert metrics["roc_auc"] >= 0.75
    # PR-AUC above the base rate: the ranking is better than chance on the positive class too
    assert metrics["pr_auc"] > metrics["eval_positive_rate"]
    # evaluated on the full horizon, trained on the shorter one
    assert metrics["horizon_days"] == 14 and metrics["train_horizon_days"] == 7
    # the model sees the configured features only
    features = load_config()["classifiers"]["churn"]["features"]
    assert set(results["churn"].importance) == set(features)


def test_churn_time_split_has_no_overlap(results: dict[str, RunResult]):
    details = results["churn"].details
    assert max(details["train_cutoffs"]) < details["evaluate_cutoff"] < details["score_cutoff"]


def test_propensity_is_better_than_chance(
    results: dict[str, RunResult], predictive_warehouse: Warehouse
):
    metrics = _recorded(predictive_warehouse, "propensity")
    assert metrics["roc_auc"] >= 0.65
    assert metrics["pr_auc"] > 2 * metrics["eval_positive_rate"]


def test_recommendations_beat_popularity(
    predictive_warehouse: Warehouse, results: dict[str, RunResult]
):
    metrics = _recorded(predictive_warehouse, "recommendations")
    assert metrics["hit_rate_at_10"] > metrics["popularity_hit_rate_at_10"]


def test_recommendations_exclude_purchases(
    predictive_warehouse: Warehouse, results: dict[str, RunResult]
):
    bought_again = predictive_warehouse.query(
        "select count(*) from ml.ml_recommendations r join marts.fct_events e "
        "on e.person_id = r.person_id and e.product_id = r.product_id "
        "and e.event_name = 'purchase'"
    )[0][0]
    assert bought_again == 0
    top = predictive_warehouse.query(
        "select max(rank), count(*) / count(distinct person_id) from ml.ml_recommendations"
    )[0]
    assert top[0] == 10


def test_fraud_precision_recall_floors(
    predictive_warehouse: Warehouse, results: dict[str, RunResult]
):
    """Planted bursts are 200-600 events in ~4 minutes (>= 50 a minute) or >= 8 orders within
    minutes; human sessions on the sample stay under 15 events a minute and 1 order an hour (99.9th
    percentile 12 and 1). So the rules must find every burst, with nothing else: recall 1,
    rule precision >= 0.9. The forest's top 0.1% of eligible sessions (about 4 here) count only
    with a rate past the softer `corroborate` limits (20 events a minute, 2 orders an hour): its
    outliers with human rates are not flagged, so the combined precision stays >= 0.9 too (it
    was 0.75 when every forest outlier was flagged)."""
    m = _recorded(predictive_warehouse, "anomaly")
    assert m["planted_bursts"] >= 1
    assert m["recall"] == 1.0
    assert m["rules_recall"] == 1.0
    assert m["rules_precision"] >= 0.9
    assert m["precision"] >= 0.9
    # the forest did find outliers; the ones it flags are corroborated fraud
    assert m["forest_outlier_sessions"] > m["forest_flagged_sessions"] >= 1
    assert m["forest_precision"] >= 0.9


def test_score_tables_cover_persons(predictive_warehouse: Warehouse, results: dict[str, RunResult]):
    wh = predictive_warehouse
    persons = wh.query("select count(distinct person_id) from marts.fct_events")[0][0]
    for table, column in (
        ("ml_churn_scores", "churn_score"),
        ("ml_propensity_scores", "propensity_score"),
    ):
        n, lo, hi, nulls = wh.query(
            f"select count(*), min({column}), max({column}), count(*) - count({column}) "
            f"from ml.{table}"
        )[0]
        assert n == persons and 0 <= lo <= hi <= 1 and nulls == 0, table


def test_short_history_leaves_an_empty_table(predictive_warehouse: Warehouse):
    """14 days cannot hold history + a 14-day training label + a 14-day evaluation label: the
    churn model is skipped with a reason instead of failing the warehouse run."""
    from orchestration.predictive.config import load_config
    from orchestration.predictive.run import _train
    from orchestration.predictive.store import read_events

    events = read_events(predictive_warehouse.settings.duckdb_path)
    short = events[events["event_time"] < events["event_time"].min() + pd.Timedelta(days=14)]
    result = _train("churn", short, load_config(), None)
    assert result.output.scores.empty
    assert "churn_score" in result.output.scores.columns
    assert "skipped" in result.details
    assert result.metrics() == {"insufficient_history": 1.0}
