"""Deliver fct_trigger_actions to webhooks, each action exactly once (docs/activation.md).

The delivery log is a small SQLite file of its own (``BEHAVIOR_DELIVERY_LOG``, default
``delivery_log.sqlite`` beside the warehouse), never the warehouse: dbt is the warehouse's one
writer, and the deliverer only ever opens the warehouse read-only, for a moment, to copy new
actions into the log. Each (action, endpoint) row moves through a state machine:

    pending --(attempt starts: state=sending, attempts+1, committed)--> sending
    sending --(2xx)--> delivered            sending --(error, attempts left)--> pending
    sending --(error, no attempts left)--> failed
    pending --(person's marketing consent withdrawn before sending)--> suppressed

A crash between the HTTP response and the log write leaves the row in ``sending``; the next run
sends it again with the same ``Idempotency-Key`` (the action_id). So the wire is at-least-once
and the receiver de-duplicates on the key: each action takes effect exactly once. A delivered
row is never sent again.

CLI: ``python -m orchestration.delivery.webhooks [--config FILE] [--log FILE] [--max-wait S]``.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import sqlite3
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import yaml

from orchestration.settings import REPO_ROOT, Settings, load_settings

DEFAULT_CONFIG = Path(__file__).with_name("webhooks.yml")
SIGNATURE_HEADER = "X-Behavior-Signature"
TIMESTAMP_HEADER = "X-Behavior-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"
ATTEMPT_HEADER = "X-Behavior-Delivery-Attempt"
DEFAULT_SECRET_ENV = "BEHAVIOR_WEBHOOK_SECRET"


class DeliveryConfigError(ValueError):
    pass


class WarehouseBusy(RuntimeError):
    """The warehouse is locked by a writer (dbt); try again later."""


@dataclass(frozen=True)
class Endpoint:
    name: str
    url: str
    rules: tuple[str, ...] = ()  # empty: every rule
    secret_env: str = DEFAULT_SECRET_ENV
    timeout_s: float = 10.0

    def accepts(self, rule_name: str) -> bool:
        return not self.rules or rule_name in self.rules

    def secret(self) -> bytes:
        value = os.environ.get(self.secret_env)
        if not value:
            raise DeliveryConfigError(
                f"endpoint {self.name}: the signing secret env var {self.secret_env} is not set"
            )
        return value.encode()


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    backoff_base_s: float = 2.0
    backoff_max_s: float = 600.0

    def delay(self, attempts: int) -> float:
        """Wait after the attempts-th failed attempt: base * 2^(attempts - 1), capped."""
        return min(self.backoff_max_s, self.backoff_base_s * 2 ** max(attempts - 1, 0))


@dataclass(frozen=True)
class DeliveryConfig:
    endpoints: tuple[Endpoint, ...] = ()
    policy: RetryPolicy = field(default_factory=RetryPolicy)


def load_config(path: Path | None = None) -> DeliveryConfig:
    """Endpoints and retry policy from YAML (``BEHAVIOR_WEBHOOKS_CONFIG`` or webhooks.yml)."""
    path = path or Path(os.environ.get("BEHAVIOR_WEBHOOKS_CONFIG", DEFAULT_CONFIG))
    if not path.is_absolute():
        path = REPO_ROOT / path
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(raw, dict):
        raise DeliveryConfigError(f"{path}: must be a mapping with endpoints and policy")
    endpoints = []
    for item in raw.get("endpoints") or []:
        if not isinstance(item, dict) or not item.get("name") or not item.get("url"):
            raise DeliveryConfigError(f"{path}: every endpoint needs a name and a url: {item!r}")
        unknown = set(item) - {"name", "url", "rules", "secret_env", "timeout_s"}
        if unknown:
            raise DeliveryConfigError(f"{path}: endpoint {item['name']}: unknown keys {unknown}")
        endpoints.append(
            Endpoint(
                name=str(item["name"]),
                url=str(item["url"]),
                rules=tuple(item.get("rules") or ()),
                secret_env=str(item.get("secret_env", DEFAULT_SECRET_ENV)),
                timeout_s=float(item.get("timeout_s", 10.0)),
            )
        )
    if len({e.name for e in endpoints}) != len(endpoints):
        raise DeliveryConfigError(f"{path}: endpoint names must be unique")
    policy = RetryPolicy(**(raw.get("policy") or {}))
    return DeliveryConfig(endpoints=tuple(endpoints), policy=policy)


def default_log_path(settings: Settings) -> Path:
    value = os.environ.get("BEHAVIOR_DELIVERY_LOG")
    if value:
        path = Path(value).expanduser()
        return path if path.is_absolute() else REPO_ROOT / path
    return settings.duckdb_path.with_name("delivery_log.sqlite")


LOG_SCHEMA = """
create table if not exists deliveries (
    action_id text not null,
    endpoint text not null,
    rule_name text not null,
    person_id text not null,
    fired_at text,
    payload text,
    state text not null check (state in ('pending', 'sending', 'delivered', 'failed',
                                         'suppressed')),
    attempts integer not null default 0,
    last_status integer,
    last_error text,
    next_attempt_at real not null default 0,
    enqueued_at real not null,
    last_attempt_at real,
    delivered_at real,
    primary key (action_id, endpoint)
);
create index if not exists deliveries_due on deliveries (state, next_attempt_at);
"""


class DeliveryLog:
    """The SQLite delivery log; every state change is its own committed transaction."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.con = sqlite3.connect(str(path), timeout=30, isolation_level=None)
        self.con.execute("pragma journal_mode=wal")
        self.con.executescript(LOG_SCHEMA)

    def close(self) -> None:
        self.con.close()

    def enqueue(
        self, rows: Iterable[dict[str, Any]], endpoints: Iterable[Endpoint], now: float
    ) -> int:
        """Add (action, endpoint) rows not in the log yet; returns how many were added."""
        endpoints = list(endpoints)
        added = 0
        self.con.execute("begin immediate")
        try:
            for row in rows:
                for endpoint in endpoints:
                    if not endpoint.accepts(row["rule_name"]):
                        continue
                    cur = self.con.execute(
                        "insert or ignore into deliveries (action_id, endpoint, rule_name,"
                        " person_id, fired_at, payload, state, enqueued_at)"
                        " values (?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            row["action_id"],
                            endpoint.name,
                            row["rule_name"],
                            row["person_id"],
                            row["fired_at"],
                            row["payload"],
                            "pending" if row["marketing_allowed"] else "suppressed",
                            now,
                        ),
                    )
                    added += cur.rowcount
            self.con.execute("commit")
        except BaseException:
            self.con.execute("rollback")
            raise
        return added

    def suppress(self, person_ids: set[str]) -> int:
        """Persons who may no longer be contacted: their undelivered actions are suppressed."""
        if not person_ids:
            return 0
        cur = self.con.executemany(
            "update deliveries set state = 'suppressed', last_error = 'marketing consent withdrawn'"
            " where person_id = ? and state in ('pending', 'sending')",
            [(p,) for p in sorted(person_ids)],
        )
        return cur.rowcount

    def due(self, now: float) -> list[sqlite3.Row]:
        self.con.row_factory = sqlite3.Row
        try:
            return self.con.execute(
                "select * from deliveries where state in ('pending', 'sending')"
                " and next_attempt_at <= ? order by fired_at, action_id, endpoint",
                (now,),
            ).fetchall()
        finally:
            self.con.row_factory = None

    def next_due_at(self) -> float | None:
        row = self.con.execute(
            "select min(next_attempt_at) from deliveries where state in ('pending', 'sending')"
        ).fetchone()
        return row[0] if row else None

    def start_attempt(self, action_id: str, endpoint: str, now: float) -> int:
        self.con.execute(
            "update deliveries set state = 'sending', attempts = attempts + 1, last_attempt_at = ?"
            " where action_id = ? and endpoint = ?",
            (now, action_id, endpoint),
        )
        return self.con.execute(
            "select attempts from deliveries where action_id = ? and endpoint = ?",
            (action_id, endpoint),
        ).fetchone()[0]

    def mark_delivered(self, action_id: str, endpoint: str, status: int, now: float) -> None:
        self.con.execute(
            "update deliveries set state = 'delivered', last_status = ?, last_error = null,"
            " delivered_at = ? where action_id = ? and endpoint = ?",
            (status, now, action_id, endpoint),
        )

    def mark_failed(
        self,
        action_id: str,
        endpoint: str,
        status: int | None,
        error: str,
        next_attempt_at: float | None,
    ) -> None:
        self.con.execute(
            "update deliveries set state = ?, last_status = ?, last_error = ?,"
            " next_attempt_at = coalesce(?, next_attempt_at)"
            " where action_id = ? and endpoint = ?",
            (
                "failed" if next_attempt_at is None else "pending",
                status,
                error[:500],
                next_attempt_at,
                action_id,
                endpoint,
            ),
        )

    def counts(self) -> dict[str, int]:
        return dict(self.con.execute("select state, count(*) from deliveries group by state"))


