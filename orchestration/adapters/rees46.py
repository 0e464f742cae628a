"""Map the REES46 e-commerce clickstream (Kaggle, "eCommerce behavior data from multi category
store") into the landing contract, so the warehouse can be run on real data.

    python -m orchestration.adapters.rees46 --src ../shared/data/rees46/2019-Oct-head.csv --out DIR

Mapping: one CSV row -> one `track` event on the `web` channel.
- event_type view / cart / remove_from_cart / purchase -> view_item / add_to_cart /
  remove_from_cart / purchase.
- user_id (the store's permanent visitor id) -> user_id; user_session -> properties.store_session_id
  (kept so our sessions can be compared with the store's).
- product_id, category_code (else category_id), brand, price -> properties; a purchase gets
  revenue = price, quantity 1, currency USD and an order id derived from the row.
- event_time ('2019-10-01 00:00:00 UTC') -> timestamp and received_at (the data has no lateness).
- message_id: the data has no event id and identical rows occur; the id is a hash of the row plus
  its position among identical rows, so re-running the adapter gives the same ids and identical
  rows stay separate events.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

EVENT_NAMES = {
    "view": "view_item",
    "cart": "add_to_cart",
    "remove_from_cart": "remove_from_cart",
    "purchase": "purchase",
}


@dataclass(frozen=True)
class AdapterResult:
    rows_read: int
    events_written: int
    skipped: dict[str, int]
    out_file: Path


def iso_utc(value: str) -> str:
    """'2019-10-01 00:00:00 UTC' -> '2019-10-01T00:00:00Z'."""
    return value.replace(" UTC", "").replace(" ", "T") + "Z"


def to_event(row: dict[str, str], occurrence: int) -> dict:
    fingerprint = "|".join(row[k] for k in sorted(row)) + f"#{occurrence}"
    message_id = "rees46-" + hashlib.sha1(fingerprint.encode()).hexdigest()[:24]
    event_name = EVENT_NAMES[row["event_type"]]
    properties: dict[str, object] = {
        "product_id": row["product_id"],
        "category": row["category_code"] or f"category_{row['category_id']}",
        "category_id": row["category_id"],
        "brand": row["brand"] or None,
        "price": float(row["price"]),
        "store_session_id": row["user_session"] or None,
    }
    if event_name == "purchase":
        properties.update(
            order_id="rees46-order-" + message_id[7:19],
            revenue=float(row["price"]),
            quantity=1,
            currency="USD",
        )
    return {
        "message_id": message_id,
        "type": "track",
        "event": event_name,
        "timestamp": iso_utc(row["event_time"]),
        "received_at": iso_utc(row["event_time"]),
        "user_id": row["user_id"],
        "context": {"channel": "web", "device": {"type": "desktop"}},
        "properties": properties,
    }


def convert_rows(rows: Iterator[dict[str, str]], skipped: Counter) -> Iterator[dict]:
    seen: Counter = Counter()
    for row in rows:
        if row.get("event_type") not in EVENT_NAMES:
            skipped["unknown_event_type"] += 1
            continue
        key = tuple(sorted(row.items()))
        yield to_event(row, seen[key])
        seen[key] += 1


def convert(src: Path, out_dir: Path) -> AdapterResult:
    """Write the events of `src` to `out_dir/events/events_rees46_<stem>.jsonl`."""
    out_file = out_dir / "events" / f"events_rees46_{src.stem}.jsonl"
    out_file.parent.mkdir(parents=True, exist_ok=True)
    skipped: Counter = Counter()
    rows_read = written = 0
    with (
        src.open(newline="", encoding="utf-8") as f_in,
        out_file.open("w", encoding="utf-8") as f_out,
    ):
        reader = csv.DictReader(f_in)

        def counted() -> Iterator[dict[str, str]]:
            nonlocal rows_read
            for row in reader:
                rows_read += 1
                yield row

        for event in convert_rows(counted(), skipped):
            f_out.write(json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n")
            written += 1
    return AdapterResult(rows_read, written, dict(skipped), out_file)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--src", type=Path, required=True, help="the REES46 CSV file")
    parser.add_argument("--out", type=Path, required=True, help="the landing directory to write to")
    args = parser.parse_args(argv)
    result = convert(args.src, args.out)
    print(
        f"read {result.rows_read:,} rows, wrote {result.events_written:,} events to "
        f"{result.out_file}; skipped {result.skipped or 'none'}"
    )


if __name__ == "__main__":
    main()
