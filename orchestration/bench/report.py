"""Ratios, targets and the Markdown report of one benchmark run (from its JSON result)."""

from __future__ import annotations

from pathlib import Path

import yaml

TARGETS_FILE = Path(__file__).with_name("targets.yml")
GIB = 2**30


def size_label(events: int) -> str:
    for unit, scale in (("M", 1_000_000), ("k", 1_000)):
        if events >= scale and events % scale == 0:
            return f"{events // scale}{unit}"
    return str(events)


def load_targets() -> dict:
    return yaml.safe_load(TARGETS_FILE.read_text())


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a is not None and b else None


def ratios(steps: dict) -> dict:
    def wall(step: str) -> float | None:
        return steps[step]["wall_s"] if step in steps else None

    def cpu(step: str) -> float | None:
        return steps[step]["cpu_s"] if step in steps else None

    out = {
        "full_build_over_floor": _ratio(wall("full_build"), wall("floor")),
        "full_build_over_floor_cpu": _ratio(cpu("full_build"), cpu("floor")),
        "incremental_over_full": _ratio(wall("incremental"), wall("full_build")),
        "incremental_over_full_cpu": _ratio(cpu("incremental"), cpu("full_build")),
        "settle_over_full": _ratio(wall("settle"), wall("full_build")),
        "funnel_over_clickhouse": None,
        "funnel_core_over_clickhouse": None,
        "events_per_second_full_build": None,
        "events_per_second_floor": None,
    }
    if "funnel" in steps and "clickhouse" in steps:
        ch = steps["clickhouse"]["extra"]["funnel"]["clickhouse_s"]
        out["funnel_over_clickhouse"] = _ratio(steps["funnel"]["extra"]["funnel_s"], ch)
        out["funnel_core_over_clickhouse"] = _ratio(
            steps["funnel"]["extra"]["ordered_core_s"], ch
        )
    if "generate" in steps:
        # the rows the full build and the floor read: every landed line but the last day's
        first_load = steps["generate"]["extra"]["lines_first_load"]
        if wall("full_build"):
            out["events_per_second_full_build"] = round(first_load / wall("full_build"))
        if wall("floor"):
            out["events_per_second_floor"] = round(first_load / wall("floor"))
    return out


def check_targets(result: dict, targets: dict) -> list[dict]:
    r = result["ratios"]
    peak = max((s["max_rss_bytes"] for s in result["steps"].values()), default=None)
    rows = [
        ("full build within 8x the floor (wall)", r["full_build_over_floor"],
         targets["full_build_over_floor_max"], "x"),
        ("incremental day within 10% of the full build (wall)", r["incremental_over_full"],
         targets["incremental_over_full_max"], ""),
        ("funnel within 2x ClickHouse", r["funnel_over_clickhouse"],
         targets["funnel_over_clickhouse_max"], "x"),
        ("peak memory under 8 GiB", peak, targets["peak_memory_max_bytes"], "bytes"),
    ]
    return [
        {"target": name, "value": value, "limit": limit, "unit": unit,
         "met": None if value is None else value <= limit}
        for name, value, limit, unit in rows
    ]


def _fmt_bytes(n: int | None) -> str:
    return "–" if n is None else f"{n / GIB:.2f} GiB"


def _fmt(v: float | None, spec: str = ".2f") -> str:
    return "–" if v is None else format(v, spec)


def slowest(result: dict, step: str, top: int) -> list[dict]:
    extra = result["steps"].get(step, {}).get("extra", {})
    nodes = [n for n in extra.get("nodes", []) if n["type"] in ("model", "seed")]
    return sorted(nodes, key=lambda n: -n["seconds"])[:top]


# The layers of the sessionized event pipeline (issue: sessions that stay correct on
# incremental runs): raw rows to events, sessions and page views.
SESSION_PIPELINE_LAYERS = ("staging/tracking", "intermediate/sessions", "marts/sessions")