def read_new_actions(duckdb_path: Path) -> tuple[list[dict[str, Any]], set[str]]:
    """All outbox actions with the person's current marketing consent, and the persons who may
    not be contacted now (read-only, briefly; WarehouseBusy while a writer holds the file)."""
    if not duckdb_path.exists():
        return [], set()
    try:
        con = duckdb.connect(str(duckdb_path), read_only=True)
    except duckdb.IOException as exc:  # locked by a writer (dbt)
        raise WarehouseBusy(str(exc)) from exc
    try:
        tables = {
            r[0]
            for r in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        }
        if "fct_trigger_actions" not in tables:
            return [], set()
        rows = con.execute(
            """
            select
                a.action_id, a.rule_name, a.person_id,
                strftime(a.fired_at, '%Y-%m-%dT%H:%M:%S.%gZ') as fired_at,
                a.payload, coalesce(p.marketing_allowed, false) as marketing_allowed
            from marts.fct_trigger_actions as a
            left join marts.dim_person_profile as p on a.person_id = p.person_id
            order by a.fired_at, a.action_id
            """
        ).fetchall()
    finally:
        con.close()
    names = ["action_id", "rule_name", "person_id", "fired_at", "payload", "marketing_allowed"]
    actions = [dict(zip(names, r, strict=True)) for r in rows]
    blocked = {a["person_id"] for a in actions if not a["marketing_allowed"]}
    return actions, blocked


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>", hex, prefixed with the scheme."""
    digest = hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def post(endpoint: Endpoint, row: sqlite3.Row, attempt: int, now: float) -> int:
    """POST one action; returns the HTTP status (raises on network errors and timeouts)."""
    body = json.dumps(
        {
            "action_id": row["action_id"],
            "rule_name": row["rule_name"],
            "person_id": row["person_id"],
            "fired_at": row["fired_at"],
            "payload": json.loads(row["payload"]) if row["payload"] else None,
        },
        sort_keys=True,
        ensure_ascii=False,
    ).encode()
    timestamp = str(int(now))
    request = urllib.request.Request(
        endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            IDEMPOTENCY_HEADER: row["action_id"],
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(endpoint.secret(), timestamp, body),
            ATTEMPT_HEADER: str(attempt),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=endpoint.timeout_s) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@dataclass
