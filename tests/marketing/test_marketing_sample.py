"""Attribution and experiment marts on the generated sample: the planted experiment effect shows,
the results agree with scipy recomputed from fct_events, and the Markov chain agrees with linear
algebra on the sample's paths."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import timedelta

import pytest

from tests.marketing.reference import markov_removal_effects, srm, two_proportion_test
from tests.warehouse import Warehouse

WINDOW = timedelta(days=14)


def test_experiment_shows_the_planted_direction_and_matches_scipy(
    sample_warehouse: Warehouse,
) -> None:
    exposures = sample_warehouse.query(
        "select experiment_id, coalesce(person_id, 'client:' || client_key), event_time, "
        "event_id, variant from marts.fct_events "
        "where event_name = 'experiment_exposure' and experiment_id is not null "
        "and variant is not null order by 1, 2, 3, 4"
    )
    purchases = sample_warehouse.query(
        "select coalesce(person_id, 'client:' || client_key), event_time from marts.fct_events "
        "where event_name = 'purchase'"
    )
    first: dict[tuple[str, str], tuple] = {}
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    for experiment, unit, at, _, variant in exposures:
        first.setdefault((experiment, unit), (at, variant))
        seen[(experiment, unit)].add(variant)
    bought: dict[str, list] = defaultdict(list)
    for unit, at in purchases:
        bought[unit].append(at)
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for (experiment, unit), (at, variant) in first.items():
        if len(seen[(experiment, unit)]) > 1:
            continue
        counts[(experiment, variant)][0] += 1
        counts[(experiment, variant)][1] += any(at <= t <= at + WINDOW for t in bought[unit])

    df = sample_warehouse.query_df("select * from marts.agg_experiment_results")
    rows = {(r["experiment_id"], r["variant"]): r for r in df.to_dict("records")}
    assert set(rows) == set(counts)
    for key, (persons, conversions) in counts.items():
        assert (rows[key]["persons"], rows[key]["conversions"]) == (persons, conversions), key

    exp = "exp_checkout_button"
    control, treatment = rows[(exp, "control")], rows[(exp, "treatment")]
    assert treatment["conversion_rate"] > control["conversion_rate"]  # planted lift +25%
    assert treatment["relative_lift"] > 0
    n_c, x_c = counts[(exp, "control")]
    n_t, x_t = counts[(exp, "treatment")]
    ref = two_proportion_test(n_c, x_c, n_t, x_t)
    assert treatment["z_score"] == pytest.approx(ref["z"], abs=1e-9)
    assert treatment["p_value"] == pytest.approx(ref["p_value"], abs=1e-6)
    assert treatment["absolute_lift_ci_lower"] == pytest.approx(ref["ci_lower"], abs=1e-9)
    assert treatment["absolute_lift_ci_upper"] == pytest.approx(ref["ci_upper"], abs=1e-9)
    chi2, p = srm([n_c, n_t])
    assert control["srm_chi_square"] == pytest.approx(chi2, abs=1e-9)
    assert control["srm_p_value"] == pytest.approx(p, abs=1e-6)

    # against the generator's truth: exposed persons per variant within 10% (identity resolution
    # may split a person's clients), converting persons within 15%
    with (sample_warehouse.truth_dir / "experiment.csv").open(newline="") as fh:
        truth = [r for r in csv.DictReader(fh) if r["exposed_both"] == "false"]
    for variant, row in ((v, rows[(exp, v)]) for v in ("control", "treatment")):
        planted = [r for r in truth if r["variant"] == variant]
        converted = sum(r["converted_after_exposure"] == "true" for r in planted)
        assert row["persons"] == pytest.approx(len(planted), rel=0.10), variant
        assert row["conversions"] == pytest.approx(converted, rel=0.15), variant


def test_sample_markov_chain_matches_linear_algebra(sample_warehouse: Warehouse) -> None:
    steps = sample_warehouse.query(
        "select path_id, step_index, channel, is_converting "
        "from intermediate.int_marketing__markov_paths order by path_id, step_index"
    )
    paths: dict[str, tuple[list[str], bool]] = {}
    for path_id, _, channel, converting in steps:
        paths.setdefault(path_id, ([], converting))[0].append(channel)
    expected = markov_removal_effects(list(paths.values()))
    actual = dict(
        sample_warehouse.query(
            "select channel, removal_effect from intermediate.int_marketing__markov_removal_effects"
        )
    )
    assert actual.keys() == expected.keys()
    for channel, effect in expected.items():
        assert actual[channel] == pytest.approx(effect, abs=1e-9), channel


def test_sample_attribution_totals(sample_warehouse: Warehouse) -> None:
    n, revenue = sample_warehouse.query(
        "select count(*), sum(revenue) from intermediate.int_marketing__conversions"
    )[0]
    assert n > 0
    totals = sample_warehouse.query(
        "select model, sum(conversions), sum(revenue) from marts.agg_channel_attribution group by 1"
    )
    assert {m for m, _, _ in totals} == {
        "first_touch",
        "last_touch",
        "linear",
        "time_decay",
        "position_based",
        "markov",
    }
    for model, conversions, model_revenue in totals:
        assert conversions == pytest.approx(n), model
        assert model_revenue == pytest.approx(revenue), model
