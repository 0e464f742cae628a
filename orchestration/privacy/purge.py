"""Erasure outside dbt: ML score tables, audience export files and the webhook delivery log.

dbt removes an erased person from every relation it builds (audit_erased_subjects, the
privacy_purge_erased post-hooks). Three stores are written by Python and may hold the person
until their writer runs again: the `ml` schema tables, the export files under
BEHAVIOR_EXPORT_DIR and the SQLite delivery log. This purge removes the person's rows from them
(person ids matched by their erasure hash, sha256(salt|erased|person_id)), logs what it removed
in audit.audit_privacy_purge_log and adds it to audit.audit_privacy_requests.rows_touched.

Run after dbt (the Dagster asset `privacy/erasure_purge`, in `make run`), or by hand:
``python -m orchestration.privacy.purge``. It needs the warehouse's write lock.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from orchestration.delivery.exports import default_export_dir
from orchestration.delivery.webhooks import default_log_path
from orchestration.settings import Settings, load_settings

ML_SCHEMA = "ml"


def erasure_hash(salt: str, value: str) -> str:
    return hashlib.sha256(f"{salt}|erased|{value}".encode()).hexdigest()


def erased_subjects(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """subject hash -> erasure request id (empty before the first erasure)."""
    exists = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'audit' and table_name = 'audit_erased_subjects'"
    ).fetchone()
    if not exists or not exists[0]:
        return {}
    rows = con.execute(
        "select subject_hash, erasure_request_id from audit.audit_erased_subjects"
    ).fetchall()
    return dict(rows)


def erased_person_ids(salt: str, subjects: dict[str, str], person_ids: set[str]) -> dict[str, str]:
    """The given person ids that are erased: person id -> erasure request id."""
    found = {}
    for person_id in person_ids:
        request = subjects.get(erasure_hash(salt, person_id))
        if request is not None:
            found[person_id] = request
    return found


def purge_ml_tables(
    con: duckdb.DuckDBPyConnection, salt: str, subjects: dict[str, str]
) -> Counter[tuple[str, str]]:
    """Delete erased persons' rows from every `ml` table with a person_id column."""
    touched: Counter[tuple[str, str]] = Counter()
    tables = con.execute(
        "select table_name from information_schema.columns "
        "where table_schema = ? and column_name = 'person_id'",
        [ML_SCHEMA],
    ).fetchall()
    for (table,) in tables:
        relation = f'{ML_SCHEMA}."{table}"'
        ids = {r[0] for r in con.execute(f"select distinct person_id from {relation}").fetchall()}
        erased = erased_person_ids(salt, subjects, {i for i in ids if i is not None})
        for person_id, request in erased.items():
            n = con.execute(
                f"select count(*) from {relation} where person_id = ?", [person_id]
            ).fetchone()[0]
            con.execute(f"delete from {relation} where person_id = ?", [person_id])
            touched[(request, f"{ML_SCHEMA}.{table}")] += n
    return touched


def purge_exports(
    export_dir: Path, salt: str, subjects: dict[str, str]
) -> Counter[tuple[str, str]]:
    """Rewrite every audience export that lists an erased person, without that person."""
    touched: Counter[tuple[str, str]] = Counter()
    if not export_dir.is_dir():
        return touched
    for parquet in sorted(export_dir.glob("*/members.parquet")):
        members = pq.read_table(parquet)
        ids = set(members.column("person_id").to_pylist())
        erased = erased_person_ids(salt, subjects, {i for i in ids if i is not None})
        if not erased:
            continue
        keep = pc.invert(pc.is_in(members.column("person_id"), pa.array(sorted(erased))))
        kept = members.filter(keep)
        for person_id in erased:
            n = members.num_rows - members.filter(
                pc.not_equal(members.column("person_id"), person_id)
            ).num_rows
            touched[(erased[person_id], f"exports/{parquet.parent.name}")] += n
        _rewrite_export(parquet.parent, kept)
    return touched


def _rewrite_export(folder: Path, members: pa.Table) -> None:
    pq.write_table(members, folder / "members.parquet")
    pacsv.write_csv(members, folder / "members.csv")
    manifest_path = folder / "manifest.json"
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        groups = members.column("audience_group").to_pylist()
        manifest.update(
            count=members.num_rows,
            test_count=groups.count("test"),
            holdout_count=groups.count("holdout"),
        )
        manifest_path.write_text(
            json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )


def purge_delivery_log(
    log_path: Path, salt: str, subjects: dict[str, str]
) -> Counter[tuple[str, str]]:
    """Delete erased persons' actions (payloads included) from the webhook delivery log."""
    touched: Counter[tuple[str, str]] = Counter()
    if not log_path.exists():
        return touched
    con = sqlite3.connect(str(log_path), timeout=30)
    try:
        ids = {r[0] for r in con.execute("select distinct person_id from deliveries")}
        erased = erased_person_ids(salt, subjects, ids)
        with con:
            for person_id, request in erased.items():
                cur = con.execute("delete from deliveries where person_id = ?", (person_id,))
                touched[(request, "delivery_log.deliveries")] += cur.rowcount
    finally:
        con.close()
    return touched


def record(con: duckdb.DuckDBPyConnection, touched: Counter[tuple[str, str]]) -> None:
    """Log the purge and add it to the requests' rows_touched."""
    now = datetime.now(UTC).replace(tzinfo=None)
    for (request, relation), n in sorted(touched.items()):
        con.execute(
            "insert into audit.audit_privacy_purge_log (erasure_request_id, relation_name,"
            " action, rows_touched, purged_at, run_id) values (?, ?, 'deleted', ?, ?, 'python')",
            [request, relation, n, now],
        )
        con.execute(
            "update audit.audit_privacy_requests set rows_touched = rows_touched + ?"
            " where request_id = ?",
            [n, request],
        )


def purge(
    settings: Settings | None = None,
    export_dir: Path | None = None,
    log_path: Path | None = None,
) -> Counter[tuple[str, str]]:
    """Purge every erased person from the Python-written stores; returns rows per
    (request, store)."""
    settings = settings or load_settings()
    if not settings.duckdb_path.exists():
        return Counter()
    with duckdb.connect(str(settings.duckdb_path)) as con:
        subjects = erased_subjects(con)
        if not subjects:
            return Counter()
        touched = purge_ml_tables(con, settings.pii_salt, subjects)
        touched += purge_exports(export_dir or default_export_dir(), settings.pii_salt, subjects)
        touched += purge_delivery_log(
            log_path or default_log_path(settings), settings.pii_salt, subjects
        )
        record(con, touched)
    return touched


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exports", type=Path, default=None, help="export dir")
    parser.add_argument("--delivery-log", type=Path, default=None, help="SQLite delivery log")
    args = parser.parse_args(argv)
    touched = purge(export_dir=args.exports, log_path=args.delivery_log)
    for (request, store), n in sorted(touched.items()):
        print(f"{request} {store}: {n} rows removed")
    print(f"{sum(touched.values())} rows removed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
