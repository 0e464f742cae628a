"""Write each audience (fct_audience_members) as CSV and Parquet plus a manifest JSON.

Files go to ``<export dir>/<audience_name>/`` (``BEHAVIOR_EXPORT_DIR``, default
``exports/audiences`` under the repo root): ``members.csv``, ``members.parquet`` and
``manifest.json`` (count, test/holdout counts, definition hash, the data's as-of time, generation
time). Only hashed identifiers leave: person_id and the salted phone/email hashes of
dim_identity_map. Persons without marketing consent are dropped again here (defence in depth).
The warehouse is opened read-only; run it when dbt is not writing (the Dagster op is in the
duckdb_warehouse pool).

CLI: ``python -m orchestration.delivery.exports [--out DIR] [--audience NAME ...]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from orchestration.settings import REPO_ROOT, Settings, load_settings

MEMBERS_SQL = """
with
identifiers as (
    select
        person_id,
        string_agg(case when identifier_type = 'phone' then identifier_value end, ';'
                   order by identifier_value) as phone_hashes,
        string_agg(case when identifier_type = 'email' then identifier_value end, ';'
                   order by identifier_value) as email_hashes,
    from marts.dim_identity_map
    where person_id is not null and identifier_type in ('phone', 'email')
    group by person_id
)
select
    m.audience_name,
    m.person_id,
    m.audience_group,
    i.phone_hashes,
    i.email_hashes,
    m.definition_hash,
    strftime(m.as_of_time, '%Y-%m-%dT%H:%M:%S.%gZ') as as_of_time,
from marts.fct_audience_members as m
inner join marts.dim_person_profile as p on m.person_id = p.person_id
left join identifiers as i on m.person_id = i.person_id
where p.marketing_allowed
order by m.audience_name, m.person_id
"""

EXPORT_COLUMNS = ["person_id", "audience_group", "phone_hashes", "email_hashes"]


def default_export_dir() -> Path:
    value = os.environ.get("BEHAVIOR_EXPORT_DIR")
    if not value:
        return REPO_ROOT / "exports" / "audiences"
    path = Path(value).expanduser()
    return path if path.is_absolute() else REPO_ROOT / path


def export_audiences(
    settings: Settings | None = None,
    out_dir: Path | None = None,
    audiences: list[str] | None = None,
    generated_at: datetime | None = None,
) -> dict[str, dict]:
    """Export every audience (or the named ones); returns audience name -> manifest."""
    settings = settings or load_settings()
    out_dir = out_dir or default_export_dir()
    generated_at = generated_at or datetime.now(UTC)
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        table = con.sql(MEMBERS_SQL).to_arrow_table()
    names = sorted(set(table.column("audience_name").to_pylist()) | set(audiences or []))
    if audiences:
        names = [n for n in names if n in audiences]
    manifests = {}
    for name in names:
        rows = table.filter(pc.equal(table.column("audience_name"), name))
        manifests[name] = _write_audience(out_dir, name, rows, generated_at)
    return manifests


def _write_audience(out_dir: Path, name: str, rows: pa.Table, generated_at: datetime) -> dict:
    members = rows.select(EXPORT_COLUMNS)
    groups = rows.column("audience_group").to_pylist()
    hashes = set(rows.column("definition_hash").to_pylist())
    as_of = set(rows.column("as_of_time").to_pylist())
    manifest = {
        "audience_name": name,
        "count": rows.num_rows,
        "test_count": groups.count("test"),
        "holdout_count": groups.count("holdout"),
        "definition_hash": next(iter(hashes)) if len(hashes) == 1 else None,
        "data_as_of": next(iter(as_of)) if len(as_of) == 1 else None,
        "generated_at": generated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "files": ["members.csv", "members.parquet"],
        "columns": EXPORT_COLUMNS,
        "identifiers": "person_id and salted SHA-256 hashes of phone/email only",
    }
    # write beside the target and swap, so a reader never sees half an export
    target = out_dir / name
    staging = out_dir / f".{name}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    pacsv.write_csv(members, staging / "members.csv")
    pq.write_table(members, staging / "members.parquet")
    (staging / "manifest.json").write_text(
        json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Export audiences as CSV + Parquet + manifest.")
    parser.add_argument("--out", type=Path, default=None, help="export dir")
    parser.add_argument("--audience", action="append", default=None, help="only this audience")
    args = parser.parse_args(argv)
    manifests = export_audiences(out_dir=args.out, audiences=args.audience)
    for name, manifest in manifests.items():
        print(f"{name}: {manifest['count']} members")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
