from __future__ import annotations

import fcntl
import os
import shutil
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
    tests that score against the generator's truth). Built once per test run: under pytest-xdist
    the first worker that needs it builds it in the run's shared temp folder while the others
    wait on a file lock; the tests only read it (read-only connections, copies for writers)."""
    from orchestration.sample_data import GeneratorConfig, generate

    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    wh = Warehouse(shared / "sample")
    built = wh.root / ".built"
    with (shared / "sample.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not built.exists():
            shutil.rmtree(wh.root, ignore_errors=True)  # what a failed build left
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
            built.touch()
    return wh


# Files that run longest go first, so that with `pytest -n 2 --dist loadfile
# --no-loadscope-reorder` (make test) neither worker is left with a long file at the end: the
# Spark parity test (minutes of JVM) starts at once beside the rest; then the file that builds
# the shared sample warehouse, so it is ready when the other files that read it come up.
RUN_FIRST = (
    "tests/spark/test_spark_parity.py",
    "tests/staging/test_sample_accounting.py",
    "tests/privacy/test_erasure.py",
    "tests/sessions/test_incremental_equals_full.py",
    "tests/identity/test_identity_scenarios.py",
    "tests/privacy/test_consent_retention.py",
    "tests/activation/test_triggers.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {path: i for i, path in enumerate(RUN_FIRST)}
    items.sort(key=lambda item: rank.get(item.location[0], len(RUN_FIRST)))
