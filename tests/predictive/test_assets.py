"""The predictive assets materialize in-process on a pre-built warehouse."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import pytest

from tests.warehouse import Warehouse

pytestmark = pytest.mark.slow


def test_assets_materialize(
    predictive_warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from orchestration.assets import build_dbt_assets
    from orchestration.predictive.assets import build_predictive_assets, dbt_model_key

    dbt_assets = build_dbt_assets()
    fct_events = dbt_model_key(dbt_assets, "fct_events")
    predictive_assets = build_predictive_assets(dbt_assets)

    # a copy: the model tests read the shared warehouse and this run appends metrics
    db = tmp_path / "warehouse.duckdb"
    shutil.copy2(predictive_warehouse.settings.duckdb_path, db)
    monkeypatch.setenv("BEHAVIOR_DUCKDB_PATH", str(db))
    monkeypatch.setenv("BEHAVIOR_RAW_DIR", str(predictive_warehouse.raw_dir))

    keys = [a.key for a in predictive_assets]
    assert all(a.group_names_by_key[a.key] == "predictive" for a in predictive_assets)
    assert all(
        fct_events in {d.asset_key for d in a.specs_by_key[a.key].deps} for a in predictive_assets
    )
    result = dg.materialize(
        [*predictive_assets, dg.AssetSpec(fct_events)],  # fct_events: built, not materialized
        selection=keys,
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    events = {
        e.asset_key: e.materialization.metadata for e in result.get_asset_materialization_events()
    }
    assert set(events) == set(keys)
    for metadata in events.values():
        assert metadata["metrics"].value
        assert metadata["training_seconds"].value >= 0
        assert "feature_importance" in metadata
    churn = events[dg.AssetKey(["ml", "ml_churn_scores"])]
    assert churn["metric/roc_auc"].value >= 0.75  # the target; see test_models

    wh = Warehouse(tmp_path)
    assert wh.query("select count(distinct model_name) from ml.ml_model_metrics")[0][0] == 4
