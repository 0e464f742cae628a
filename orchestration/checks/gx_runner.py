"""Validating a pandas dataframe with Great Expectations 1.x.

dagster-ge does not support GX 1.x and GX's SQL datasource does not work with DuckDB, so a check
reads its batch into pandas itself and validates it here with an ephemeral context (nothing is
written to disk). GX is imported lazily: it takes seconds and only check runs need it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from great_expectations.expectations import Expectation


@dataclass(frozen=True)
class ExpectationOutcome:
    expectation: str
    kwargs: dict[str, Any]
    success: bool
    observed: dict[str, Any]


def _json_safe(value: Any) -> Any:
    """GX results hold numpy scalars and NaN; keep what survives JSON, as plain values."""
    return json.loads(json.dumps(value, default=str))


def validate(
    df: pd.DataFrame, expectations: list[Expectation], name: str
) -> list[ExpectationOutcome]:
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (
        context.data_sources.add_pandas(name=f"{name}_source")
        .add_dataframe_asset(name=name)
        .add_batch_definition_whole_dataframe(name="whole_dataframe")
        .get_batch(batch_parameters={"dataframe": df})
    )
    suite = gx.ExpectationSuite(name=name, expectations=expectations)
    result = batch.validate(suite)
    outcomes = []
    for item in result.results:
        config = item.expectation_config
        kwargs = {k: v for k, v in config.kwargs.items() if k != "batch_id"}
        observed = {
            k: v
            for k, v in (item.result or {}).items()
            if k
            in ("observed_value", "element_count", "unexpected_count", "unexpected_percent",
                "missing_count", "partial_unexpected_list")
        }
        outcomes.append(
            ExpectationOutcome(
                expectation=config.type,
                kwargs=_json_safe(kwargs),
                success=bool(item.success),
                observed=_json_safe(observed),
            )
        )
    return outcomes
