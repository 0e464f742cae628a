"""The short summary `make run` prints: rows in the main relations, quarantine by reason,
check results, and how to look further. Opens the warehouse read-only."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from orchestration.settings import REPO_ROOT, Settings

MAIN_RELATIONS = [
    "stg_tracking__events",
    "audit_quarantined_events",
    "stg_crm__customers",
    "stg_consent__requests",
    "dim_identity_map",
    "dim_persons",
    "fct_identity_merges",
    "fct_events",
    "fct_sessions",
    "fct_funnel_persons",
    "agg_funnel_steps",
    "agg_retention",
    "agg_path_edges",
    "fct_person_tags",
    "fct_audience_members",
    "fct_trigger_actions",
    "agg_channel_attribution",
    "agg_experiment_results",
    "ml_model_metrics",
    "agg_tracking_plan_conformance",
]


def relation_schemas(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    rows = con.execute(
        "select table_name, table_schema from information_schema.tables "
        "where table_catalog = current_database()"
    ).fetchall()
    return {name: schema for name, schema in rows}


def dbt_check_results(target_dir: Path) -> tuple[int, int, int]:
    """(passed, warned, failed) data and unit tests of the last dbt build."""
    path = target_dir / "run_results.json"
    if not path.exists():
        return (0, 0, 0)
    results = json.loads(path.read_text())["results"]
    tests = [r for r in results if r["unique_id"].startswith(("test.", "unit_test."))]
    passed = sum(r["status"] == "pass" for r in tests)
    warned = sum(r["status"] == "warn" for r in tests)
    return passed, warned, len(tests) - passed - warned


def render_summary(settings: Settings, target_dir: Path | None = None) -> str:
    target_dir = target_dir or REPO_ROOT / "target"
    lines: list[str] = []
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        schemas = relation_schemas(con)
        lines.append("Rows in the main relations:")
        for name in MAIN_RELATIONS:
            if name in schemas:
                count = con.execute(f'select count(*) from "{schemas[name]}"."{name}"').fetchone()[0]
                lines.append(f"  {schemas[name] + '.' + name:<45} {count:>12,}")
        if "audit_quarantined_events" in schemas:
            lines.append("Raw event rows quarantined, by reason:")
            reasons = con.execute(
                f'select reason, count(*) from "{schemas["audit_quarantined_events"]}".'
                '"audit_quarantined_events" group by 1 order by 2 desc'
            ).fetchall()
            for reason, count in reasons or [("(none)", 0)]:
                lines.append(f"  {reason:<45} {count:>12,}")
    passed, warned, failed = dbt_check_results(target_dir)
    lines.append(f"dbt tests: {passed} passed, {warned} warned, {failed} failed")
    lines.append(f"Warehouse: {settings.duckdb_path}")
    lines.append("Dagster UI: make dev  (then open http://127.0.0.1:3000)")
    lines.append(
        f"Query it:  .venv/bin/python -c \"import duckdb; "
        f"print(duckdb.connect('{settings.duckdb_path}', read_only=True)"
        f".sql('select * from marts.agg_tracking_plan_conformance limit 10'))\""
    )
    if settings.uses_development_salt:
        lines.append(
            "WARNING: BEHAVIOR_PII_SALT is not set; personal data was hashed with the "
            "development salt. Set a secret salt before loading real data."
        )
    return "\n".join(lines)
