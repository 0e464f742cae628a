"""The engine's floor: DuckDB reads the landing files the full build reads, takes out the client
key and the event time, and writes them sorted by client and time into a table.

Run as a child process by the suite: `python -m orchestration.bench.floor --raw DIR --db FILE`.
JSON lines are read as text lines and parsed, as staging reads them; Parquet columns directly.
This is the least any build must do (read, parse, sort, write once), not a model of one.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import duckdb

JSON_SUFFIXES = (".jsonl", ".jsonl.gz")


def _list(files: list[Path]) -> str:
    return "[" + ", ".join("'" + str(f).replace("'", "''") + "'" for f in files) + "]"


def floor_sql(json_files: list[Path], parquet_files: list[Path]) -> str:
    parts = []
    if json_files:
        parts.append(f"""
            select
                coalesce(
                    json_extract_string(j, '$.context.device.id'),
                    json_extract_string(j, '$.context.wechat.openid'),
                    json_extract_string(j, '$.anonymous_id'),
                    'user:' || json_extract_string(j, '$.user_id')
                ) as client_key,
                try_cast(json_extract_string(j, '$.timestamp') as timestamptz) as event_time,
                json_extract_string(j, '$.message_id') as message_id
            from (select line::json as j from read_csv({_list(json_files)},
                columns = {{'line': 'VARCHAR'}}, header = false, delim = '\\x1e', quote = '',
                escape = '', auto_detect = false, strict_mode = false)
            where json_valid(line))""")
    if parquet_files:
        parts.append(f"""
            select
                coalesce(p.context.device.id, p.context.wechat.openid, p.anonymous_id,
                    'user:' || p.user_id) as client_key,
                try_cast(p.timestamp as timestamptz) as event_time,
                p.message_id as message_id
            from read_parquet({_list(parquet_files)}, union_by_name = true) as p""")
    union = "\nunion all\n".join(parts)
    return f"create table floor_events as\nselect * from ({union})\norder by client_key, event_time"


def run_floor(raw_dir: Path, db_path: Path, memory_limit: str, threads: int) -> dict:
    files = sorted((raw_dir / "events").iterdir())
    json_files = [f for f in files if f.name.endswith(JSON_SUFFIXES)]
    parquet_files = [f for f in files if f.name.endswith(".parquet")]
    db_path.unlink(missing_ok=True)
    started = time.perf_counter()
    with duckdb.connect(str(db_path)) as con:
        con.execute(f"set memory_limit = '{memory_limit}'")
        con.execute(f"set threads = {int(threads)}")
        con.execute(f"set temp_directory = '{db_path}.tmp'")
        con.execute("set timezone = 'UTC'")
        con.execute(floor_sql(json_files, parquet_files))
        rows = con.execute("select count(*) from floor_events").fetchone()[0]
    return {
        "rows": rows,
        "files": len(json_files) + len(parquet_files),
        "query_s": round(time.perf_counter() - started, 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--raw", type=Path, required=True)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--memory-limit", default="8GB")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--out", type=Path, required=True, help="where to write the JSON result")
    args = parser.parse_args(argv)
    result = run_floor(args.raw, args.db, args.memory_limit, args.threads)
    args.out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
