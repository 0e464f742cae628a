"""The static HTML report (orchestration/report): KPI tiles and charts over the marts, written
to BEHAVIOR_REPORT_DIR (default reports/) as one self-contained file. docs/report.md."""

from orchestration.report.build import build_report, report_path

__all__ = ["build_report", "report_path"]
