"""Webhook delivery against a local HTTP server that fails, times out and recovers: each action
takes effect exactly once, including after a crash between the send and the log write."""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest

from orchestration.delivery.webhooks import (
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    DeliveryConfig,
    Endpoint,
    RetryPolicy,
    deliver_new_actions,
)
from orchestration.settings import Settings

SECRET = "test-webhook-secret"
SECRET_ENV = "ACTIVATION_TEST_WEBHOOK_SECRET"


@dataclass
class Receiver:
    """What the server saw: every request on the wire, and the effects after de-duplication on
    the Idempotency-Key (what a correct receiver does)."""

    script: list[str] = field(default_factory=list)  # per request: ok | fail | hang
    wire: list[str] = field(default_factory=list)
    effects: Counter[str] = field(default_factory=Counter)
    bad_signatures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def make_handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server API)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            key = self.headers[IDEMPOTENCY_HEADER]
            expected = (
                "sha256="
                + hmac.new(
                    SECRET.encode(),
                    self.headers[TIMESTAMP_HEADER].encode() + b"." + body,
                    hashlib.sha256,
                ).hexdigest()
            )
            with receiver.lock:
                receiver.wire.append(key)
                mode = receiver.script.pop(0) if receiver.script else "ok"
                if not hmac.compare_digest(expected, self.headers[SIGNATURE_HEADER]):
                    receiver.bad_signatures += 1
            if mode == "hang":
                time.sleep(1.0)  # longer than the client's timeout
            if mode in ("fail", "hang"):
                self.send_response(503)
                self.end_headers()
                return
            assert json.loads(body)["action_id"] == key
            with receiver.lock:
                if receiver.effects[key] == 0:
                    receiver.effects[key] += 1  # apply once; a repeat key is acknowledged only
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    rec = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(rec))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield rec, f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, SECRET)


