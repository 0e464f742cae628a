"""The report as one self-contained HTML page: inline CSS and SVG, no scripts, no network."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime
from html import escape

import pandas as pd

from orchestration.report import svg
from orchestration.report.data import ReportData

SANKEY_STEPS = 4  # transitions drawn: session positions 1 .. SANKEY_STEPS + 1
SANKEY_NODES = 6  # items per position; the rest are grouped into (other)
ATTRIBUTION_CHANNELS = 8

CSS = """
body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1280px;color:#1d2330;
background:#fff}h1{margin:0 0 4px}h2{margin:32px 0 8px;border-bottom:2px solid #e4e7ee;
padding-bottom:4px}h3{margin:16px 0 6px;font-size:15px}.meta{color:#5b6478;font-size:13px}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:12px}
.tile{background:#f3f6fb;border-radius:8px;padding:12px 14px}.tile .v{font-size:24px;
font-weight:650}.tile .k{font-size:12px;color:#5b6478;text-transform:uppercase}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(600px,1fr));gap:8px 24px}
table{border-collapse:collapse;font-size:13px;margin:6px 0}td,th{padding:3px 10px;
border-bottom:1px solid #e4e7ee;text-align:right}td:first-child,th:first-child{text-align:left}
.ok{color:#2e7d32;font-weight:600}.bad{color:#c62828;font-weight:600}.note{color:#5b6478;
font-size:13px}
"""

KPI_TILES: list[tuple[str, str, Callable[[float], str]]] = [
    ("events", "Events", lambda v: f"{v:,.0f}"),
    ("persons", "Persons", lambda v: f"{v:,.0f}"),
    ("sessions", "Sessions", lambda v: f"{v:,.0f}"),
    ("bounce_rate", "Bounce rate", lambda v: f"{v:.1%}"),
    ("orders", "Orders", lambda v: f"{v:,.0f}"),
    ("revenue", "Revenue", lambda v: f"{v:,.2f}"),
    ("average_order_value", "Avg order value", lambda v: f"{v:,.2f}"),
    ("purchase_conversion", "Purchase funnel conv.", lambda v: f"{v:.1%}"),
    ("dau", "DAU (last day)", lambda v: f"{v:,.0f}"),
    ("wau", "WAU (last day)", lambda v: f"{v:,.0f}"),
    ("mau", "MAU (last day)", lambda v: f"{v:,.0f}"),
    ("retention_d1", "D1 retention", lambda v: f"{v:.1%}"),
    ("retention_d7", "D7 retention", lambda v: f"{v:.1%}"),
    ("retention_d30", "D30 retention", lambda v: f"{v:.1%}"),
]


def _none_note(what: str) -> str:
    return f"<p class='note'>No {escape(what)} in this warehouse yet.</p>"


def _table(frame: pd.DataFrame, formats: dict[str, Callable] | None = None) -> str:
    formats = formats or {}
    head = "".join(f"<th>{escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for col in frame.columns:
            value = row[col]
            if value is None or (isinstance(value, float) and math.isnan(value)):
                text = ""
            elif col in formats:
                text = formats[col](value)
            elif isinstance(value, float):
                text = f"{value:,.4g}"
            else:
                text = str(value)
            cells.append(f"<td>{escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def _section(section_id: str, title: str, body: str) -> str:
    return f"<section id='{section_id}'><h2>{escape(title)}</h2>{body}</section>"


def kpi_tiles(data: ReportData) -> str:
    tiles = []
    for key, label, fmt in KPI_TILES:
        value = data.kpis.get(key)
        shown = "n/a" if value is None else fmt(value)
        raw = "" if value is None else repr(float(value))
        title = " title='no eligible persons yet'" if value is None else ""
        tiles.append(
            f"<div class='tile' data-kpi='{key}' data-value='{raw}'{title}>"
            f"<div class='k'>{escape(label)}</div><div class='v'>{escape(shown)}</div></div>"
        )
    body = "<div class='tiles'>" + "".join(tiles) + "</div>"
    au = data.active_users
    if not au.empty:
        days = [str(d)[:10] for d in au["activity_day"]]
        body += "<h3>Active persons: DAU, WAU (trailing 7 days), MAU (trailing 30 days)</h3>"
        body += svg.lines(days, {c.upper(): [float(v) for v in au[c]] for c in ("dau", "wau",
                                                                               "mau")},
                          "active users")
    return _section("kpis", "Key figures", body)


def funnels(data: ReportData) -> str:
    if data.funnels.empty:
        return _section("funnels", "Funnels", _none_note("funnel"))
    parts = ["<div class='grid'>"]
    for name, steps in data.funnels.groupby("funnel_name", sort=True):
        rows = [
            (f"{int(s.step_number)}. {s.step_name}", float(s.persons),
             f"{int(s.persons):,} ({s.conversion_from_start:.1%})")
            for s in steps.itertuples()
        ]
        parts.append(f"<div data-funnel='{escape(str(name))}'><h3>{escape(str(name))}</h3>"
                     + svg.hbars(rows, f"funnel {name}") + "</div>")
    parts.append("</div>")
    note = "<p class='note'>Persons reaching each step; % of persons who entered.</p>"
    return _section("funnels", "Funnels", note + "".join(parts))


def retention(data: ReportData) -> str:
    if data.retention.empty:
        return _section("retention", "Retention", _none_note("retention analysis"))
    parts = []
    for name, frame in data.retention.groupby("analysis_name", sort=True):
        cohorts = sorted(frame["cohort_start"].unique())
        periods = sorted(frame["period_number"].unique())
        # Periods that start after the data's last day are not observed yet: no cell.
        last_day = str(data.as_of)[:10] if data.as_of else "9999-12-31"
        observed = frame[frame["period_start"].astype(str).str[:10] <= last_day]
        index = {(c, p): r for c, p, r in zip(observed["cohort_start"],
                                              observed["period_number"],
                                              observed["retention_rate"], strict=True)}
        sizes = frame.groupby("cohort_start")["cohort_size"].max()
        cells = [[None if pd.isna(index.get((c, p), math.nan)) else float(index[(c, p)])
                  for p in periods] for c in cohorts]
        rows = [f"{str(c)[:10]} (n={int(sizes[c]):,})" for c in cohorts]
        period = frame["period"].iloc[0]
        parts.append(f"<div data-retention='{escape(str(name))}'><h3>{escape(str(name))} "
                     f"(by {escape(str(period))})</h3>"
                     + svg.heatmap(rows, [str(p) for p in periods], cells, f"retention {name}",
                                   row_header="cohort") + "</div>")
    note = ("<p class='note'>Share of each cohort active in period k (period 0 = the cohort "
            "period); periods after the data's last day are left blank.</p>")
    return _section("retention", "Retention", note + "".join(parts))


def _sankey_parts(edges: pd.DataFrame) -> tuple[list[list[tuple[str, float]]], list]:
    edges = edges[edges["step_index"] <= SANKEY_STEPS]
    flows: dict[tuple[int, str], list[float]] = defaultdict(lambda: [0.0, 0.0])  # in, out
    for e in edges.itertuples():
        flows[(e.step_index - 1, e.from_item)][1] += e.sessions
        flows[(e.step_index, e.to_item)][0] += e.sessions
    keep: dict[int, set[str]] = defaultdict(set)
    for column in range(SANKEY_STEPS + 1):
        nodes = sorted(((max(v), n) for (c, n), v in flows.items() if c == column), reverse=True)
        keep[column] = {n for _, n in nodes[:SANKEY_NODES]}

    def name(column: int, item: str) -> str:
        return item if item in keep[column] else "(other)"

    links: dict[tuple[int, str, str], float] = defaultdict(float)
    for e in edges.itertuples():
        links[(e.step_index - 1, name(e.step_index - 1, e.from_item),
               name(e.step_index, e.to_item))] += e.sessions
    sizes: dict[tuple[int, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for (c, a, b), v in links.items():
        sizes[(c, a)][1] += v
        sizes[(c + 1, b)][0] += v
    columns = [
        sorted(((n, max(v)) for (c, n), v in sizes.items() if c == column),
               key=lambda t: (t[0] == "(other)", -t[1]))
        for column in range(SANKEY_STEPS + 1)
    ]
    return columns, [(c, a, b, v) for (c, a, b), v in links.items()]


def paths(data: ReportData) -> str:
    if data.path_edges.empty:
        return _section("paths", "Top paths", _none_note("session path"))
    columns, links = _sankey_parts(data.path_edges)
    sessions = int(data.path_edges.loc[data.path_edges["step_index"] == 1, "sessions"].sum())
    note = (f"<p class='note'>The first {SANKEY_STEPS + 1} steps of {sessions:,} sessions; the "
            f"top {SANKEY_NODES} items per step, the rest as (other); (exit) ends a session, "
            "(conversion) marks a purchase.</p>")
    return _section("paths", "Top paths (Sankey)",
                    note + svg.sankey(columns, links, "session paths"))


def lifecycle(data: ReportData) -> str:
    frame = data.lifecycle
    if frame.empty:
        return _section("lifecycle", "Lifecycle", _none_note("lifecycle"))
    wide = frame.pivot_table(index="period_start", columns="status", values="persons",
                             aggfunc="sum", fill_value=0).sort_index()
    order = [s for s in ("new", "returning", "resurrecting", "dormant") if s in wide.columns]
    series = {s: [float(v) for v in wide[s]] for s in order}
    days = [str(d)[:10] for d in wide.index]
    note = ("<p class='note'>Persons per day: new, returning and resurrecting above the axis, "
            "dormant (active the day before, not this day) below.</p>")
    return _section("lifecycle", "Lifecycle",
                    note + svg.stacked_bars(days, series, "lifecycle", negative=("dormant",)))


def attribution(data: ReportData) -> str:
    frame = data.attribution
    if frame.empty:
        return _section("attribution", "Channel attribution", _none_note("attribution"))
    parts = ["<div class='grid'>"]
    for k, (model, rows) in enumerate(frame.groupby("model", sort=True)):
        top = rows.sort_values("revenue", ascending=False).head(ATTRIBUTION_CHANNELS)
        bars = [(str(r.channel), float(r.revenue),
                 f"{r.revenue:,.0f} ({r.conversions:,.1f} conv.)") for r in top.itertuples()]
        parts.append(f"<div data-model='{escape(str(model))}'><h3>{escape(str(model))}</h3>"
                     + svg.hbars(bars, f"attribution {model}",
                                 color=svg.PALETTE[k % len(svg.PALETTE)]) + "</div>")
    parts.append("</div>")
    note = (f"<p class='note'>Attributed revenue (and conversions) of the top "
            f"{ATTRIBUTION_CHANNELS} channels under each model.</p>")
    return _section("attribution", "Channel attribution by model", note + "".join(parts))


def activation(data: ReportData) -> str:
    if data.tags.empty:
        tags = _none_note("tag")
    else:
        rows = [(str(r.tag), float(r.persons), f"{int(r.persons):,}")
                for r in data.tags.itertuples()]
        tags = "<h3>Persons per tag</h3>" + svg.hbars(rows, "tags", label_width=220)
    if data.audiences.empty:
        audiences = _none_note("audience")
    else:
        wide = data.audiences.pivot_table(index="audience_name", columns="audience_group",
                                          values="persons", aggfunc="sum", fill_value=0)
        rows = []
        for audience, r in wide.iterrows():
            groups = ", ".join(f"{g} {int(v):,}" for g, v in r.items())
            rows.append((str(audience), float(r.sum()), f"{int(r.sum()):,} ({groups})"))
        audiences = "<h3>Audience sizes</h3>" + svg.hbars(rows, "audiences",
                                                          color=svg.PALETTE[1], label_width=170)
    body = f"<div class='grid'><div>{tags}</div><div>{audiences}</div></div>"
    return _section("activation", "Tags and audiences", body)


def experiments(data: ReportData) -> str:
    frame = data.experiments
    if frame.empty:
        return _section("experiments", "Experiments", _none_note("experiment"))
    treated = frame[~frame["is_control"].astype(bool)].dropna(subset=["relative_lift"])
    rows = [(f"{r.experiment_id} / {r.variant}", float(r.relative_lift),
             float(r.relative_lift_ci_lower), float(r.relative_lift_ci_upper),
             bool(r.is_significant)) for r in treated.itertuples()]
    body = ("<p class='note'>Relative lift of each variant's conversion rate over control with "
            "its confidence interval (green: significant).</p>")
    body += svg.forest(rows, "experiment lift") if rows else ""
    pct = lambda v: f"{v:.2%}"  # noqa: E731
    body += _table(
        frame[["experiment_id", "variant", "persons", "conversions", "conversion_rate",
               "relative_lift", "relative_lift_ci_lower", "relative_lift_ci_upper", "p_value",
               "srm_warning", "sample_note"]],
        {"conversion_rate": pct, "relative_lift": pct, "relative_lift_ci_lower": pct,
         "relative_lift_ci_upper": pct, "p_value": lambda v: f"{v:.4f}",
         "persons": lambda v: f"{int(v):,}", "conversions": lambda v: f"{int(v):,}"},
    )
    return _section("experiments", "Experiments", body)


def quality(data: ReportData) -> str:
    body = "<h3>Raw rows quarantined, by reason</h3>"
    if data.quarantine.empty:
        body += "<p class='note'>No raw row was quarantined.</p>"
    else:
        rows = [(str(r.reason), float(r.rows), f"{int(r.rows):,}")
                for r in data.quarantine.itertuples()]
        body += svg.hbars(rows, "quarantine", color=svg.PALETTE[3])
    body += "<h3>Great Expectations checks (latest result of each)</h3>"
    checks = data.quality_checks
    if checks.empty:
        body += _none_note("Great Expectations result (the checks run in the Dagster job)")
    else:
        passed = int(checks["passed"].sum())
        body += (f"<p data-checks-passed='{passed}' data-checks-total='{len(checks)}'>"
                 f"<span class='{'ok' if passed == len(checks) else 'bad'}'>{passed} of "
                 f"{len(checks)} passed</span></p>")
        body += _table(checks, {"passed": lambda v: "pass" if v else "FAIL"})
    conf = data.conformance
    if not conf.empty:
        body += "<h3>Tracking plan conformance (least conformant first)</h3>"
        body += _table(conf.head(12), {"conformant_share": lambda v: f"{v:.1%}",
                                       "events": lambda v: f"{int(v):,}"})
    return _section("quality", "Data quality", body)


def models(data: ReportData) -> str:
    frame = data.model_metrics
    if frame.empty:
        return _section("models", "Predictive model metrics",
                        _none_note("trained model (the predictive assets run in the Dagster job)"))
    rows = []
    for (model, dataset), group in frame.groupby(["model_name", "dataset"], sort=True,
                                                 dropna=False):
        metrics = " · ".join(f"{m} {v:,.4g}" for m, v in zip(group["metric"], group["value"],
                                                              strict=True))
        rows.append({"model_name": model, "dataset": dataset,
                     "trained_at": str(group["trained_at"].max())[:19], "metrics": metrics})
    table = _table(pd.DataFrame(rows)).replace("<td>", "<td style='text-align:left'>")
    note = "<p class='note'>The latest training of each model (ml.ml_model_metrics).</p>"
    return _section("models", "Predictive model metrics", note + table)


def render(data: ReportData, warehouse_label: str) -> str:
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    missing = (f" Not in this warehouse: {escape(', '.join(data.missing))}."
               if data.missing else "")
    header = (f"<h1>Behavior warehouse report</h1><p class='meta'>Data as of "
              f"{escape(str(data.as_of))} · generated {generated} · warehouse "
              f"{escape(warehouse_label)}.{missing}</p>")
    sections = [kpi_tiles(data), funnels(data), retention(data), paths(data), lifecycle(data),
                attribution(data), activation(data), experiments(data), quality(data),
                models(data)]
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<title>Behavior warehouse report</title>"
            f"<style>{CSS}</style></head><body>{header}{''.join(sections)}</body></html>")
