"""`make run`: make sure there is data, build the whole warehouse, print the summary.

    python -m orchestration.run [--events N] [--days D] [--seed S]
"""

from __future__ import annotations

import argparse
import sys
import time

from orchestration.dbt_cli import DbtError, run_dbt
from orchestration.settings import Settings, load_settings
from orchestration.summary import render_summary

DEFAULT_SAMPLE = {"events": 300_000, "days": 30, "seed": 7}


def landing_has_events(settings: Settings) -> bool:
    events_dir = settings.raw_dir / "events"
    return events_dir.is_dir() and any(
        p.is_file() and not p.name.startswith(".") for p in events_dir.iterdir()
    )


def ensure_sample_data(settings: Settings, events: int, days: int, seed: int) -> None:
    if landing_has_events(settings):
        print(f"Landing directory {settings.raw_dir} holds events; not generating.")
        return
    from orchestration.sample_data import GeneratorConfig, generate

    print(f"Generating the sample data set ({events:,} events, {days} days, seed {seed}) ...")
    started = time.monotonic()
    generate(
        GeneratorConfig(
            events=events, days=days, seed=seed, out_dir=settings.raw_dir,
            truth_dir=settings.truth_dir,
        )
    )
    print(f"  done in {time.monotonic() - started:.1f}s -> {settings.raw_dir}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=DEFAULT_SAMPLE["events"])
    parser.add_argument("--days", type=int, default=DEFAULT_SAMPLE["days"])
    parser.add_argument("--seed", type=int, default=DEFAULT_SAMPLE["seed"])
    args = parser.parse_args(argv)

    settings = load_settings()
    ensure_sample_data(settings, args.events, args.days, args.seed)
    started = time.monotonic()
    try:
        run_dbt(settings, ["build"], quiet=True)
        failed = None
    except DbtError as error:
        failed = error
    print(f"dbt build finished in {time.monotonic() - started:.1f}s")
    print(render_summary(settings))
    if failed is not None:
        print(str(failed)[-4000:], file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
