"""Where things are: the repo root, the landing directory, the warehouse file, the PII salt.

The environment variables are the public interface (see the README); relative paths are taken
relative to the repo root so that every entry point (make, dbt, Dagster, tests) agrees.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEVELOPMENT_SALT = "behavior-warehouse-DEVELOPMENT-salt-change-me"


def _resolve(value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else REPO_ROOT / path


@dataclass(frozen=True)
class Settings:
    raw_dir: Path
    duckdb_path: Path
    pii_salt: str

    @property
    def truth_dir(self) -> Path:
        """The generator's ground truth, beside the landing directory (no model reads it)."""
        return self.raw_dir.parent / "truth"

    @property
    def uses_development_salt(self) -> bool:
        return self.pii_salt == DEVELOPMENT_SALT

    def dbt_env(self) -> dict[str, str]:
        """The environment a dbt process needs to see these settings."""
        env = dict(os.environ)
        env["BEHAVIOR_RAW_DIR"] = str(self.raw_dir)
        env["BEHAVIOR_DUCKDB_PATH"] = str(self.duckdb_path)
        env["BEHAVIOR_PII_SALT"] = self.pii_salt
        return env


def load_settings() -> Settings:
    return Settings(
        raw_dir=_resolve(os.environ.get("BEHAVIOR_RAW_DIR", "data/raw")),
        duckdb_path=_resolve(os.environ.get("BEHAVIOR_DUCKDB_PATH", "warehouse/behavior.duckdb")),
        pii_salt=os.environ.get("BEHAVIOR_PII_SALT", DEVELOPMENT_SALT),
    )
