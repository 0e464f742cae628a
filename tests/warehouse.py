"""Test helpers: build the warehouse for a landing directory in a temporary place and read it."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.dbt_cli import run_dbt
from orchestration.settings import Settings

TEST_SALT = "test-salt"


@dataclass
class Warehouse:
    """A landing dir + warehouse file + dbt target dir, all under one temporary folder."""

    root: Path

    @property
    def raw_dir(self) -> Path:
        return self.root / "raw"

    @property
    def truth_dir(self) -> Path:
        """Where the sample generator writes its ground truth (no model reads it)."""
        return self.root / "truth"

    @property
    def settings(self) -> Settings:
        return Settings(
            raw_dir=self.raw_dir, duckdb_path=self.root / "warehouse.duckdb", pii_salt=TEST_SALT
        )

    def dbt(self, *args: str, dbt_vars: dict | None = None) -> None:
        run_dbt(
            self.settings,
            list(args),
            dbt_vars=dbt_vars,
            target_path=self.root / "target",
            quiet=True,
        )

    def build(
        self,
        *select: str,
        full_refresh: bool = False,
        dbt_vars: dict | None = None,
        with_tests: bool = True,
    ) -> None:
        """`dbt build` of the selection; without tests when only the models' rows matter (the
        dbt data and unit tests run on every full build, e.g. the sample_warehouse fixture)."""
        args = ["build"]
        if select:
            args += ["--select", *select]
        if not with_tests:
            args += ["--exclude-resource-type", "test", "unit_test"]
        if full_refresh:
            args.append("--full-refresh")
        self.dbt(*args, dbt_vars=dbt_vars)

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.settings.duckdb_path), read_only=True) as con:
            return con.execute(sql).fetchall()

    def query_df(self, sql: str):
        with duckdb.connect(str(self.settings.duckdb_path), read_only=True) as con:
            return con.execute(sql).df()

    def land(self, source: Path, subdir: str = "events") -> Path:
        """Copy a file into the landing directory, as a collector would deliver it."""
        target = self.raw_dir / subdir / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        return target


def pii_hash(normalized_value: str, salt: str = TEST_SALT) -> str:
    """The warehouse's hash of a normalized personal value, computed independently."""
    return hashlib.sha256(f"{salt}|{normalized_value}".encode()).hexdigest()
