"""The erasure purge of the Python-written stores (ML tables, export files, delivery log), on a
hand-made warehouse file: no dbt needed."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from orchestration.delivery.webhooks import LOG_SCHEMA
from orchestration.privacy.purge import purge
from orchestration.settings import Settings

SALT = "purge-test-salt"


def _erasure_hash(value: str) -> str:
    return hashlib.sha256(f"{SALT}|erased|{value}".encode()).hexdigest()


def _warehouse(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema audit; create schema ml")
        con.execute(
            "create table audit.audit_erased_subjects as select * from (values "
            f"('{_erasure_hash('p_gone')}', 'person_id', 'req-1'), "
            f"('{_erasure_hash('u-gone')}', 'user_id', 'req-1')) "
            "as t(subject_hash, identifier_type, erasure_request_id)"
        )
        con.execute(
            "create table audit.audit_privacy_purge_log (erasure_request_id varchar, "
            "relation_name varchar, action varchar, rows_touched bigint, purged_at timestamp, "
            "run_id varchar)"
        )
        con.execute(
            "create table audit.audit_privacy_requests as "
            "select 'req-1' as request_id, cast(20 as bigint) as rows_touched"
        )
        con.execute(
            "create table ml.ml_churn_scores as select * from (values "
            "('p_gone', 0.9), ('p_stay', 0.1)) as t(person_id, score)"
        )
        con.execute(
            "create table ml.ml_recommendations as select * from (values "
            "('p_gone', 'a'), ('p_gone', 'b'), ('p_stay', 'a')) as t(person_id, product_id)"
        )
        con.execute("create table ml.ml_model_metrics as select 'churn' as model_name")


def _export(folder: Path) -> None:
    folder.mkdir(parents=True)
    members = pa.table({
        "person_id": ["p_gone", "p_stay", "p_other"],
        "audience_group": ["test", "holdout", "test"],
        "phone_hashes": [None, None, None],
        "email_hashes": [None, None, None],
    })
    pq.write_table(members, folder / "members.parquet")
    pacsv.write_csv(members, folder / "members.csv")
    (folder / "manifest.json").write_text(json.dumps({"count": 3, "test_count": 2}))


def _delivery_log(path: Path) -> None:
    con = sqlite3.connect(str(path))
    con.executescript(LOG_SCHEMA)
    for action, person in [("a1", "p_gone"), ("a2", "p_gone"), ("a3", "p_stay")]:
        con.execute(
            "insert into deliveries (action_id, endpoint, rule_name, person_id, payload, state,"
            " enqueued_at) values (?, 'crm', 'cart_abandoned', ?, '{}', 'delivered', 0)",
            (action, person),
        )
    con.commit()
    con.close()


def test_purge_removes_erased_persons_from_python_stores(tmp_path: Path) -> None:
    db, exports, log = tmp_path / "w.duckdb", tmp_path / "exports", tmp_path / "log.sqlite"
    _warehouse(db)
    _export(exports / "checkout_rescue")
    _delivery_log(log)
    settings = Settings(raw_dir=tmp_path / "raw", duckdb_path=db, pii_salt=SALT)

    touched = purge(settings, export_dir=exports, log_path=log)

    assert dict(touched) == {
        ("req-1", "ml.ml_churn_scores"): 1,
        ("req-1", "ml.ml_recommendations"): 2,
        ("req-1", "exports/checkout_rescue"): 1,
        ("req-1", "delivery_log.deliveries"): 2,
    }
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select person_id from ml.ml_churn_scores").fetchall() == [("p_stay",)]
        assert con.execute("select rows_touched from audit.audit_privacy_requests").fetchall() == [
            (26,)
        ]
        assert con.execute(
            "select sum(rows_touched) from audit.audit_privacy_purge_log"
        ).fetchall() == [(6,)]
    members = pq.read_table(exports / "checkout_rescue" / "members.parquet")
    assert members.column("person_id").to_pylist() == ["p_stay", "p_other"]
    assert "p_gone" not in (exports / "checkout_rescue" / "members.csv").read_text()
    manifest = json.loads((exports / "checkout_rescue" / "manifest.json").read_text())
    assert (manifest["count"], manifest["test_count"], manifest["holdout_count"]) == (2, 1, 1)
    con = sqlite3.connect(str(log))
    assert con.execute("select action_id from deliveries").fetchall() == [("a3",)]
    con.close()
    # a second purge finds nothing more
    assert sum(purge(settings, export_dir=exports, log_path=log).values()) == 0
