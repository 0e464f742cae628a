"""Build the report file from a warehouse: read it read-only, render, write atomically.

    python -m orchestration.report [--out PATH]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from orchestration.report.data import ReportData, load
from orchestration.report.render import render
from orchestration.settings import REPO_ROOT, Settings, load_settings

REPORT_FILE = "behavior_report.html"


def report_dir() -> Path:
    path = Path(os.environ.get("BEHAVIOR_REPORT_DIR", "reports")).expanduser()
    return path if path.is_absolute() else REPO_ROOT / path


def report_path() -> Path:
    return report_dir() / REPORT_FILE


def write_report(settings: Settings, out: Path | None = None) -> tuple[Path, ReportData]:
    """Write the report for the settings' warehouse; returns its path and the data shown."""
    out = out or report_path()
    data = load(settings.duckdb_path)
    html = render(data, str(settings.duckdb_path))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(out)
    return out, data


def build_report(settings: Settings, out: Path | None = None) -> Path:
    return write_report(settings, out)[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the static HTML report.")
    parser.add_argument("--out", type=Path, default=None, help=f"default {report_path()}")
    args = parser.parse_args(argv)
    print(build_report(load_settings(), args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
