"""OneID accuracy on a generated data set, scored against the generator's ground truth.

Absolute pairwise recall and precision against the true persons, and no predicted person holding
identifiers of two true persons. The message carries the attainable and relative recall and the
breakdown of the pairs no resolver could link (grey persons' second devices, mostly).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.identity_accuracy import score
from tests.identity.landing import build_identity
from tests.warehouse import TEST_SALT, Warehouse

PRECISION_TARGET = 0.995
RECALL_TARGET = 0.95  # absolute; see docs/identity.md "Accuracy" for the unattainable rest
RELATIVE_RECALL_TARGET = 0.99


def _generator():
    try:
        from orchestration.sample_data import GeneratorConfig, generate
    except ImportError as error:  # the generator is being written in parallel
        pytest.skip(f"sample-data generator not available yet: {error}")
    return GeneratorConfig, generate


@pytest.mark.slow
def test_identity_accuracy_on_generated_data(warehouse: Warehouse, tmp_path: Path) -> None:
    generator_config, generate = _generator()
    truth_dir = tmp_path / "truth"
    generate(generator_config(events=30_000, days=10, seed=1, out_dir=warehouse.raw_dir,
                              truth_dir=truth_dir))
    build_identity(warehouse)
    accuracy = score(warehouse.settings.duckdb_path, truth_dir, TEST_SALT)
    assert accuracy.identifiers_scored > 1000
    assert accuracy.overmerged_persons == 0, accuracy
    assert accuracy.precision >= PRECISION_TARGET, accuracy
    assert accuracy.recall >= RECALL_TARGET, accuracy
    assert accuracy.relative_recall >= RELATIVE_RECALL_TARGET, accuracy
