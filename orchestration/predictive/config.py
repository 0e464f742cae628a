"""The predictive configuration (config.yml, or the file BEHAVIOR_PREDICTIVE_CONFIG names)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

DEFAULT_CONFIG = Path(__file__).with_name("config.yml")


def load_config(path: Path | None = None) -> dict[str, Any]:
    """Read at each run (not at import) so a changed horizon applies without reloading Dagster."""
    chosen = path or Path(os.environ.get("BEHAVIOR_PREDICTIVE_CONFIG", DEFAULT_CONFIG))
    with chosen.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)
