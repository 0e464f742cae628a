"""python -m orchestration.sample_data --events 1000000 --days 30 --seed 7 --out data/raw"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from orchestration.sample_data.config import FORMATS, GeneratorConfig
from orchestration.sample_data.generate import generate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m orchestration.sample_data",
        description="Generate a deterministic landing directory of raw tracking events, CRM and "
                    "consent files, plus the ground truth the warehouse is scored against.",
    )
    parser.add_argument("--events", type=int, default=1_000_000,
                        help="target number of event lines (actual total within 10%%)")
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("data/raw"), help="landing directory")
    parser.add_argument("--truth-out", type=Path, default=None,
                        help="ground-truth directory (default: 'truth' beside --out)")
    parser.add_argument("--start-date", type=dt.date.fromisoformat,
                        default=dt.date(2026, 10, 1))
    parser.add_argument("--format", choices=FORMATS, default="mixed", dest="fmt")
    args = parser.parse_args(argv)
    cfg = GeneratorConfig(events=args.events, days=args.days, seed=args.seed, out_dir=args.out,
                          truth_dir=args.truth_out, start_date=args.start_date, fmt=args.fmt)
    result = generate(cfg)
    print(f"{result.lines:,} lines ({result.good_events:,} events, {result.duplicates:,} "
          f"duplicates, {result.bad_rows:,} bad rows) for {result.persons:,} persons in "
          f"{len(result.event_files)} event files -> {result.out_dir}")
    print(f"ground truth -> {result.truth_dir}; {result.seconds:.1f}s "
          + " ".join(f"{k}={v:.1f}s" for k, v in result.timings.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
