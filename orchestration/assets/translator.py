"""How dbt resources appear in Dagster: asset groups by layer, and landing folders upstream.

The group comes from the folder a model lives in (models/<layer>/<area>/...), so a new model is
grouped without configuration.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dagster import AssetDep, AssetKey, AssetSpec
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtProject

LANDING_SOURCE = "landing"

# models/intermediate/<area> and models/marts/<area> -> group. Unknown areas are analysis marts.
AREA_GROUPS: dict[str, str] = {
    "identity": "identity",
    "sessions": "sessions",
    "tracking": "quality",
    "quality": "quality",
    "funnels": "analysis",
    "retention": "analysis",
    "paths": "analysis",
    "analysis": "analysis",
    "tags": "activation",
    "audiences": "activation",
    "triggers": "activation",
    "activation": "activation",
    "attribution": "marketing",
    "experiments": "marketing",
    "marketing": "marketing",
    "predictive": "predictive",
    "ml": "predictive",
    "privacy": "quality",
}

# Staging folders whose root models read landing files directly (through macros, not source()),
# and the landing table each reads: dbt cannot see that edge, so the translator draws it.
STAGING_FOLDER_LANDING: dict[str, str] = {
    "tracking": "events",
    "crm": "crm_customers",
    "consent": "consent",
}


def layer_group(props: Mapping[str, Any]) -> str:
    resource_type = props["resource_type"]
    if resource_type == "source":
        return "landing" if props["source_name"] == LANDING_SOURCE else "staging"
    if resource_type == "seed":
        return "staging"  # reference data read by staging and marts
    folders = list(props["fqn"][1:-1])  # fqn = [project, *folders, name]
    top = folders[0] if folders else ""
    if top == "staging":
        return "staging"
    if top == "audit":
        return "quality"
    if top in ("intermediate", "marts") and len(folders) > 1:
        return AREA_GROUPS.get(folders[1], "analysis")
    return AREA_GROUPS.get(top, "analysis")


# Models a file-reading staging model may depend on without reading its rows from them (the
# erasure suppression list filters what staging loads: docs/privacy.md).
FILTER_MODELS = frozenset({"audit_erased_subjects"})


def landing_key(table: str) -> AssetKey:
    return AssetKey([LANDING_SOURCE, table])


def landing_table_read_by(props: Mapping[str, Any]) -> str | None:
    """The landing table a staging model reads, when it reads files rather than other models."""
    folders = list(props["fqn"][1:-1])
    reads_models = any(
        dep.startswith(("model.", "seed.", "snapshot."))
        and dep.rsplit(".", 1)[-1] not in FILTER_MODELS
        for dep in props.get("depends_on", {}).get("nodes", [])
    )
    if props["resource_type"] != "model" or reads_models or folders[:1] != ["staging"]:
        return None
    return STAGING_FOLDER_LANDING.get(folders[1]) if len(folders) > 1 else None


def _landing_table_via_ephemeral(
    manifest: Mapping[str, Any], props: Mapping[str, Any]
) -> str | None:
    """The landing table read by an ephemeral staging model this model selects from (ephemeral
    models are not assets, so their landing edge moves to the models that read them)."""
    for dep in props.get("depends_on", {}).get("nodes", []):
        parent = manifest["nodes"].get(dep)
        if parent and parent.get("config", {}).get("materialized") == "ephemeral":
            table = landing_table_read_by(parent)
            if table is not None:
                return table
    return None


class BehaviorDbtTranslator(DagsterDbtTranslator):
    def __init__(self) -> None:
        # dbt tests stay asset checks (the default); said explicitly because the checks rely on it.
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))

    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None
    ) -> AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        spec = spec.replace_attributes(group_name=layer_group(props))
        table = landing_table_read_by(props) or _landing_table_via_ephemeral(manifest, props)
        if table is not None and landing_key(table) not in {dep.asset_key for dep in spec.deps}:
            spec = spec.replace_attributes(deps=[*spec.deps, AssetDep(landing_key(table))])
        return spec


translator = BehaviorDbtTranslator()


def model_asset_keys(manifest: Mapping[str, Any]) -> dict[str, AssetKey]:
    """Model/seed/snapshot name -> its asset key (the checks attach by model name)."""
    return {
        node["name"]: translator.get_asset_key(node)
        for node in manifest["nodes"].values()
        if node["resource_type"] in ("model", "seed", "snapshot")
    }
