"""The MetricFlow semantic layer answers from the warehouse: `mf query` (a subprocess, as a user
runs it) on the sample warehouse (read-only), compared with values computed here from fct_events,
fct_sessions and the marts that compute the same numbers another way."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from orchestration.settings import REPO_ROOT
from tests.warehouse import Warehouse

MF = Path(sys.executable).parent / "mf"
# What dbt_project.yml points at; mf reads target/semantic_manifest.json under the project dir.
PROJECT_ENTRIES = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "tests")

QUERIES = {
    "daily": ["--metrics", "dau,wau,mau,sessions,bounce_rate,orders,revenue,retention_d1",
              "--group-by", "metric_time__day"],
    "funnels": ["--metrics", "funnel_entrants,funnel_step_2_conversion,funnel_conversion_rate",
                "--group-by", "funnel_person__funnel_name"],
    "attribution": ["--metrics", "attributed_revenue,attributed_conversions",
                    "--group-by", "attribution_credit__model"],
}


@pytest.fixture(scope="module")
def mf_results(sample_warehouse: Warehouse, tmp_path_factory: pytest.TempPathFactory
               ) -> dict[str, pd.DataFrame]:
    """Run the queries in parallel in a project dir that mirrors the repo, with the sample
    build's semantic manifest, on its warehouse opened read-only (profile target `readonly`)."""
    root = tmp_path_factory.mktemp("mf")
    project = root / "project"
    (project / "target").mkdir(parents=True)
    for entry in PROJECT_ENTRIES:
        (project / entry).symlink_to(REPO_ROOT / entry)
    shutil.copy(sample_warehouse.root / "target" / "semantic_manifest.json", project / "target")
    env = {**os.environ, **sample_warehouse.settings.dbt_env(), "DBT_TARGET": "readonly",
           "DBT_PROJECT_DIR": str(project), "DBT_PROFILES_DIR": str(project)}
    env.pop("DBT_TARGET_PATH", None)
    procs = {
        name: subprocess.Popen(
            [str(MF), "query", *args, "--csv", str(root / f"{name}.csv"), "--quiet"],
            cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        for name, args in QUERIES.items()
    }
    results = {}
    for name, proc in procs.items():
        out, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0, f"mf query {name} failed:\n{out}"
        results[name] = pd.read_csv(root / f"{name}.csv")
    return results


@pytest.fixture(scope="module")
def events(sample_warehouse: Warehouse) -> pd.DataFrame:
    frame = sample_warehouse.query_df(
        "select person_id, event_id, event_name, order_id, revenue, event_time "
        "from marts.fct_events"
    )
    frame["day"] = frame["event_time"].dt.date
    return frame


def _daily(mf_results: dict[str, pd.DataFrame]) -> pd.DataFrame:
    daily = mf_results["daily"].copy()
    daily["day"] = pd.to_datetime(daily["metric_time__day"]).dt.date
    return daily.set_index("day")


def test_dau_orders_revenue_per_day(mf_results: dict, events: pd.DataFrame) -> None:
    daily = _daily(mf_results)
    persons = events.dropna(subset=["person_id"])
    dau = persons.groupby("day")["person_id"].nunique()
    purchases = events[events["event_name"] == "purchase"].copy()
    purchases["order_key"] = purchases["order_id"].fillna(purchases["event_id"])
    orders = purchases.groupby("day")["order_key"].nunique()
    revenue = purchases.groupby("day")["revenue"].sum()
    assert len(dau) >= 10
    for day, expected in dau.items():
        assert daily.loc[day, "dau"] == expected
    for day, expected in orders.items():
        assert daily.loc[day, "orders"] == expected
        assert daily.loc[day, "revenue"] == pytest.approx(revenue[day], rel=1e-9)
    assert daily["orders"].fillna(0).sum() == orders.sum() > 0


def test_wau_and_mau_are_trailing_windows(mf_results: dict, events: pd.DataFrame) -> None:
    daily = _daily(mf_results)
    persons = events.dropna(subset=["person_id"])
    days = sorted(persons["day"].unique())
    for day in days:
        for column, window in (("wau", 7), ("mau", 30)):
            start = day - dt.timedelta(days=window - 1)
            in_window = persons[(persons["day"] >= start) & (persons["day"] <= day)]
            assert daily.loc[day, column] == in_window["person_id"].nunique(), (column, day)


def test_sessions_and_bounce_rate(mf_results: dict, sample_warehouse: Warehouse) -> None:
    daily = _daily(mf_results)
    sessions = sample_warehouse.query_df("select session_start, is_bounce from marts.fct_sessions")
    sessions["day"] = sessions["session_start"].dt.date
    by_day = sessions.groupby("day")
    for day, group in by_day:
        assert daily.loc[day, "sessions"] == len(group)
        assert daily.loc[day, "bounce_rate"] == pytest.approx(group["is_bounce"].mean())


def test_d1_retention_per_cohort_day(mf_results: dict, events: pd.DataFrame) -> None:
    daily = _daily(mf_results)
    persons = events.dropna(subset=["person_id"])
    active = persons.groupby("person_id")["day"].agg(set)
    first = persons.groupby("person_id")["day"].min()
    last_day = persons["day"].max()
    checked = 0
    for cohort, members in first.groupby(first):
        if cohort + dt.timedelta(days=1) > last_day:
            assert pd.isna(daily.loc[cohort, "retention_d1"])
            continue
        retained = sum(cohort + dt.timedelta(days=1) in active[p] for p in members.index)
        assert daily.loc[cohort, "retention_d1"] == pytest.approx(retained / len(members))
        checked += 1
    assert checked >= 10


def test_funnel_metrics_match_the_funnel_steps_mart(
    mf_results: dict, sample_warehouse: Warehouse
) -> None:
    funnels = mf_results["funnels"].set_index("funnel_person__funnel_name")
    steps = sample_warehouse.query_df(
        "select funnel_name, step_number, persons, conversion_from_start, "
        "max(step_number) over (partition by funnel_name) as last_step "
        "from marts.agg_funnel_steps where breakdown = 'all'"
    )
    assert set(funnels.index) == set(steps["funnel_name"]) and len(funnels) >= 3
    for s in steps.itertuples():
        row = funnels.loc[s.funnel_name]
        if s.step_number == 1:
            assert row["funnel_entrants"] == s.persons
        if s.step_number == 2:
            assert row["funnel_step_2_conversion"] == pytest.approx(s.conversion_from_start)
        if s.step_number == s.last_step:
            assert row["funnel_conversion_rate"] == pytest.approx(s.conversion_from_start)


def test_attributed_revenue_per_model(mf_results: dict, sample_warehouse: Warehouse) -> None:
    attribution = mf_results["attribution"].set_index("attribution_credit__model")
    expected = sample_warehouse.query_df(
        "select model, sum(revenue) as revenue, sum(conversions) as conversions "
        "from marts.agg_channel_attribution group by model"
    ).set_index("model")
    total_revenue = sample_warehouse.query(
        "select sum(revenue) from marts.fct_events where event_name = 'purchase'"
    )[0][0]
    assert set(attribution.index) == set(expected.index) and len(expected) >= 5
    for model, row in expected.iterrows():
        assert attribution.loc[model, "attributed_revenue"] == pytest.approx(row["revenue"])
        assert attribution.loc[model, "attributed_conversions"] == pytest.approx(
            row["conversions"])
        # every model credits at most all purchase revenue
        assert attribution.loc[model, "attributed_revenue"] <= total_revenue * (1 + 1e-9)
