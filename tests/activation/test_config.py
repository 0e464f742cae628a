"""A malformed activation config fails the compile with a message naming the item."""

from __future__ import annotations

import pytest

from orchestration.dbt_cli import DbtError
from tests.warehouse import Warehouse


def test_malformed_audience_is_a_clear_compile_error(warehouse: Warehouse) -> None:
    bad = {"activation_audiences": [{"name": "vip", "all_tags": ["no_such_tag"]}]}
    with pytest.raises(DbtError, match="activation config: audience vip: all_tags names unknown"):
        warehouse.dbt("compile", "--select", "fct_audience_members", dbt_vars=bad)