def layer_table(steps: dict) -> list[str]:
    """Node seconds per model folder, full build against the incremental run, with the
    sessionized event pipeline's total: what one more day costs where the data is incremental
    and where the models still rebuild (tables)."""
    def layers(step: str) -> dict[str, float] | None:
        return ((steps.get(step) or {}).get("extra") or {}).get("seconds_by_layer")

    a, b, c = layers("full_build"), layers("incremental"), layers("settle")
    if a is None or b is None:
        return []

    def row(label: str, keys: list[str]) -> str:
        x, y = (sum(d.get(k, 0.0) for k in keys) for d in (a, b))
        settled = "" if c is None else f" {sum(c.get(k, 0.0) for k in keys):.1f} |"
        return f"| {label} | {x:.1f} |{settled} {y:.1f} | {_fmt(_ratio(y, x), '.2f')} |"

    lines = [
        "",
        "Node seconds by model folder (summed over dbt's threads): full build"
        + (", the build with nothing new (settle)" if c is not None else "")
        + " and the incremental day:",
        "",
        "| layer | full build s |" + (" settle s |" if c is not None else "")
        + " incremental s | incremental / full |",
        "| --- | ---: |" + (" ---: |" if c is not None else "") + " ---: | ---: |",
    ]
    for layer in sorted(set(a) | set(b), key=lambda k: -a.get(k, 0.0)):
        lines.append(row(layer, [layer]))
    lines.append(row(
        "**sessionized events (" + " + ".join(SESSION_PIPELINE_LAYERS) + ")**",
        list(SESSION_PIPELINE_LAYERS),
    ))
    return lines