def make_warehouse(
    path: Path, actions: list[tuple[str, str, str]], blocked: set[str] = frozenset()
) -> Settings:
    """A tiny warehouse file holding just the outbox and the consent the deliverer reads."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute(
            "create table marts.fct_trigger_actions (action_id varchar, rule_name varchar,"
            " person_id varchar, occurrence_key varchar, fired_at timestamp,"
            " payload varchar)"
        )
        con.execute(
            "create table marts.dim_person_profile (person_id varchar, marketing_allowed boolean)"
        )
        for i, (action, rule, person) in enumerate(actions):
            con.execute(
                "insert into marts.fct_trigger_actions values (?, ?, ?, ?, ?, ?)",
                [
                    action,
                    rule,
                    person,
                    str(i),
                    f"2026-10-01 10:0{i}:00",
                    json.dumps({"rule": rule, "person_id": person}),
                ],
            )
        for person in {p for _, _, p in actions}:
            con.execute(
                "insert into marts.dim_person_profile values (?, ?)",
                [person, person not in blocked],
            )
    return Settings(raw_dir=path.parent / "raw", duckdb_path=path, pii_salt="x")


def config(url: str, max_attempts: int = 5) -> DeliveryConfig:
    return DeliveryConfig(
        endpoints=(Endpoint(name="hook", url=url, secret_env=SECRET_ENV, timeout_s=0.3),),
        policy=RetryPolicy(max_attempts=max_attempts, backoff_base_s=0.05, backoff_max_s=0.2),
    )


def log_rows(path: Path) -> dict[str, tuple[str, int, str | None]]:
    with sqlite3.connect(path) as con:
        return {
            a: (s, n, e)
            for a, s, n, e in con.execute(
                "select action_id, state, attempts, last_error from deliveries"
            )
        }


ACTIONS = [
    ("a1", "cart_abandoned", "p1"),
    ("a2", "cart_abandoned", "p2"),
    ("a3", "inactive_7_days", "p3"),
]


def test_retries_through_failures_and_timeouts(tmp_path: Path, receiver) -> None:
    rec, url = receiver
    # in order: a1 gets a 503, a2 times out, a3 succeeds; the retries of a1 and a2 succeed
    rec.script = ["fail", "hang", "ok", "ok", "ok"]
    settings = make_warehouse(tmp_path / "wh.duckdb", ACTIONS)
    log = tmp_path / "log.sqlite"
    report = deliver_new_actions(settings, config=config(url), log_path=log, max_wait_s=5)
    assert report.delivered == 3 and report.failed == 0 and report.retried == 2
    assert rec.effects == Counter({"a1": 1, "a2": 1, "a3": 1})
    assert rec.bad_signatures == 0
    rows = log_rows(log)
    assert rows == {
        "a1": ("delivered", 2, None),
        "a2": ("delivered", 2, None),
        "a3": ("delivered", 1, None),
    }
    # a rerun finds nothing to send
    wire = len(rec.wire)
    again = deliver_new_actions(settings, config=config(url), log_path=log, max_wait_s=1)
    assert again.attempts == 0 and len(rec.wire) == wire


def test_crash_between_send_and_log_write_is_delivered_once(tmp_path: Path, receiver) -> None:
    rec, url = receiver
    settings = make_warehouse(tmp_path / "wh.duckdb", ACTIONS)
    log = tmp_path / "log.sqlite"

    class Crash(RuntimeError):
        pass

    def crash_on_a2(action_id: str, endpoint: str) -> None:
        if action_id == "a2":
            raise Crash("process killed after the receiver answered, before the log write")

    with pytest.raises(Crash):
        deliver_new_actions(settings, config=config(url), log_path=log, after_send=crash_on_a2)
    assert log_rows(log)["a2"][0] == "sending"  # the intent was logged, the outcome was not
    # the restarted deliverer re-sends a2 with the same idempotency key, then a3
    report = deliver_new_actions(settings, config=config(url), log_path=log)
    assert report.delivered == 2
    assert Counter(rec.wire) == Counter({"a1": 1, "a2": 2, "a3": 1})  # at-least-once on the wire
    assert rec.effects == Counter({"a1": 1, "a2": 1, "a3": 1})  # exactly once in effect
    assert {a: s for a, (s, _, _) in log_rows(log).items()} == {
        "a1": "delivered",
        "a2": "delivered",
        "a3": "delivered",
    }
    deliver_new_actions(settings, config=config(url), log_path=log)
    assert len(rec.wire) == 4


def test_gives_up_after_max_attempts(tmp_path: Path, receiver) -> None:
    rec, url = receiver
    rec.script = ["fail"] * 10
    settings = make_warehouse(tmp_path / "wh.duckdb", ACTIONS[:1])
    log = tmp_path / "log.sqlite"
    report = deliver_new_actions(
        settings, config=config(url, max_attempts=3), log_path=log, max_wait_s=5
    )
    assert report.failed == 1 and report.delivered == 0
    assert log_rows(log)["a1"] == ("failed", 3, "HTTP 503")
    assert rec.effects == Counter()


def test_withdrawn_consent_is_never_sent(tmp_path: Path, receiver) -> None:
    rec, url = receiver
    settings = make_warehouse(tmp_path / "wh.duckdb", ACTIONS, blocked={"p2"})
    log = tmp_path / "log.sqlite"
    deliver_new_actions(settings, config=config(url), log_path=log)
    assert "a2" not in rec.wire
    assert log_rows(log)["a2"][0] == "suppressed"


def test_consent_withdrawn_after_queueing_suppresses(tmp_path: Path, receiver) -> None:
    rec, url = receiver
    rec.script = ["fail"] * 10
    log = tmp_path / "log.sqlite"
    settings = make_warehouse(tmp_path / "wh.duckdb", ACTIONS[:1])
    deliver_new_actions(settings, config=config(url), log_path=log)  # a1 queued, failed once
    (tmp_path / "wh.duckdb").unlink()
    settings = make_warehouse(tmp_path / "wh.duckdb", ACTIONS[:1], blocked={"p1"})
    rec.script = []
    deliver_new_actions(settings, config=config(url), log_path=log, max_wait_s=1)
    assert log_rows(log)["a1"][0] == "suppressed"
    assert rec.effects == Counter()
