"""Great Expectations suites run as Dagster asset checks (see factory.py and quality.yml)."""

from orchestration.checks.factory import build_quality_checks

__all__ = ["build_quality_checks"]