def render_markdown(result: dict) -> str:
    steps = result["steps"]
    label = size_label(result["events"])
    m = result["machine"]
    lines = [
        f"# Benchmark: {label} events ({result['generated_lines']:,} lines, "
        f"{result['days']} days, seed {result['seed']})",
        "",
        f"Run {result['started_at']} – {result['finished_at']} UTC on {m['cpus']} cores "
        f"({m['cpu_model']}), {m['mem_total_gib']} GiB RAM; DuckDB {m['duckdb']}, dbt-core "
        f"{m['dbt_core']}, dbt-duckdb {m['dbt_duckdb']}, chdb {m['chdb']}; commit "
        f"`{result['commit']}`; memory_limit {result['memory_limit']}.",
    ]
    gen = steps.get("generate", {}).get("extra", {})
    if "lines_first_load" in gen:
        lines += [
            "",
            f"Landing: {gen['lines_first_load']:,} lines in {gen['files_first_load']} files "
            f"({gen['bytes_first_load'] / 2**20:,.0f} MiB) for the floor and the full build; the "
            f"incremental run lands the last day, {gen['last_day']}, and the late deliveries "
            f"after it: {gen['lines_last_day']:,} lines in {gen['files_last_day']} files "
            f"({100 * gen['lines_last_day'] / gen['lines']:.1f} % of all lines).",
        ]
    if not result.get("complete", True):
        lines += ["", "**Partial result**: only these steps had finished when this was "
                      f"written: {', '.join(steps)}."]
    if result.get("note"):
        lines += ["", f"Note: {result['note']}"]
    lines += [
        "",
        "| step | wall s | CPU s (user + sys) | CPU / wall | peak RSS "
        "| load (1 min) before → after |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, s in steps.items():
        lines.append(
            f"| {name} | {s['wall_s']:.1f} | {s['cpu_s']:.1f} ({s['user_s']:.1f} + "
            f"{s['sys_s']:.1f}) | {s['cpu_s'] / s['wall_s']:.2f} | "
            f"{_fmt_bytes(s['max_rss_bytes'])} | {s['load_before'][0]} → {s['load_after'][0]} |"
        )
    r = result["ratios"]
    lines += [
        "",
        "| ratio | wall | CPU |",
        "| --- | ---: | ---: |",
        f"| full build / floor | {_fmt(r['full_build_over_floor'])} | "
        f"{_fmt(r['full_build_over_floor_cpu'])} |",
        f"| incremental (one more day) / full build | {_fmt(r['incremental_over_full'], '.3f')} | "
        f"{_fmt(r['incremental_over_full_cpu'], '.3f')} |",
        f"| build with nothing new (settle) / full build | "
        f"{_fmt(r.get('settle_over_full'), '.3f')} | |",
        f"| our funnel / ClickHouse windowFunnel | {_fmt(r['funnel_over_clickhouse'])} | |",
        f"| our ordered funnel without reading events / ClickHouse | "
        f"{_fmt(r['funnel_core_over_clickhouse'])} | |",
        f"| events per second, full build | {_fmt(r['events_per_second_full_build'], ',.0f')} | |",
        f"| events per second, floor | {_fmt(r['events_per_second_floor'], ',.0f')} | |",
        "",
        "| target | value | limit | met |",
        "| --- | ---: | ---: | --- |",
    ]
    for t in result["targets"]:
        value = _fmt_bytes(t["value"]) if t["unit"] == "bytes" else _fmt(t["value"], ".3f")
        limit = _fmt_bytes(t["limit"]) if t["unit"] == "bytes" else t["limit"]
        met = {True: "yes", False: "**no**", None: "not measured"}[t["met"]]
        lines.append(f"| {t['target']} | {value} | {limit} | {met} |")
    if result["events"] != result["targets_reference_events"]:
        lines += ["", f"The targets are set for {size_label(result['targets_reference_events'])} "
                      "events; at this size they are indicative."]
    ch = steps.get("clickhouse", {}).get("extra")
    if ch:
        f, rt = ch["funnel"], ch["retention"]
        lines += [
            "",
            f"ClickHouse (chdb) on the same {ch['events']:,} events with a person (Parquet export "
            f"of `fct_events`, {ch['export_s']:.1f} s): funnel `{f['name']}` "
            f"({' → '.join(map(str, f['steps']))}, {f['window_hours']} h) windowFunnel "
            f"{f['clickhouse_s']:.2f} s vs our funnel models "
            f"{steps['funnel']['extra']['funnel_s']:.2f} s "
            f"(ordered core {steps['funnel']['extra']['ordered_core_s']:.2f} s); "
            f"persons per step ours {f['ours_persons']}, ClickHouse {f['clickhouse_persons']}: "
            f"**{'agree' if f['agree'] else 'differ: ' + ', '.join(f['differing'])}**. "
            f"Day retention `{rt['name']}` ({rt['periods']} days) with `retention` "
            f"{rt['clickhouse_s']:.2f} s: {rt['compared']} cohort/period figures "
            f"**{'agree' if rt['agree'] else 'differ: ' + ', '.join(rt['differing'])}**.",
        ]
    running = result.get("in_progress")
    if running:
        done = sorted(running["nodes"], key=lambda n: -n["seconds"])
        lines += [
            "",
            f"Step `{running['step']}` was still running when this was written: "
            f"{running['finished_nodes']} of {running['total_nodes']} dbt nodes done by "
            f"{running['last_log_clock']} UTC (from its log). Node seconds so far: "
            + ", ".join(f"{k} {v:.1f}" for k, v in sorted(running["seconds_by_type"].items()))
            + ". Slowest so far:",
            "",
            "| node | materialized | seconds |",
            "| --- | --- | ---: |",
        ]
        lines += [
            f"| {n['name']} | {n.get('materialized') or n['type']} | {n['seconds']:.1f} |"
            for n in done[:12]
        ]
    lines += layer_table(steps)
    for step, title in (("full_build", "full build"), ("incremental", "incremental run")):
        top = slowest(result, step, 12 if step == "full_build" else 8)
        if not top:
            continue
        extra = steps[step]["extra"]
        total = sum(extra["seconds_by_type"].values())
        lines += [
            "",
            f"Slowest models, {title} (dbt `run_results.json`; dbt elapsed {extra['elapsed_s']:.1f}"
            " s; node seconds by type: "
            + ", ".join(f"{k} {v:.1f}" for k, v in sorted(extra["seconds_by_type"].items()))
            + (f"; **failed: {', '.join(extra['failed'])}**" if extra["failed"] else "")
            + "):",
            "",
            "| model | materialized | seconds | share of node time |",
            "| --- | --- | ---: | ---: |",
        ]
        lines += [
            f"| {n['name']} | {n.get('materialized') or n['type']} | {n['seconds']:.1f} | "
            f"{100 * n['seconds'] / total:.0f} % |"
            for n in top
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Re-render a result's Markdown report, optionally re-reading the dbt figures first:
    python -m orchestration.bench.report FILE.json [--work-dir bench/work/events_<N>]"""
    import argparse  # noqa: PLC0415
    import json  # noqa: PLC0415

    from orchestration.bench.steps import refresh_dbt_figures  # noqa: PLC0415

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("result", type=Path)
    parser.add_argument("--work-dir", type=Path, default=None)
    parser.add_argument("--in-progress", default=None, metavar="STEP",
                        help="add what the still-running dbt STEP has finished (its log in "
                             "--work-dir/logs/STEP.log)")
    args = parser.parse_args(argv)
    result = json.loads(args.result.read_text())
    if args.in_progress:
        from orchestration.bench.steps import dbt_log_nodes  # noqa: PLC0415

        log = args.work_dir / "logs" / f"{args.in_progress}.log"
        result["in_progress"] = {"step": args.in_progress, **dbt_log_nodes(log)}
        args.work_dir = None  # the finished steps' figures stay as they are
    if args.work_dir is not None:
        refresh_dbt_figures(result, args.work_dir)
        result["ratios"] = ratios(result["steps"])
        result["targets"] = check_targets(result, load_targets())
        args.result.write_text(json.dumps(result, indent=2) + "\n")
    args.result.with_suffix(".md").write_text(render_markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
