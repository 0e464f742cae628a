"""Staging on the generated sample, scored against the generator's ground truth and against the
landing files read independently here (json / gzip / pyarrow)."""

from __future__ import annotations

import csv
import gzip
import json
import re
from collections import Counter
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from tests.warehouse import Warehouse


def landed_records(raw_dir: Path) -> dict[tuple[str, int], str]:
    """(file relative to the landing dir, 1-based line) -> raw text, for every non-blank record."""
    records: dict[tuple[str, int], str] = {}
    for path in sorted((raw_dir / "events").iterdir()):
        name = f"events/{path.name}"
        if path.suffix == ".parquet":
            for i, row in enumerate(pq.read_table(path).to_pylist(), start=1):
                records[(name, i)] = json.dumps(row, ensure_ascii=False)
            continue
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as f:
            for i, line in enumerate(f, start=1):
                if line.strip():
                    records[(name, i)] = line
    return records


def test_raw_rows_equal_staged_plus_quarantined(sample_warehouse: Warehouse) -> None:
    records = landed_records(sample_warehouse.raw_dir)
    staged = sample_warehouse.query(
        "select _source_file, _line_number from staging.stg_tracking__events"
    )
    quarantined = sample_warehouse.query(
        "select source_file, line_number from audit.audit_quarantined_events"
    )
    outcomes = Counter(staged) + Counter(quarantined)
    assert set(outcomes) == set(records)
    assert all(n == 1 for n in outcomes.values())


def test_every_planted_bad_row_is_quarantined_for_its_reason(sample_warehouse: Warehouse) -> None:
    with (sample_warehouse.truth_dir / "bad_rows.csv").open(newline="") as f:
        truth = {
            (f"events/{row['source_file']}", int(row["line_number"])): row["reason"]
            for row in csv.DictReader(f)
        }
    assert truth, "the generator planted no bad rows"
    got = dict(
        ((file, line), reason)
        for file, line, reason in sample_warehouse.query(
            "select source_file, line_number, reason from audit.audit_quarantined_events"
        )
    )
    wrong = {
        k: (truth.get(k), got.get(k)) for k in set(truth) | set(got) if truth.get(k) != got.get(k)
    }
    assert not wrong, f"{len(wrong)} rows differ (truth, warehouse), e.g. {list(wrong.items())[:5]}"
    assert set(Counter(truth.values())) >= {
        "malformed_json",
        "missing_timestamp",
        "invalid_timestamp",
        "future_timestamp",
        "no_identifier",
        "unknown_type",
        "duplicate_message_id",
    }


def _raw_personal_values(raw_dir: Path) -> tuple[set[str], set[str]]:
    """(values to find as substrings, values to find whole) in the landing data."""
    substrings: set[str] = set()
    whole: set[str] = set()
    for text in landed_records(raw_dir).values():
        try:
            record = json.loads(text)
        except json.JSONDecodeError:
            continue
        if not isinstance(record, dict):
            continue
        traits = record.get("traits") or {}
        context = record.get("context") or {}
        for value in (
            traits.get("phone"),
            traits.get("email"),
            context.get("ip"),
            context.get("user_agent"),
        ):
            if isinstance(value, str) and len(value.strip()) >= 7:
                substrings.add(value.strip())
        ip = context.get("ip")
        if isinstance(ip, str) and ip.strip().endswith(".0"):
            # an address ending in .0 equals its own /24 network, which staging keeps on purpose
            substrings.discard(ip.strip())
        if isinstance(traits.get("name"), str) and traits["name"].strip():
            whole.add(traits["name"].strip())
    crm = raw_dir / "crm_customers"
    for path in crm.glob("*.csv") if crm.exists() else []:
        with path.open(newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                for key in ("phone", "email"):
                    if row.get(key) and len(row[key].strip()) >= 7:
                        substrings.add(row[key].strip())
                if row.get("name"):
                    whole.add(row["name"].strip())
    return substrings, whole


def _trie_pattern(words: set[str]) -> str:
    """A regular expression matching exactly `words`, shaped as a trie: the same language as
    `a|b|c...`, but Python's engine tries the shared prefixes once instead of every word at every
    position (the plain alternation of ~1,300 values took minutes on the sample)."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [re.escape(c) + pattern(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:  # a word ends here and longer ones go on
            return "(?:" + body + ")?"
        return body

    return pattern(trie)


def _leaks(db_path: Path, substrings: set[str], whole: set[str]) -> list[tuple[str, ...]]:
    """(schema, table, column, value) of every VARCHAR column in which some value equals one of
    `whole` or contains one of `substrings` at token boundaries: not preceded by a digit or a
    dot, not followed by a digit (1.2.3.4 must not match inside 11.2.3.45, nor a phone inside a
    longer number). One read-only connection for all columns."""
    assert all(substrings), "an empty value to look for would match everywhere"
    pattern = re.compile(f"(?<![0-9.])(?:{_trie_pattern(substrings)})(?![0-9])")
    leaks = []
    with duckdb.connect(str(db_path), read_only=True) as con:
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where data_type = 'VARCHAR' and table_catalog = current_database()"
        ).fetchall()
        for schema, table, column in columns:
            values = con.execute(
                f'select distinct "{column}" from "{schema}"."{table}" '
                f'where "{column}" is not null'
            ).fetchall()
            for (value,) in values:
                if value in whole or pattern.search(value):
                    leaks.append((schema, table, column, value[:80]))
                    break
    return leaks


def test_no_raw_personal_value_in_any_relation(sample_warehouse: Warehouse) -> None:
    substrings, whole = _raw_personal_values(sample_warehouse.raw_dir)
    assert substrings and whole, "the sample has no personal data to look for"
    # phones also appear as their digits only: look for those too
    substrings |= {re.sub(r"\D", "", v) for v in substrings if "@" not in v and "." not in v}
    leaks = _leaks(sample_warehouse.settings.duckdb_path, substrings, whole)
    assert not leaks, leaks
