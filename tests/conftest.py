from __future__ import annotations

from pathlib import Path

import pytest

from tests.warehouse import Warehouse

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    """An empty landing dir and warehouse for one test."""
    wh = Warehouse(tmp_path)
    wh.raw_dir.mkdir(parents=True)
    return wh


SAMPLE_EVENTS = 20_000
SAMPLE_DAYS = 14
SAMPLE_SEED = 11


@pytest.fixture(scope="session")
def sample_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """The whole project built once on a generated sample with its ground truth (shared by the
    tests that score against the generator's truth)."""
    from orchestration.sample_data import GeneratorConfig, generate

    wh = Warehouse(tmp_path_factory.mktemp("sample"))
    generate(
        GeneratorConfig(
            events=SAMPLE_EVENTS,
            days=SAMPLE_DAYS,
            seed=SAMPLE_SEED,
            out_dir=wh.raw_dir,
            truth_dir=wh.truth_dir,
        )
    )
    wh.build()
    return wh
