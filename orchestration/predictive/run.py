"""One model run end to end: read the marts, train, write scores + metrics. No Dagster here, so
tests and notebooks can call it directly."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from orchestration.predictive import anomaly, churn, propensity, recommendations, truth
from orchestration.predictive.config import load_config
from orchestration.predictive.split import InsufficientHistory
from orchestration.predictive.store import Metric, ModelOutput, read_events, write_output

MODELS = ("churn", "propensity", "recommendations", "anomaly")
# The columns of each score table, so that a skipped model still leaves a readable empty table.
EMPTY_SCORES: dict[str, list[str]] = {
    "churn": ["person_id", "churn_score", "in_population", "scored_at", "as_of"],
    "propensity": ["person_id", "propensity_score", "in_population", "scored_at", "as_of"],
}
TABLES = {
    "churn": churn.TABLE,
    "propensity": propensity.TABLE,
    "recommendations": recommendations.TABLE,
    "anomaly": anomaly.TABLE,
}


@dataclass
class RunResult:
    model_name: str
    output: ModelOutput
    importance: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0
    details: dict[str, Any] = field(default_factory=dict)

    def metrics(self) -> dict[str, float]:
        return {m.metric: round(float(m.value), 6) for m in self.output.metrics}


def _train(
    model_name: str, events: pd.DataFrame, cfg: dict[str, Any], truth_dir: Path | None
) -> RunResult:
    if model_name in ("churn", "propensity"):
        module = churn if model_name == "churn" else propensity
        try:
            trained = module.train(events, cfg)
        except InsufficientHistory as exc:
            # Too few days for an honest time split: leave an empty table and say why,
            # rather than fail the whole warehouse run.
            empty = pd.DataFrame(columns=EMPTY_SCORES[model_name])
            output = ModelOutput(
                model_name,
                TABLES[model_name],
                empty,
                [Metric("insufficient_history", 1.0, "none")],
                as_of=events["event_time"].max(),
            )
            return RunResult(model_name, output, details={"skipped": str(exc)})
        cut = trained.cutoffs
        return RunResult(
            model_name,
            trained.output,
            trained.importance,
            trained.seconds,
            {
                "train_cutoffs": [str(c) for c in cut.train],
                "evaluate_cutoff": str(cut.evaluate),
                "score_cutoff": str(cut.score),
            },
        )
    if model_name == "recommendations":
        trained = recommendations.train(events, cfg)
        return RunResult(model_name, trained.output, trained.importance, trained.seconds)
    if model_name == "anomaly":
        bursts = truth.load_bursts(truth_dir) if truth_dir is not None else None
        trained = anomaly.train(events, cfg)
        if bursts is not None:
            trained.output.metrics += truth.fraud_metrics(trained.sessions, bursts)
        return RunResult(
            model_name,
            trained.output,
            trained.importance,
            trained.seconds,
            {"scored_against_truth": bursts is not None},
        )
    raise ValueError(f"unknown model {model_name!r}; one of {MODELS}")


def run_model(
    model_name: str, db_path: Path, truth_dir: Path | None = None, config_path: Path | None = None
) -> RunResult:
    cfg = load_config(config_path)
    events = read_events(db_path)  # read-only connection, closed before the write below
    result = _train(model_name, events, cfg, truth_dir)
    trained_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    write_output(db_path, cfg["schema"], result.output, trained_at)
    return result
