"""Running dbt as a subprocess from the repo root with the warehouse settings.

A subprocess (not the in-process dbtRunner) so that every invocation starts clean and no DuckDB
connection outlives the run: DuckDB allows one writer per file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from orchestration.settings import REPO_ROOT, Settings


class DbtError(RuntimeError):
    pass


def dbt_executable() -> str:
    return str(Path(sys.executable).with_name("dbt"))


def run_dbt(
    settings: Settings,
    args: list[str],
    *,
    dbt_vars: dict | None = None,
    target_path: Path | None = None,
    quiet: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run `dbt <args>`; raise DbtError with dbt's output when it fails."""
    settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    command = [
        dbt_executable(),
        *args,
        "--project-dir",
        str(REPO_ROOT),
        "--profiles-dir",
        str(REPO_ROOT),
    ]
    if dbt_vars:
        command += ["--vars", json.dumps(dbt_vars)]
    if target_path is not None:
        command += ["--target-path", str(target_path)]
    env = settings.dbt_env()
    # A selected build runs only the tests whose every parent is selected: a relationships test
    # from a model outside the selection would otherwise run against a table not built yet.
    env.setdefault("DBT_INDIRECT_SELECTION", "cautious")
    result = subprocess.run(
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False
    )
    if not quiet:
        sys.stdout.write(result.stdout)
    if result.returncode != 0:
        raise DbtError(f"dbt {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result