class DeliveryReport:
    enqueued: int = 0
    attempts: int = 0
    delivered: int = 0
    retried: int = 0
    failed: int = 0
    suppressed: int = 0
    skipped_reason: str | None = None
    states: dict[str, int] = field(default_factory=dict)


def deliver_pending(
    log: DeliveryLog,
    config: DeliveryConfig,
    *,
    max_wait_s: float = 0.0,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
    after_send: Callable[[str, str], None] | None = None,
) -> DeliveryReport:
    """Send every due row; keep retrying (sleeping for the backoff) while the next retry is due
    within max_wait_s of the start. after_send(action_id, endpoint) runs between a successful
    response and the log write (tests raise there to simulate a crash)."""
    report = DeliveryReport()
    endpoints = {e.name: e for e in config.endpoints}
    deadline = clock() + max_wait_s
    while True:
        for row in log.due(clock()):
            endpoint = endpoints.get(row["endpoint"])
            if endpoint is None:  # removed from the config: leave the row for later
                continue
            attempt = log.start_attempt(row["action_id"], row["endpoint"], clock())
            report.attempts += 1
            status: int | None = None
            try:
                status = post(endpoint, row, attempt, clock())
                error = None if 200 <= status < 300 else f"HTTP {status}"
            except (OSError, TimeoutError) as exc:  # URLError, refused, reset, timeout
                error = f"{type(exc).__name__}: {exc}"
            if error is None:
                if after_send is not None:
                    after_send(row["action_id"], row["endpoint"])
                log.mark_delivered(row["action_id"], row["endpoint"], status or 200, clock())
                report.delivered += 1
            elif attempt >= config.policy.max_attempts:
                log.mark_failed(row["action_id"], row["endpoint"], status, error, None)
                report.failed += 1
            else:
                retry_at = clock() + config.policy.delay(attempt)
                log.mark_failed(row["action_id"], row["endpoint"], status, error, retry_at)
                report.retried += 1
        next_due = log.next_due_at()
        if next_due is None or next_due > deadline:
            break
        sleep(max(0.0, next_due - clock()))
    report.states = log.counts()
    return report


def deliver_new_actions(
    settings: Settings | None = None,
    *,
    config: DeliveryConfig | None = None,
    log_path: Path | None = None,
    max_wait_s: float = 0.0,
    after_send: Callable[[str, str], None] | None = None,
) -> DeliveryReport:
    """What the CLI and the Dagster sensor call: copy new actions from the warehouse (read-only)
    into the delivery log, suppress persons without marketing consent, deliver what is due."""
    settings = settings or load_settings()
    config = config or load_config()
    log = DeliveryLog(log_path or default_log_path(settings))
    try:
        report = DeliveryReport()
        try:
            actions, blocked = read_new_actions(settings.duckdb_path)
        except WarehouseBusy as exc:
            actions, blocked = [], set()
            report.skipped_reason = f"warehouse busy, delivering what is queued: {exc}"
        if config.endpoints:
            report.enqueued = log.enqueue(actions, config.endpoints, time.time())
        report.suppressed = log.suppress(blocked)
        sent = deliver_pending(log, config, max_wait_s=max_wait_s, after_send=after_send)
        sent.enqueued, sent.suppressed = report.enqueued, report.suppressed
        sent.skipped_reason = report.skipped_reason
        if not config.endpoints:
            sent.skipped_reason = "no webhook endpoints configured"
        return sent
    finally:
        log.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path, default=None, help="webhooks YAML")
    parser.add_argument("--log", type=Path, default=None, help="delivery log SQLite file")
    parser.add_argument(
        "--max-wait",
        type=float,
        default=60.0,
        help="keep retrying failed deliveries for up to this many seconds",
    )
    args = parser.parse_args(argv)
    report = deliver_new_actions(
        config=load_config(args.config), log_path=args.log, max_wait_s=args.max_wait
    )
    print(json.dumps(report.__dict__, indent=2, sort_keys=True))
    return 1 if report.failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
