from __future__ import annotations

import pytest

from tests.warehouse import Warehouse

# The shared 14-day sample is too short for a 14-day churn horizon with an honest time split
# (history + a training label window + an evaluation label window), so the predictive tests
# generate their own: 60 days, ~50k events, ~1,200 persons; about 25 s to generate and build
# (dbt run of fct_events and its parents, no dbt tests: those run elsewhere).
PREDICTIVE_EVENTS = 50_000
PREDICTIVE_DAYS = 60
PREDICTIVE_SEED = 11


@pytest.fixture(scope="session")
def predictive_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    from orchestration.sample_data import GeneratorConfig, generate

    wh = Warehouse(tmp_path_factory.mktemp("predictive_sample"))
    generate(
        GeneratorConfig(
            events=PREDICTIVE_EVENTS,
            days=PREDICTIVE_DAYS,
            seed=PREDICTIVE_SEED,
            out_dir=wh.raw_dir,
            truth_dir=wh.truth_dir,
        )
    )
    wh.dbt("run", "--select", "+fct_events")
    return wh
