"""Activation on the generated sample (the shared sample_warehouse): tags recover the planted
segments, exports carry hashed identifiers only and respect consent."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pyarrow.parquet as pq

from orchestration.delivery.exports import export_audiences
from tests.activation.tag_recovery import tag_scores
from tests.warehouse import Warehouse

# Floors, each a little under what the default config scores on the fixture's sample (20,000
# events, 14 days, seed 11; figures in docs/activation.md), with room for generator changes.
# Why they are not higher:
# - price_sensitive is planted as a price band and a coupon habit, but most such persons never
#   reach checkout and their cheap views overlap everyone else's;
# - near_conversion_dropout: every person whose last checkout had no purchase is tagged, and
#   ordinary persons drop out at checkout too (precision); a dropout whose checkout is less than
#   activation_checkout_dropout_days before the data's end is not judged yet, and a person
#   without analytics consent is not profiled (recall);
# - high_value: repeat buyers include ordinary persons who happened to buy twice.
FLOORS = {
    "active_browser": (0.65, 0.45),
    "price_sensitive": (0.35, 0.30),
    "near_conversion_dropout": (0.25, 0.70),
    "high_value": (0.55, 0.85),
    "churner": (0.60, 0.80),
}


def test_tags_recover_planted_segments(sample_warehouse: Warehouse) -> None:
    wh = sample_warehouse
    scores = tag_scores(wh.truth_dir, wh.settings.duckdb_path)
    for segment, score in scores.items():
        print(
            f"{segment:26s} truth={score['truth']:4.0f} tagged={score['tagged']:4.0f} "
            f"precision={score['precision']:.2f} recall={score['recall']:.2f}"
        )
    for segment, (precision, recall) in FLOORS.items():
        assert scores[segment]["precision"] >= precision, (segment, scores[segment])
        assert scores[segment]["recall"] >= recall, (segment, scores[segment])


def test_audience_exports(sample_warehouse: Warehouse, tmp_path: Path) -> None:
    wh = sample_warehouse
    manifests = export_audiences(wh.settings, out_dir=tmp_path)
    members = dict(
        wh.query("select audience_name, count(*) from marts.fct_audience_members group by 1")
    )
    assert members and set(manifests) == set(members)
    blocked = {
        p
        for (p,) in wh.query(
            "select person_id from marts.dim_person_profile where not marketing_allowed"
        )
    }
    assert blocked, "the sample should have persons without marketing consent"
    hex64 = re.compile(r"^[0-9a-f]{64}$")
    for name, manifest in manifests.items():
        folder = tmp_path / name
        assert json.loads((folder / "manifest.json").read_text()) == manifest
        assert manifest["count"] == members[name]
        assert manifest["test_count"] + manifest["holdout_count"] == manifest["count"]
        assert re.fullmatch(r"[0-9a-f]{32}", manifest["definition_hash"])
        with (folder / "members.csv").open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        assert len(rows) == manifest["count"] == pq.read_table(folder / "members.parquet").num_rows
        assert set(rows[0]) == {"person_id", "audience_group", "phone_hashes", "email_hashes"}
        for row in rows:
            assert row["person_id"] not in blocked
            for column in ("phone_hashes", "email_hashes"):
                assert all(hex64.match(v) for v in filter(None, row[column].split(";")))
    # no trigger action for a person without marketing consent either
    assert not wh.query(
        "select 1 from marts.fct_trigger_actions as a inner join marts.dim_person_profile as p"
        " on a.person_id = p.person_id where not p.marketing_allowed"
    )


def test_holdout_split_is_stable_and_near_share(sample_warehouse: Warehouse) -> None:
    rows = sample_warehouse.query(
        "select audience_name, person_id, audience_group, holdout_share"
        " from marts.fct_audience_members"
    )
    import hashlib

    for name, person, group, share in rows:
        unit = int(hashlib.md5(f"{name}|{person}".encode()).hexdigest()[:8], 16) / 2**32
        assert group == ("holdout" if unit < share else "test")
