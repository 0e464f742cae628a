"""Documentation coverage of the dbt models: every model and every column described.

    python -m orchestration.docs_coverage [--target target] [--duckdb warehouse.duckdb]
                                          [--layers staging marts] [--min 100]

Reads `<target>/manifest.json` (run `dbt parse` first). A model counts as documented when it
has a description; a column when its YAML entry has a description. With `--duckdb` (a built
warehouse, opened read-only) the columns of the built relation that the YAML does not list count
as undocumented too, so a column added in SQL but not in YAML is caught. Exits 1 when a layer
in `--layers` is below `--min` percent.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from orchestration.settings import REPO_ROOT

DEFAULT_LAYERS = ("staging", "marts")


@dataclass
class LayerCoverage:
    layer: str
    models: int = 0
    models_documented: int = 0
    columns: int = 0
    columns_documented: int = 0
    missing: list[str] = field(default_factory=list)

    @property
    def percent(self) -> float:
        total = self.models + self.columns
        documented = self.models_documented + self.columns_documented
        return 100.0 if total == 0 else 100.0 * documented / total


def model_layer(node: Mapping[str, Any]) -> str:
    """models/<layer>/... -> layer (fqn = [project, *folders, name])."""
    folders = node["fqn"][1:-1]
    return folders[0] if folders else ""


def _described(text: str | None) -> bool:
    return bool((text or "").strip())


def built_columns(duckdb_path: Path) -> dict[str, list[str]]:
    """relation name -> its columns, from the warehouse's information_schema."""
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        rows = con.execute(
            "select table_name, column_name from information_schema.columns "
            "where table_catalog = current_database() order by table_name, ordinal_position"
        ).fetchall()
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(table, []).append(column)
    return columns


def coverage(
    manifest: Mapping[str, Any],
    relation_columns: Mapping[str, Iterable[str]] | None = None,
    layers: Iterable[str] | None = None,
) -> dict[str, LayerCoverage]:
    """Coverage per layer of the project's models (all layers when `layers` is None)."""
    wanted = set(layers) if layers is not None else None
    result: dict[str, LayerCoverage] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        layer = model_layer(node)
        if wanted is not None and layer not in wanted:
            continue
        cov = result.setdefault(layer, LayerCoverage(layer))
        name = node.get("alias") or node["name"]
        cov.models += 1
        if _described(node.get("description")):
            cov.models_documented += 1
        else:
            cov.missing.append(f"{name} (model description)")
        yaml_columns = {c.lower(): col for c, col in node.get("columns", {}).items()}
        names = list(yaml_columns)
        if relation_columns is not None:
            names += [
                c.lower() for c in relation_columns.get(name, []) if c.lower() not in yaml_columns
            ]
        for column in names:
            cov.columns += 1
            entry = yaml_columns.get(column)
            if entry is not None and _described(entry.get("description")):
                cov.columns_documented += 1
            else:
                why = "no description" if entry is not None else "built but not in YAML"
                cov.missing.append(f"{name}.{column} ({why})")
    return result


def render(result: Mapping[str, LayerCoverage]) -> str:
    lines = []
    for layer in sorted(result):
        cov = result[layer]
        lines.append(
            f"{layer:<14} models {cov.models_documented}/{cov.models}  "
            f"columns {cov.columns_documented}/{cov.columns}  {cov.percent:.1f}%"
        )
        lines += [f"    missing: {item}" for item in sorted(cov.missing)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--target", type=Path, default=REPO_ROOT / "target")
    parser.add_argument("--duckdb", type=Path, default=None, help="a built warehouse file")
    parser.add_argument("--layers", nargs="+", default=list(DEFAULT_LAYERS))
    parser.add_argument("--min", type=float, default=100.0, dest="minimum")
    args = parser.parse_args(argv)
    manifest = json.loads((args.target / "manifest.json").read_text())
    relation_columns = built_columns(args.duckdb) if args.duckdb else None
    result = coverage(manifest, relation_columns)
    print(render(result))
    short = [
        layer for layer in args.layers
        if layer in result and result[layer].percent < args.minimum
    ]
    if short:
        print(f"Documentation coverage below {args.minimum}% in: {', '.join(short)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
