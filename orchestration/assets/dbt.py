"""The dbt project as Dagster assets, one op per layer.

Splitting by layer lets a run stop between layers (a failing blocking quality check on staging
keeps identity from building) and shows each layer's dbt invocation separately. Each op runs
`dbt build` on its selection, so its dbt tests run with it and appear as asset checks.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from dagster import AssetExecutionContext, AssetsDefinition
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.assets.translator import translator
from orchestration.project import dbt_project, manifest
from orchestration.resources import WAREHOUSE_POOL


@dataclass(frozen=True)
class DbtLayer:
    name: str
    paths: tuple[str, ...]  # folders relative to the project root

    @property
    def select(self) -> str:
        return " ".join(f"path:{path}" for path in self.paths)


# The layers with an op of their own, in build order; every other model, seed and snapshot
# (analysis, activation, marketing marts, quality reports) is built by the `marts` op.
LAYERS: tuple[DbtLayer, ...] = (
    DbtLayer("staging", ("seeds", "models/staging", "models/audit")),
    DbtLayer("identity", ("models/intermediate/identity", "models/marts/identity")),
    DbtLayer("sessions", ("models/intermediate/sessions", "models/marts/sessions")),
)
BUILDABLE = ("model", "seed", "snapshot")


def _node_paths() -> list[str]:
    return [
        node["original_file_path"]
        for node in manifest()["nodes"].values()
        if node["resource_type"] in BUILDABLE
    ]


def _in_layer(path: str, layer: DbtLayer) -> bool:
    return any(path.startswith(f"{folder}/") for folder in layer.paths)


def _dbt_layer_assets(name: str, select: str, exclude: str | None) -> AssetsDefinition:
    @dbt_assets(
        manifest=dbt_project.manifest_path,
        project=dbt_project,
        select=select,
        exclude=exclude,
        name=f"{name}_dbt_assets",
        dagster_dbt_translator=translator,
        pool=WAREHOUSE_POOL,
    )
    def _assets(context: AssetExecutionContext, dbt: DbtCliResource) -> Iterator:
        yield from dbt.cli(["build"], context=context).stream()

    return _assets


def build_dbt_assets() -> list[AssetsDefinition]:
    """One assets definition per layer that has models in the manifest (models being written
    by others may not exist yet; an empty selection is not a definition)."""
    paths = _node_paths()
    definitions = [
        _dbt_layer_assets(layer.name, layer.select, None)
        for layer in LAYERS
        if any(_in_layer(path, layer) for path in paths)
    ]
    if any(not any(_in_layer(path, layer) for layer in LAYERS) for path in paths):
        exclude = " ".join(layer.select for layer in LAYERS)
        definitions.append(_dbt_layer_assets("marts", "fqn:*", exclude))
    return definitions
