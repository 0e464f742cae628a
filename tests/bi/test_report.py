"""The HTML report on the sample warehouse: every section with the warehouse's numbers, no
external resources, and a headless-Chromium screenshot that is not blank and shows the charts."""

from __future__ import annotations

import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest
import yaml

from orchestration.predictive.run import run_model
from orchestration.report import build_report
from orchestration.report.render import KPI_TILES
from orchestration.settings import REPO_ROOT, Settings
from tests.warehouse import Warehouse

SECTIONS = ("kpis", "funnels", "retention", "paths", "lifecycle", "attribution", "activation",
            "experiments", "quality", "models")
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def report(sample_warehouse: Warehouse, tmp_path_factory: pytest.TempPathFactory
           ) -> tuple[Path, Warehouse]:
    """The report of a copy of the sample warehouse with one predictive model trained in it."""
    root = tmp_path_factory.mktemp("report")
    copy = Warehouse(root)
    shutil.copy(sample_warehouse.settings.duckdb_path, copy.settings.duckdb_path)
    run_model("anomaly", copy.settings.duckdb_path, None)
    settings = Settings(raw_dir=copy.raw_dir, duckdb_path=copy.settings.duckdb_path,
                        pii_salt="unused")
    return build_report(settings, root / "report" / "behavior_report.html"), copy


def _html(report: tuple[Path, Warehouse]) -> str:
    return report[0].read_text(encoding="utf-8")


def _kpi(html: str, key: str) -> float | None:
    match = re.search(rf"data-kpi='{key}' data-value='([^']*)'", html)
    assert match, key
    return float(match.group(1)) if match.group(1) else None


def test_every_section_is_present_and_self_contained(report: tuple[Path, Warehouse]) -> None:
    html = _html(report)
    for section in SECTIONS:
        assert f"<section id='{section}'>" in html
    assert "<script" not in html and "<link" not in html and "<img" not in html
    assert re.findall(r"https?://[^'\" ]+", html) == ["http://www.w3.org/2000/svg"] * html.count(
        "<svg ")
    # every chart section has at least one chart
    for section in ("kpis", "funnels", "retention", "paths", "lifecycle", "attribution",
                    "activation", "experiments", "quality"):
        body = html.split(f"<section id='{section}'>")[1].split("</section>")[0]
        assert "<svg " in body, section


def test_kpis_match_the_warehouse(report: tuple[Path, Warehouse]) -> None:
    html, wh = _html(report), report[1]
    events, persons = wh.query(
        "select count(*), count(distinct person_id) from marts.fct_events")[0]
    orders, revenue = wh.query(
        "select count(distinct coalesce(order_id, event_id)), sum(revenue) from marts.fct_events"
        " where event_name = 'purchase'")[0]
    sessions, bounces = wh.query(
        "select count(*), count(*) filter (where is_bounce) from marts.fct_sessions")[0]
    last_day, dau = wh.query(
        "select cast(event_time as date) as d, count(distinct person_id) from marts.fct_events "
        "group by d order by d desc limit 1")[0]
    assert _kpi(html, "events") == events > 10_000
    assert _kpi(html, "persons") == persons
    assert _kpi(html, "sessions") == sessions
    assert _kpi(html, "bounce_rate") == pytest.approx(bounces / sessions)
    assert _kpi(html, "orders") == orders > 0
    assert _kpi(html, "revenue") == pytest.approx(revenue)
    assert _kpi(html, "average_order_value") == pytest.approx(revenue / orders)
    assert _kpi(html, "dau") == dau
    assert _kpi(html, "retention_d30") is None  # 14 days of data: no person's day 30 yet
    assert f"{events:,}" in html and f"{revenue:,.2f}" in html
    assert {key for key, _, _ in KPI_TILES} == set(re.findall(r"data-kpi='(\w+)'", html))


def test_charts_show_the_marts(report: tuple[Path, Warehouse]) -> None:
    html, wh = unescape(_html(report)), report[1]
    config = yaml.safe_load((REPO_ROOT / "dbt_project.yml").read_text())["vars"]
    for funnel in config["funnels"]:
        assert f"data-funnel='{funnel['name']}'" in html
    for analysis in config["retention_analyses"]:
        assert f"data-retention='{analysis['name']}'" in html
    # purchase funnel: persons per step from the persons mart
    for k, persons in wh.query(
        "select k, count(*) filter (where furthest_step >= k) from marts.fct_funnel_persons, "
        "range(1, 5) t(k) where funnel_name = 'purchase' group by k"):
        assert f"{k}. " in html and f">{persons:,} (" in html
    sessions = wh.query("select count(*) from marts.fct_sessions")[0][0]
    assert f"The first 5 steps of {sessions:,} sessions" in html
    for model, revenue in wh.query(
        "select model, max(revenue) from marts.agg_channel_attribution group by model"):
        assert f"data-model='{model}'" in html and f">{revenue:,.0f} (" in html
    for tag, persons in wh.query("select tag, count(*) from marts.fct_person_tags group by tag"):
        assert f"{tag}: {persons:,}<" in html
    for audience, persons in wh.query(
        "select audience_name, count(*) from marts.fct_audience_members group by 1"):
        assert f"{audience}: {persons:,} (" in html
    for experiment, variant, lift in wh.query(
        "select experiment_id, variant, relative_lift from marts.agg_experiment_results "
        "where not is_control"):
        assert f"{experiment} / {variant}: {lift:+.1%}" in html
    for reason, rows in wh.query(
        "select reason, count(*) from audit.audit_quarantined_events group by 1"):
        assert f">{reason}: {rows:,}<" in html
    metrics = wh.query("select metric, value from ml.ml_model_metrics where model_name = 'anomaly'")
    assert metrics and ">anomaly</td>" in html
    for metric, value in metrics:
        assert f"{metric} {value:,.4g}" in html


@pytest.fixture(scope="module")
def chromium() -> str:
    if not Path(CHROMIUM).exists():
        install = subprocess.run(["apt-get", "install", "-y", "chromium"], capture_output=True,
                                 text=True, timeout=900)
        if install.returncode != 0 or not Path(CHROMIUM).exists():
            pytest.skip(f"Debian's chromium is not installed and `apt-get install -y chromium` "
                        f"failed: {install.stderr[-500:]}")
    return CHROMIUM


def test_screenshot_is_not_blank(report: tuple[Path, Warehouse], chromium: str,
                                 tmp_path: Path) -> None:
    import numpy as np
    from PIL import Image

    png = tmp_path / "report.png"
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={png}",
         "--window-size=1400,4000", report[0].as_uri()],
        check=True, capture_output=True, timeout=120,
    )
    pixels = np.asarray(Image.open(png).convert("RGB")).astype(int)
    assert pixels.shape == (4000, 1400, 3)
    assert pixels.mean(axis=2).std() > 20  # not one flat colour
    assert (pixels.min(axis=2) < 235).mean() > 0.05  # not (nearly) all white
    # the charts are drawn: many pixels of the first palette colours
    for rgb in ((0x4E, 0x79, 0xA7), (0xF2, 0x8E, 0x2B), (0x59, 0xA1, 0x4F), (0xE1, 0x57, 0x59)):
        near = (np.abs(pixels - np.array(rgb)).max(axis=2) <= 6).sum()
        assert near > 2000, (rgb, near)
