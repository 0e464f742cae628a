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


def dbt_check_results(target_dir: Path) -> tuple[int, int, int, int]:
    """(passed, warned, failed, skipped) data and unit tests of the last dbt build."""
    path = target_dir / "run_results.json"
    if not path.exists():
        return (0, 0, 0, 0)
    results = json.loads(path.read_text())["results"]
    statuses = [r["status"] for r in results if r["unique_id"].startswith(("test.", "unit_test."))]
    passed = statuses.count("pass")
    warned = statuses.count("warn")
    skipped = statuses.count("skipped")
    return passed, warned, len(statuses) - passed - warned - skipped, skipped


def render_summary(settings: Settings, target_dir: Path | None = None) -> str:
    target_dir = target_dir or REPO_ROOT / "target"
    lines: list[str] = []
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        schemas = relation_schemas(con)
        lines.append("Rows in the main relations:")
        for name in MAIN_RELATIONS:
            if name in schemas:
                count = con.execute(f'select count(*) from "{schemas[name]}"."{name}"').fetchone()[
                    0
                ]
                lines.append(f"  {schemas[name] + '.' + name:<45} {count:>12,}")
        if "audit_quarantined_events" in schemas:
            lines.append("Raw event rows quarantined, by reason:")
            reasons = con.execute(
                f'select reason, count(*) from "{schemas["audit_quarantined_events"]}".'
                '"audit_quarantined_events" group by 1 order by 2 desc'
            ).fetchall()
            for reason, count in reasons or [("(none)", 0)]:
                lines.append(f"  {reason:<45} {count:>12,}")
    passed, warned, failed, skipped = dbt_check_results(target_dir)
    lines.append(f"dbt tests: {passed} passed, {warned} warned, {failed} failed, {skipped} skipped")
    lines.append(f"Warehouse: {settings.duckdb_path}")
    lines.append("Dagster UI: make dev  (then open http://127.0.0.1:3000)")
    lines.append(
        f'Query it:  .venv/bin/python -c "import duckdb; '
        f"print(duckdb.connect('{settings.duckdb_path}', read_only=True)"
        f".sql('select * from marts.agg_tracking_plan_conformance limit 10'))\""
    )
    if settings.uses_development_salt:
        lines.append(
            "WARNING: BEHAVIOR_PII_SALT is not set; personal data was hashed with the "
            "development salt. Set a secret salt before loading real data."
        )
    return "\n".join(lines)


def render_check_results(results: list[tuple[str, str, bool, bool]]) -> str:
    """The quality checks of a Dagster run: (asset, check, passed, blocking) each. Great
    Expectations checks (gx_*) are listed one by one; dbt tests are counted above, and named
    here only when they failed."""
    gx = [r for r in results if r[1].startswith("gx_")]
    failed_dbt = [r for r in results if not r[1].startswith("gx_") and not r[2]]
    lines = [
        f"Great Expectations checks: {sum(r[2] for r in gx)} passed, "
        f"{sum(not r[2] for r in gx)} failed"
    ]
    for asset, name, passed, blocking in gx:
        status = "pass" if passed else ("FAIL (blocking)" if blocking else "warn")
        lines.append(f"  {asset + ':' + name:<60} {status}")
    for asset, name, _, _ in failed_dbt[:20]:
        lines.append(f"  dbt test failed: {asset}:{name}")
    lines.append("Check results table: audit.audit_quality_results")
    return "\n".join(lines)
