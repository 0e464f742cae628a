from __future__ import annotations

from pathlib import Path

import pytest

from tests.warehouse import Warehouse

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    """An empty landing dir and warehouse for one test."""
    wh = Warehouse(tmp_path)
    wh.raw_dir.mkdir(parents=True)
    return wh
