"""Attribution and experiment marts on hand-written landing files: attribution credits computed by
hand, the Markov chain of the warehouse re-solved with linear algebra, and the experiment results
against hand-computed figures and scipy."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.marketing.reference import (
    markov_removal_effects,
    position_based,
    srm,
    time_decay,
    two_proportion_test,
)
from tests.warehouse import Warehouse

MARKETING_SELECTION = ("path:models/intermediate/marketing", "path:models/marts/marketing")
DAY = 86400.0


def event(
    message_id: str,
    timestamp: str,
    user: str,
    *,
    name: str | None = None,
    page_query: str | None = None,
    properties: dict[str, Any] | None = None,
    channel: str = "web",
) -> dict[str, Any]:
    """A page view (name None) or a track call, received a second after it happened."""
    sent = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    record: dict[str, Any] = {
        "message_id": message_id,
        "timestamp": timestamp,
        "received_at": (sent + timedelta(seconds=1)).isoformat().replace("+00:00", "Z"),
        "anonymous_id": f"anon-{user}",
        "user_id": user,
        "context": {"channel": channel},
        "properties": properties or {},
    }
    if name is None:
        record["type"] = "page"
        record["name"] = "Home"
        url = "https://shop.cn/" + (f"?{page_query}" if page_query else "")
        record["context"]["page"] = {"url": url, "path": "/"}
    else:
        record["type"] = "track"
        record["event"] = name
    return record


def utm(source: str, medium: str, campaign: str) -> str:
    return f"utm_source={source}&utm_medium={medium}&utm_campaign={campaign}"


def purchase(message_id: str, timestamp: str, user: str, revenue: float) -> dict[str, Any]:
    props = {"order_id": f"o-{message_id}", "revenue": revenue, "currency": "CNY"}
    return event(message_id, timestamp, user, name="purchase", properties=props)


def exposure(message_id: str, timestamp: str, user: str, experiment: str, variant: str) -> dict:
    props = {"experiment_id": experiment, "variant": variant}
    return event(message_id, timestamp, user, name="experiment_exposure", properties=props)


ATTRIBUTION_EVENTS = [
    # ua: baidu 39 days before (outside the 30-day lookback), then baidu, direct, wechat, direct
    # sessions; the purchase at 10-10 00:10 is in the last (direct) session
    event("a-1", "2026-09-01T00:00:00Z", "ua", page_query=utm("baidu", "cpc", "old")),
    event("a-2", "2026-10-01T00:00:00Z", "ua", page_query=utm("baidu", "cpc", "c1")),
    event("a-3", "2026-10-05T00:00:00Z", "ua"),
    event("a-4", "2026-10-09T00:00:00Z", "ua", page_query=utm("wechat", "social", "moments")),
    event("a-5", "2026-10-10T00:00:00Z", "ua"),
    purchase("a-6", "2026-10-10T00:10:00Z", "ua", 100.0),
    # ub: one direct session with the purchase: last touch falls back to direct
    event("b-1", "2026-10-03T00:00:00Z", "ub"),
    purchase("b-2", "2026-10-03T00:05:00Z", "ub", 50.0),
    # uc: a douyin app session with an ad click, then the purchase
    event("c-1", "2026-10-02T00:00:00Z", "uc", page_query=utm("douyin", "paid_social", "live")),
    event("c-2", "2026-10-02T00:05:00Z", "uc", name="ad_click", properties={"position": 1}),
    purchase("c-3", "2026-10-02T00:06:00Z", "uc", 20.0),
    # ud: a google session that never converts
    event("d-1", "2026-10-04T00:00:00Z", "ud", page_query=utm("google", "cpc", "brand")),
]


def experiment_events() -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    start = datetime(2026, 10, 1, 10, 0, 0)

    def at(seconds: float) -> str:
        return (start + timedelta(seconds=seconds)).isoformat() + "Z"

    def arm(experiment: str, variant: str, persons: int, converters: int) -> None:
        for i in range(persons):
            user = f"{experiment}-{variant}-{i}"
            records.append(exposure(f"x-{user}", at(i * 10), user, experiment, variant))
            if i < converters:
                records.append(purchase(f"p-{user}", at(i * 10 + 3600), user, 10.0))

    arm("exp_checkout_button", "control", 1000, 100)
    arm("exp_checkout_button", "treatment", 1000, 130)
    arm("exp_srm", "a", 500, 50)
    arm("exp_srm", "b", 620, 62)
    # a non-converting control person buys the day before and 15 days after exposure: not counted
    late = "exp_checkout_button-control-999"
    records.append(purchase("late-1", at(999 * 10 - DAY), late, 10.0))
    records.append(purchase("late-2", at(999 * 10 + 15 * DAY), late, 10.0))
    # a person exposed to control, then treatment (and converting): flagged and excluded
    records.append(exposure("both-1", at(0), "both", "exp_checkout_button", "control"))
    records.append(exposure("both-2", at(DAY), "both", "exp_checkout_button", "treatment"))
    records.append(purchase("both-3", at(DAY + 60), "both", 10.0))
    return records


def land(wh: Warehouse, name: str, records: list[dict[str, Any]]) -> None:
    target = wh.raw_dir / "events" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


@pytest.fixture(scope="module")
def marketing_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    wh = Warehouse(Path(tmp_path_factory.mktemp("marketing")))
    land(wh, "attribution.jsonl", ATTRIBUTION_EVENTS)
    land(wh, "experiments.jsonl", experiment_events())
    wh.dbt(
        "build",
        "--select",
        *(f"+{s}" for s in MARKETING_SELECTION),
        "--exclude-resource-type",
        "test",
        "unit_test",
    )
    wh.dbt("test", "--select", *MARKETING_SELECTION, "--exclude-resource-type", "unit_test")
    return wh


def credits_of(wh: Warehouse, order_event: str) -> dict[str, list[tuple[str, float]]]:
    rows = wh.query(
        "select credits.model, credits.channel, credits.credit "
        "from marts.fct_attribution_credits as credits "
        f"where credits.conversion_id = '{order_event}' order by credits.model, credits.touch_index"
    )
    out: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for model, channel, credit in rows:
        out[model].append((channel, credit))
    return out


def test_attribution_models_on_a_hand_path(marketing_warehouse: Warehouse) -> None:
    credits = credits_of(marketing_warehouse, "a-6")
    channels = ["baidu", "direct", "wechat", "direct"]
    assert [c for c, _ in credits["linear"]] == channels  # the 09-01 touch is outside the window
    assert [v for _, v in credits["first_touch"]] == [1, 0, 0, 0]
    assert [v for _, v in credits["last_touch"]] == [0, 0, 1, 0]  # last non-direct: wechat
    assert [v for _, v in credits["linear"]] == pytest.approx([0.25] * 4)
    assert [v for _, v in credits["position_based"]] == pytest.approx(position_based(4))
    before = [9 * DAY + 600, 5 * DAY + 600, 1 * DAY + 600, 600]
    assert [v for _, v in credits["time_decay"]] == pytest.approx(time_decay(before), abs=1e-11)
    for model, touches in credits.items():
        assert sum(v for _, v in touches) == pytest.approx(1.0, abs=1e-9), model


def test_last_touch_falls_back_to_direct_and_ad_clicks_are_touches(
    marketing_warehouse: Warehouse,
) -> None:
    direct_only = credits_of(marketing_warehouse, "b-2")
    assert direct_only["last_touch"] == [("direct", 1.0)]
    with_ad = credits_of(marketing_warehouse, "c-3")
    assert [c for c, _ in with_ad["linear"]] == ["douyin", "ad_click"]
    assert [v for _, v in with_ad["last_touch"]] == [0, 1]
    assert [v for _, v in with_ad["position_based"]] == [0.5, 0.5]


def test_channel_totals_match_the_credits(marketing_warehouse: Warehouse) -> None:
    conversions = marketing_warehouse.query(
        "select count(*), sum(revenue) from intermediate.int_marketing__conversions"
    )[0]
    totals = marketing_warehouse.query(
        "select model, sum(conversions), sum(revenue) from marts.agg_channel_attribution group by 1"
    )
    assert len(totals) == 6
    for model, n, revenue in totals:
        assert n == pytest.approx(conversions[0]), model
        assert revenue == pytest.approx(conversions[1]), model


def test_markov_chain_matches_linear_algebra(marketing_warehouse: Warehouse) -> None:
    steps = marketing_warehouse.query(
        "select path_id, step_index, channel, is_converting "
        "from intermediate.int_marketing__markov_paths order by path_id, step_index"
    )
    paths: dict[str, tuple[list[str], bool]] = {}
    for path_id, _, channel, converting in steps:
        paths.setdefault(path_id, ([], converting))[0].append(channel)
    assert paths["journey:" + user_person(marketing_warehouse, "ud")] == (["google"], False)
    expected = markov_removal_effects(list(paths.values()))
    actual = dict(
        marketing_warehouse.query(
            "select channel, removal_effect from intermediate.int_marketing__markov_removal_effects"
        )
    )
    assert actual.keys() == expected.keys()
    for channel, effect in expected.items():
        assert actual[channel] == pytest.approx(effect, abs=1e-9), channel


def user_person(wh: Warehouse, user: str) -> str:
    rows = wh.query(f"select distinct person_id from marts.fct_events where user_id = '{user}'")
    return rows[0][0]


def results(wh: Warehouse, experiment: str) -> dict[str, dict[str, Any]]:
    df = wh.query_df(
        f"select * from marts.agg_experiment_results where experiment_id = '{experiment}'"
    )
    return {row["variant"]: row for row in df.to_dict("records")}


def test_experiment_z_test_against_hand_figures_and_scipy(marketing_warehouse: Warehouse) -> None:
    res = results(marketing_warehouse, "exp_checkout_button")
    control, treatment = res["control"], res["treatment"]
    assert (control["persons"], control["conversions"]) == (1000, 100)
    assert (treatment["persons"], treatment["conversions"]) == (1000, 130)
    assert control["excluded_persons"] == 1 and treatment["excluded_persons"] == 0
    assert control["is_control"] and not treatment["is_control"]
    assert treatment["revenue_per_person"] == pytest.approx(1.3)
    ref = two_proportion_test(1000, 100, 1000, 130)
    assert treatment["z_score"] == pytest.approx(2.10274, abs=1e-5)  # by hand
    assert treatment["z_score"] == pytest.approx(ref["z"], abs=1e-9)
    assert treatment["p_value"] == pytest.approx(0.035488, abs=1e-5)  # by hand
    assert treatment["p_value"] == pytest.approx(ref["p_value"], abs=1e-6)  # A-S 7.1.26 erf
    assert treatment["absolute_lift_ci_lower"] == pytest.approx(ref["ci_lower"], abs=1e-9)
    assert treatment["absolute_lift_ci_upper"] == pytest.approx(ref["ci_upper"], abs=1e-9)
    assert treatment["relative_lift"] == pytest.approx(0.3)
    assert treatment["is_significant"]
    assert control["srm_chi_square"] == pytest.approx(0.0)
    assert not control["srm_warning"]


def test_experiment_sample_ratio_mismatch_against_scipy(marketing_warehouse: Warehouse) -> None:
    res = results(marketing_warehouse, "exp_srm")
    assert res["a"]["is_control"]  # no variant named control: the first alphabetically
    assert (res["a"]["persons"], res["b"]["persons"]) == (500, 620)
    chi2, p = srm([500, 620])
    assert res["b"]["srm_chi_square"] == pytest.approx(chi2, abs=1e-9)
    assert res["b"]["srm_p_value"] == pytest.approx(p, abs=1e-6)
    assert res["a"]["srm_warning"] and res["b"]["srm_warning"]  # p = 0.00034 < 0.001
    ref = two_proportion_test(500, 50, 620, 62)
    assert res["b"]["p_value"] == pytest.approx(ref["p_value"], abs=1e-6)
    assert not res["b"]["is_significant"]
