"""Score the warehouse's tags against the sample generator's planted segments."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

import duckdb

# planted segment (truth persons.csv `segments`) -> the tag that should find it
SEGMENT_TAGS = {
    "active_browser": "active_browser",
    "price_sensitive": "price_sensitive",
    "near_conversion_dropout": "near_conversion_dropout",
    "high_value": "high_value",
    "churner": "churn_risk",
}
# identifier types written in clear text in the truth (phone/email are hashed in the warehouse)
CLEAR_TYPES = ("user_id", "anonymous_id", "device_id", "openid", "unionid", "crm_customer_id")


def truth_to_warehouse(truth_dir: Path, con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Truth person_key -> warehouse person_id, by majority over the person's own identifiers."""
    map_rows = con.execute(
        "select identifier_type, identifier_value, person_id from marts.dim_identity_map "
        "where person_id is not null"
    ).fetchall()
    warehouse = {(t, v): p for t, v, p in map_rows}
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    with (truth_dir / "identifiers.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["kind"] != "person" or row["identifier_type"] not in CLEAR_TYPES:
                continue
            person_id = warehouse.get((row["identifier_type"], row["identifier_value"]))
            if person_id is not None:
                votes[row["person_key"]][person_id] += 1
    return {key: counter.most_common(1)[0][0] for key, counter in votes.items()}


def tag_scores(truth_dir: Path, duckdb_path: Path) -> dict[str, dict[str, float]]:
    """Per planted segment: truth persons seen in the warehouse, tagged persons, precision, recall.

    A warehouse person counts as the truth person who owns most of its identifiers; persons the
    warehouse did not resolve (no events) are not in the denominator of recall."""
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        key_to_person = truth_to_warehouse(truth_dir, con)
        tags = con.execute("select person_id, tag from marts.fct_person_tags").fetchall()
    person_to_keys: dict[str, Counter[str]] = defaultdict(Counter)
    for key, person_id in key_to_person.items():
        person_to_keys[person_id][key] += 1
    segments: dict[str, set[str]] = defaultdict(set)
    with (truth_dir / "persons.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            for segment in filter(None, row["segments"].split(";")):
                if row["person_key"] in key_to_person:
                    segments[segment].add(row["person_key"])
    tagged: dict[str, set[str]] = defaultdict(set)
    for person_id, tag in tags:
        keys = person_to_keys.get(person_id)
        if keys:
            tagged[tag].add(keys.most_common(1)[0][0])
    scores: dict[str, dict[str, float]] = {}
    for segment, tag in SEGMENT_TAGS.items():
        truth, predicted = segments[segment], tagged[tag]
        hits = len(truth & predicted)
        scores[segment] = {
            "truth": len(truth),
            "tagged": len(predicted),
            "precision": hits / len(predicted) if predicted else 0.0,
            "recall": hits / len(truth) if truth else 0.0,
        }
    return scores
