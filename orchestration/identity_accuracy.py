"""Accuracy of the OneID identity graph against the sample-data generator's ground truth.

Pairwise precision and recall over the identifiers of real persons (kind = person in the truth
`identifiers.csv`: identifier_type, identifier_value, person_key, kind; phone and email values
there are normalized raw values and are hashed here the way staging hashes them:
sha256(f"{salt}|{value}") hex). Only identifiers that reached the warehouse's dim_identity_map
are scored (identifiers that never appeared in valid data cannot be resolved); a shared
identifier (person_id null) counts as a person of its own.

`attainable_recall` is the recall of a perfect resolver that joins two identifiers of a true
person only when the data links them (a path of co-occurrence edges of int_identity__edges
within that person): a client that never logged in cannot be attributed to its person from the
data. `relative_recall` = correct pairs / attainable pairs.

`unattainable` explains the gap ("why did these not merge"): each true person's identifiers
fall into fragments (components of that person's own edges); every fragment but the person's
main one (the one holding the account, else the largest) is counted by a cause, the person's
kind (`identified`: has a user_id, `grey`: none) and the channels the fragment was seen on
(`crm` when only a CRM record holds it), with the true pairs it costs.

    python -m orchestration.identity_accuracy --warehouse PATH --truth DIR --salt S
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

HASHED_TYPES = ("phone", "email")


@dataclass(frozen=True)
class IdentityAccuracy:
    identifiers_in_truth: int
    identifiers_scored: int
    true_persons: int
    predicted_persons: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    precision: float
    recall: float
    overmerged_persons: int  # predicted persons holding identifiers of two or more true persons
    shared_identifiers_of_persons: int  # person identifiers the graph marked shared
    attainable_pairs: int
    attainable_recall: float
    relative_recall: float
    # "<identified|grey> client on <channels>" -> [fragments, true pairs lost]
    unattainable: dict[str, list[int]] = field(default_factory=dict)


def _hash(value: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}|{value}".encode()).hexdigest()


def load_truth(truth_dir: Path, salt: str) -> pd.DataFrame:
    truth = pd.read_csv(truth_dir / "identifiers.csv", dtype=str, keep_default_na=False)
    truth = truth[truth["kind"] == "person"].copy()
    hashed = truth["identifier_type"].isin(HASHED_TYPES)
    truth.loc[hashed, "identifier_value"] = [
        _hash(v, salt) for v in truth.loc[hashed, "identifier_value"]
    ]
    return truth[["identifier_type", "identifier_value", "person_key"]].drop_duplicates()


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _person_fragments(con: duckdb.DuckDBPyConnection) -> dict[str, list[list[tuple]]]:
    """Per true person, its identifiers grouped into the components of its own edges:
    [[(node_id, identifier_type, channels), ...], ...]."""
    rows = con.execute(
        """
        select e.node_a, e.node_b
        from intermediate.int_identity__edges as e
        inner join truth as ta
            on e.type_a = ta.identifier_type and e.value_a = ta.identifier_value
        inner join truth as tb
            on e.type_b = tb.identifier_type and e.value_b = tb.identifier_value
        where ta.person_key = tb.person_key
        """
    ).fetchall()
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    for a, b in rows:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    persons: dict[str, dict[int, list[tuple]]] = defaultdict(lambda: defaultdict(list))
    for node_id, identifier_type, channels, person_key in con.execute(
        """
        select n.node_id, n.identifier_type, n.channels, t.person_key
        from truth as t
        inner join intermediate.int_identity__nodes as n
            on t.identifier_type = n.identifier_type and t.identifier_value = n.identifier_value
        """
    ).fetchall():
        persons[person_key][find(node_id)].append((node_id, identifier_type, channels))
    return {key: list(frags.values()) for key, frags in persons.items()}


def _has_account(fragment: list[tuple]) -> bool:
    return any(identifier_type == "user_id" for _, identifier_type, _ in fragment)


def unattainable_breakdown(fragments: dict[str, list[list[tuple]]]) -> dict[str, list[int]]:
    """Fragments cut off from their person's main fragment, by cause, and the pairs they cost
    (a fragment costs its pairs with every fragment ranked before it, so the costs add up to
    true pairs - attainable pairs)."""
    fragment_counts: Counter[str] = Counter()
    lost: Counter[str] = Counter()
    for frags in fragments.values():
        if len(frags) < 2:
            continue
        ranked = sorted(frags, key=lambda f: (not _has_account(f), -len(f), min(f)[0]))
        kind = "identified" if any(_has_account(f) for f in ranked) else "grey"
        before = len(ranked[0])
        for frag in ranked[1:]:
            channels = sorted({c for _, _, chs in frag for c in (chs or "").split(";") if c})
            cause = f"{kind} client on {'+'.join(channels) or 'crm'}"
            fragment_counts[cause] += 1
            lost[cause] += len(frag) * before
            before += len(frag)
    return {cause: [fragment_counts[cause], lost[cause]] for cause, _ in lost.most_common()}


def attainable_pairs(fragments: dict[str, list[list[tuple]]]) -> int:
    """Pairs of identifiers of one true person that a path of that person's edges links."""
    return sum(_pairs(len(f)) for frags in fragments.values() for f in frags)


