"""The one dbt project the code location is built from, and its manifest.

Cached at import: every module (assets, checks, resources, jobs) shares this object so the
manifest is read once. The manifest is (re)produced by `dbt parse` under `dagster dev`
(`prepare_if_dev`) and whenever it is missing, so `defs` imports on a fresh clone.
`DBT_TARGET_PATH` (dbt's own variable) moves the target directory, which keeps tests and manual
runs from touching the repo's `target/`.
"""

from __future__ import annotations

import json
import os
import sys
from functools import cache
from pathlib import Path
from typing import Any

from dagster_dbt import DbtProject
from dagster_dbt.dbt_project import using_dagster_dev

from orchestration.settings import REPO_ROOT

# dagster-dbt runs the `dbt` it finds on PATH (its project preparer takes no executable): put
# this interpreter's environment first, so `make` targets that call .venv/bin/python directly,
# without activating the venv, run the pinned dbt.
_VENV_BIN = str(Path(sys.executable).parent)
if os.environ.get("PATH", "").split(os.pathsep)[0] != _VENV_BIN:
    os.environ["PATH"] = os.pathsep.join([_VENV_BIN, os.environ.get("PATH", "")])

# Each layer op builds its folder selection. dbt's default (eager) indirect selection would also
# run a test of a later layer that merely touches a selected model (a relationships test from
# dim_person_profile to dim_persons, run by the identity op before the profile exists);
# `buildable` runs a test once all its parents are selected or upstream of the selection.
os.environ.setdefault("DBT_INDIRECT_SELECTION", "buildable")


def _target_path() -> Path:
    return Path(os.environ.get("DBT_TARGET_PATH", "target"))


dbt_project = DbtProject(project_dir=REPO_ROOT, profiles_dir=REPO_ROOT, target_path=_target_path())
_parsed_in_this_process: list[bool] = []


@cache
def manifest() -> dict[str, Any]:
    return json.loads(dbt_project.manifest_path.read_text())


def parse_project() -> None:
    """`dbt parse` into the target dir, once per process. `make run` calls it before loading
    the definitions: a manifest left by an older checkout would miss new models."""
    if not _parsed_in_this_process:
        dbt_project.preparer.prepare(dbt_project)
        _parsed_in_this_process.append(True)
        manifest.cache_clear()


if using_dagster_dev():
    dbt_project.prepare_if_dev()  # re-parses on every code location load under `dagster dev`
    _parsed_in_this_process.append(True)
elif not dbt_project.manifest_path.exists():
    parse_project()  # a fresh clone has no manifest yet


def model_names() -> set[str]:
    return {
        node["name"]
        for node in manifest()["nodes"].values()
        if node["resource_type"] in ("model", "seed", "snapshot")
    }


def has_models(*names: str) -> bool:
    """True when every named model is in the manifest (checks attach only to models that exist)."""
    return set(names) <= model_names()
