"""Turning the suites into Dagster asset checks: one op per suite, one check per QualityCheck.

A suite's op reads its batches read-only, validates them with GX, writes every result to the
results table (after dbt finished: the op runs after the assets it checks and holds the
warehouse pool), then reports the results. A failing blocking check fails the op, which keeps
the assets downstream of the checked model from running in that run.
"""


import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import duckdb
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckKey,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    AssetsDefinition,
    MetadataValue,
    multi_asset_check,
)

from orchestration.checks.config import load_config
from orchestration.checks.gx_runner import validate
from orchestration.checks.suites import SUITES, QualityCheck, Suite
from orchestration.checks.warehouse import qualify, read_batches, relation_schemas, write_results
from orchestration.project import has_models
from orchestration.resources import WAREHOUSE_POOL
from orchestration.settings import Settings, load_settings


def _lookup(settings: Settings):
    def lookup(sql: str) -> list[Any]:
        with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
            return [row[0] for row in con.execute(qualify(sql, relation_schemas(con))).fetchall()]

    return lookup


def _run_check(
    check: QualityCheck, cfg: dict[str, Any], batch, settings: Settings
) -> tuple[bool, dict[str, Any]]:
    if isinstance(batch, Exception):
        return False, {"rows": 0, "error": str(batch), "expectations": []}
    outcomes = validate(batch, check.expectations(cfg, _lookup(settings)), check.name)
    observed = {
        "rows": len(batch),
        "expectations": [
            {"expectation": o.expectation, "kwargs": o.kwargs, "success": o.success,
             "observed": o.observed}
            for o in outcomes
        ],
    }
    return all(o.success for o in outcomes), observed


def _small_batch_values(batch) -> dict[str, Any]:
    """A one-row batch (an aggregate such as the quarantine share) is its observed value: show
    its columns as plain metadata so the UI can plot them over runs."""
    if isinstance(batch, Exception) or len(batch) != 1:
        return {}
    values = {}
    for column, value in batch.iloc[0].items():
        if isinstance(value, bool | int | float) or hasattr(value, "item"):
            values[f"observed_{column}"] = MetadataValue.float(float(value))
    return values


def build_suite_check(suite: Suite, asset_keys: dict[str, AssetKey]) -> AssetsDefinition:
    section = load_config()[suite.name]
    specs = {
        check.name: AssetCheckSpec(
            name=check.name,
            asset=asset_keys[check.model],
            description=check.description,
            blocking=bool(section.get(check.blocking_key, False)),
        )
        for check in suite.checks
    }
    by_key = {specs[c.name].key: c for c in suite.checks}

    @multi_asset_check(
        name=f"{suite.name}_quality_checks",
        specs=list(specs.values()),
        can_subset=True,
        pool=WAREHOUSE_POOL,
        description=f"Great Expectations suite `{suite.name}` (orchestration/checks).",
    )
    def _suite(context: AssetCheckExecutionContext) -> Iterator[AssetCheckResult]:
        settings = load_settings()
        config = load_config()
        cfg = config[suite.name]
        selected: list[tuple[AssetCheckKey, QualityCheck]] = [
            (key, check) for key, check in by_key.items()
            if key in context.selected_asset_check_keys
        ]
        batches = read_batches(settings, {c.name: c.sql(cfg) for _, c in selected})
        results: list[AssetCheckResult] = []
        rows: list[dict[str, Any]] = []
        checked_at = datetime.now(UTC).replace(tzinfo=None)
        for key, check in selected:
            passed, observed = _run_check(check, cfg, batches[check.name], settings)
            blocking = specs[check.name].blocking
            severity = AssetCheckSeverity.ERROR if blocking else AssetCheckSeverity.WARN
            thresholds = {k: v for k, v in cfg.items() if "blocking" not in k}
            rows.append({
                "run_id": context.run.run_id, "check_name": check.name,
                "asset_key": key.asset_key.to_user_string(), "passed": passed,
                "blocking": blocking, "severity": severity.value,
                "observed": json.dumps(observed), "thresholds": json.dumps(thresholds),
                "checked_at": checked_at,
            })
            results.append(
                AssetCheckResult(
                    asset_key=key.asset_key,
                    check_name=check.name,
                    passed=passed,
                    severity=severity,
                    metadata={
                        **_small_batch_values(batches[check.name]),
                        "rows": MetadataValue.int(observed["rows"]),
                        **({"error": MetadataValue.text(observed["error"])}
                           if "error" in observed else {}),
                        "failed_expectations": MetadataValue.json(
                            [e for e in observed["expectations"] if not e["success"]]
                        ),
                        "expectations": MetadataValue.json(observed["expectations"]),
                        "thresholds": MetadataValue.json(thresholds),
                    },
                )
            )
        # Written before reporting: a failing blocking check fails this op once it reports.
        write_results(settings, config["results_table"], rows)
        context.log.info(
            f"{sum(r.passed for r in results)}/{len(results)} checks passed; "
            f"results in {config['results_table']}"
        )
        yield from results

    return _suite


def build_quality_checks(asset_keys: dict[str, AssetKey]) -> list[AssetsDefinition]:
    """The suites whose models are all in the manifest (identity and sessions may not be yet)."""
    return [
        build_suite_check(suite, asset_keys)
        for suite in SUITES
        if has_models(*suite.requires) and all(c.model in asset_keys for c in suite.checks)
    ]
