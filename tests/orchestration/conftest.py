"""Fixtures for the Dagster code location: a private dbt target dir (so the repo's target/ is
never touched), the definitions imported against it, and isolated warehouses."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from orchestration.settings import REPO_ROOT
from tests.warehouse import TEST_SALT, Warehouse

FRESH_IMPORT = """
import json
from orchestration.definitions import defs
from orchestration.project import dbt_project
graph = defs.resolve_asset_graph()
print(json.dumps({
    "manifest": str(dbt_project.manifest_path),
    "jobs": sorted(job.name for job in defs.resolve_all_job_defs()),
    "assets": len(graph.get_all_asset_keys()),
}))
"""


@pytest.fixture(scope="session")
def dbt_target(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("dbt_target")


@pytest.fixture(scope="session")
def fresh_import(dbt_target: Path) -> subprocess.CompletedProcess[str]:
    """Import the definitions in a new process whose target dir holds no manifest, as on a
    fresh clone: project.py must parse the project itself."""
    env = {**os.environ, "DBT_TARGET_PATH": str(dbt_target)}
    env.pop("DAGSTER_IS_DEV_CLI", None)
    return subprocess.run(
        [sys.executable, "-c", FRESH_IMPORT], cwd=REPO_ROOT, env=env, capture_output=True,
        text=True, check=False, timeout=600,
    )


@pytest.fixture(scope="session")
def defs(fresh_import: subprocess.CompletedProcess[str], dbt_target: Path):
    """The code location, loaded in this process from the manifest the fresh import produced.
    DBT_TARGET_PATH stays set for the session: dagster-dbt puts each invocation's artifacts
    under it."""
    assert fresh_import.returncode == 0, fresh_import.stderr[-3000:]
    previous = os.environ.get("DBT_TARGET_PATH")
    os.environ["DBT_TARGET_PATH"] = str(dbt_target)
    from orchestration.definitions import defs as definitions

    yield definitions
    if previous is None:
        os.environ.pop("DBT_TARGET_PATH", None)
    else:
        os.environ["DBT_TARGET_PATH"] = previous


@pytest.fixture
def pipeline_env(
    warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Warehouse]:
    """Point the pipeline at the test's landing dir and warehouse. The fixture landing data is a
    catalogue of bad rows (9 of 12 on day one are quarantined on purpose), so the quarantine
    ceiling is raised for these tests; every other threshold is the shipped one."""
    config = yaml.safe_load((REPO_ROOT / "orchestration/checks/quality.yml").read_text())
    config["staging"]["max_quarantine_share"] = 0.8
    config_path = tmp_path / "quality.yml"
    config_path.write_text(yaml.safe_dump(config))
    settings = warehouse.settings
    monkeypatch.setenv("BEHAVIOR_RAW_DIR", str(settings.raw_dir))
    monkeypatch.setenv("BEHAVIOR_DUCKDB_PATH", str(settings.duckdb_path))
    monkeypatch.setenv("BEHAVIOR_PII_SALT", TEST_SALT)
    monkeypatch.setenv("BEHAVIOR_QUALITY_CONFIG", str(config_path))
    yield warehouse
