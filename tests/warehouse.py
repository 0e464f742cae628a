"""Test helpers: build the warehouse for a landing directory in a temporary place and read it."""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.dbt_cli import run_dbt
from orchestration.settings import Settings

TEST_SALT = "test-salt"

# dbt parses the whole project (~10 s of CPU) whenever it finds no partial-parse file made for
# the same connection settings and the same env vars of dbt_project.yml -- both contain the
# warehouse path and the landing dir, which differ for every test warehouse. So dbt always sees
# one fixed path per test process (a symlink re-pointed to the warehouse being built; the tests
# of one process run one after another) and each warehouse starts from the partial-parse file
# the last run with the same --vars left. The data and what dbt does with it are unchanged; the
# relation names do not change either (the file name stays warehouse.duckdb).
_ALIAS_HOME = Path(tempfile.gettempdir()) / f"behavior-test-dbt-{os.getpid()}"
_ALIAS = _ALIAS_HOME / "wh"
_PARSE_CACHE = _ALIAS_HOME / "partial_parse"


def _point_alias(root: Path) -> Path:
    """Point this process's fixed warehouse path at `root`; return the fixed path."""
    if not _ALIAS_HOME.exists():
        _PARSE_CACHE.mkdir(parents=True)
        atexit.register(shutil.rmtree, _ALIAS_HOME, True)
    if _ALIAS.is_symlink() and os.readlink(_ALIAS) == str(root):
        return _ALIAS
    staged = _ALIAS_HOME / "wh.new"
    staged.unlink(missing_ok=True)
    staged.symlink_to(root, target_is_directory=True)
    os.replace(staged, _ALIAS)
    return _ALIAS


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
        self.root.mkdir(parents=True, exist_ok=True)
        alias = _point_alias(self.root.resolve())
        settings = Settings(
            raw_dir=alias / self.raw_dir.relative_to(self.root),
            duckdb_path=alias / self.settings.duckdb_path.relative_to(self.root),
            pii_salt=self.settings.pii_salt,
        )
        target = self.root / "target"
        parsed = target / "partial_parse.msgpack"
        key = hashlib.sha256(json.dumps(dbt_vars or {}, sort_keys=True).encode()).hexdigest()
        cached = _PARSE_CACHE / f"{key[:16]}.msgpack"
        if cached.exists():
            target.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(cached, parsed)
        try:
            run_dbt(settings, list(args), dbt_vars=dbt_vars, target_path=target, quiet=True)
        finally:
            if parsed.exists():
                shutil.copyfile(parsed, cached)

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
