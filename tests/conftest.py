from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.warehouse import Warehouse

# pytest-xdist workers run with a `__main__` that has neither __spec__ nor __file__; pyspark's
# `sql.connect` (imported by Great Expectations' pyspark shim once pyspark is installed) takes
# that for a doctest run without its extras and calls sys.exit(0) mid-import. Name the worker's
# main module so GX imports normally in the workers, as it does under `make run`.
if getattr(sys.modules["__main__"], "__spec__", None) is None and not hasattr(
    sys.modules["__main__"], "__file__"
):
    sys.modules["__main__"].__file__ = "<pytest-xdist worker>"

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