def score(warehouse: Path, truth_dir: Path, salt: str) -> IdentityAccuracy:
    truth = load_truth(truth_dir, salt)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        con.register("truth", truth)
        [row] = con.execute(
            """
            with
            scored as (
                select
                    t.person_key,
                    coalesce(m.person_id, 'shared:' || m.identifier_key) as predicted_person,
                    m.person_id is null as is_shared
                from truth as t
                inner join marts.dim_identity_map as m
                    on t.identifier_type = m.identifier_type
                    and t.identifier_value = m.identifier_value
            ),
            cells as (
                select person_key, predicted_person, count(*) as n
                from scored group by all
            ),
            true_sizes as (select person_key, count(*) as n from scored group by all),
            predicted_sizes as (
                select predicted_person, count(*) as n, count(distinct person_key) as true_persons
                from scored group by all
            )
            select
                (select count(*) from scored),
                (select count(*) from true_sizes),
                (select count(*) from predicted_sizes),
                (select coalesce(sum(n * (n - 1) // 2), 0) from true_sizes),
                (select coalesce(sum(n * (n - 1) // 2), 0) from predicted_sizes),
                (select coalesce(sum(n * (n - 1) // 2), 0) from cells),
                (select count(*) from predicted_sizes where true_persons > 1),
                (select count(*) from scored where is_shared)
            """
        ).fetchall()
        fragments = _person_fragments(con)
    finally:
        con.close()
    attainable = attainable_pairs(fragments)
    scored, true_persons, predicted_persons, true_pairs, predicted_pairs, correct = (
        int(v) for v in row[:6]
    )
    return IdentityAccuracy(
        identifiers_in_truth=len(truth),
        identifiers_scored=scored,
        true_persons=true_persons,
        predicted_persons=predicted_persons,
        true_pairs=true_pairs,
        predicted_pairs=predicted_pairs,
        correct_pairs=correct,
        precision=correct / predicted_pairs if predicted_pairs else 1.0,
        recall=correct / true_pairs if true_pairs else 1.0,
        overmerged_persons=int(row[6]),
        shared_identifiers_of_persons=int(row[7]),
        attainable_pairs=attainable,
        attainable_recall=attainable / true_pairs if true_pairs else 1.0,
        relative_recall=correct / attainable if attainable else 1.0,
        unattainable=unattainable_breakdown(fragments),
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True, help="the DuckDB warehouse file")
    parser.add_argument("--truth", type=Path, required=True, help="the generator's truth dir")
    parser.add_argument("--salt", required=True, help="the PII salt the warehouse was built with")
    args = parser.parse_args(argv)
    print(json.dumps(asdict(score(args.warehouse, args.truth, args.salt)), indent=2))


if __name__ == "__main__":
    main()
