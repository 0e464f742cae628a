"""Asset definitions: the landing folders (external) and the dbt project split by layer."""

from orchestration.assets.dbt import build_dbt_assets
from orchestration.assets.landing import landing_specs

__all__ = ["build_dbt_assets", "landing_specs"]
