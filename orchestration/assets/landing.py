"""The landing folders (dbt source `landing`) as external assets in group `landing`.

Nothing in Dagster materializes them: files arrive from collectors and CRM exports. The staging
models depend on them (see translator.landing_table_read_by), and the new-events sensor watches
the events folder.
"""

from __future__ import annotations

from dagster import AssetSpec

from orchestration.assets.translator import LANDING_SOURCE, landing_key
from orchestration.project import manifest


def landing_specs() -> list[AssetSpec]:
    specs = []
    for source in manifest()["sources"].values():
        if source["source_name"] != LANDING_SOURCE:
            continue
        path = source.get("meta", {}).get("landing_path", f"{source['name']}/")
        specs.append(
            AssetSpec(
                key=landing_key(source["name"]),
                description=" ".join((source.get("description") or "").split()),
                group_name="landing",
                kinds={"file"},
                metadata={"landing_path": f"$BEHAVIOR_RAW_DIR/{path}"},
            )
        )
    return sorted(specs, key=lambda spec: spec.key.to_user_string())
