"""Loading the thresholds of the quality checks from quality.yml (or BEHAVIOR_QUALITY_CONFIG)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

DEFAULT_CONFIG = Path(__file__).with_name("quality.yml")


def config_path() -> Path:
    return Path(os.environ.get("BEHAVIOR_QUALITY_CONFIG", DEFAULT_CONFIG))


def load_config() -> dict[str, Any]:
    """Read at definition time (blocking flags) and again when a check runs (thresholds), so a
    changed threshold applies to the next run without reloading the code location."""
    return yaml.safe_load(config_path().read_text())
