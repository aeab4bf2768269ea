"""Issue #16's "done when": a steady trickle of writes through the API while PostgreSQL goes away
and comes back (a proxy the test cuts), then Redis (a private redis-server the test stops and
starts); never the machine's shared servers.

The writer is a client as the API asks clients to be: each contribution has an
``Idempotency-Key``, and an answer of 503 is retried with the same key until it is taken. In the
end every write is in the ledger exactly once; the service recovered by itself (the same app,
never restarted); and ``/readyz`` told the truth throughout: 200 before, 503 during each outage
(naming the store, then the broker), 200 after.

The outages last seconds, not the issue's minute (the PostgreSQL one until the writer has been
refused a few times, some 15 seconds with the library's own retries; the Redis one three
seconds): nothing in the service counts how long a server has been away, so a longer outage only
means more refused attempts. The whole test takes about half a minute (marked slow). With the
issue's minute, each outage at least that long::

    CONSORTIUM_TEST_OUTAGE_SECONDS=60 scripts/test -n 0 tests/api/test_outages_under_writes.py
"""

from __future__ import annotations

import faulthandler
import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Final

import psycopg
import pytest
from flask import Flask
from werkzeug.test import TestResponse

from events.bootstrap import Store, migrate, open_store
from events.configuration import Settings
from tests.backends import POSTGRES_URL
from tests.conftest import Api, issue_token
from tests.outage import PrivateRedis, Proxy, postgres_behind_proxy, private_redis
from tests.workers.support import wait_until
from web.app import create_app

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

PAUSE_SECONDS: Final = 0.1  # between one write taken and the next; and before a retry
# Each outage lasts at least this long when set (the issue's minute: 60); unset, seconds.
AT_LEAST_SECONDS: Final = float(os.environ.get("CONSORTIUM_TEST_OUTAGE_SECONDS", "0"))
REDIS_OUTAGE_SECONDS: Final = max(3.0, AT_LEAST_SECONDS)
PROBE_SECONDS: Final = 0.3  # how often /readyz is asked
LISTS_CATCH_UP_SECONDS: Final = 120.0
# An exchange nobody answers is given up after 20 s (a pool's check of an idle connection after
# 3 s), then the follower waits up to 30 s before it tries again: with room to spare.
LISTS_RECOVER_SECONDS: Final = 180.0


class Writer(threading.Thread):
    """Logs a contribution of one euro after another, each retried with its key until taken."""

    def __init__(self, app: Flask, token: str, consortium_id: str, member_id: str) -> None:
        super().__init__(daemon=True)
        self.api = Api(app.test_client(), token)
        self.url = f"/api/v1/consortia/{consortium_id}/contributions"
        self.member_id = member_id
        self.written: list[str] = []  # the keys of the writes taken (201), in order
        self.answers: list[int] = []  # every status answered, retries included
        self.stopping = threading.Event()

    def run(self) -> None:
        number = 0
        while not self.stopping.is_set():
            number += 1
            key = f"trickle-{number}"
            body = {
                "member_id": self.member_id,
                "kind": "cash",
                "amount": "1.00",
                "date": date.today().isoformat(),
                "reference": key,
            }
            while True:  # a write is never given up: that is the client's side of the bargain
                status = self.api.post(self.url, json=body, headers={"Idempotency-Key": key})
                self.answers.append(status.status_code)
                if status.status_code == 201:
                    self.written.append(key)
                    break
                time.sleep(PAUSE_SECONDS)
            time.sleep(PAUSE_SECONDS)

    def refused(self) -> int:
        return self.answers.count(503)


class Probe:
    """Asks /readyz, and keeps each answer with the phase it was asked in."""

    def __init__(self, app: Flask) -> None:
        self.client = app.test_client()
        self.seen: list[tuple[str, int, dict[str, bool]]] = []

    def ask(self, phase: str) -> int:
        answer = self.client.get("/readyz")
        body = answer.get_json() or {}
        checks = {name: bool(check.get("ok")) for name, check in body.get("checks", {}).items()}
        self.seen.append((phase, answer.status_code, checks))
        return answer.status_code

    def during(self, phase: str, until: Callable[[], bool], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not until() and time.monotonic() < deadline:
            self.ask(phase)
            time.sleep(PROBE_SECONDS)
        self.ask(phase)

    def in_phase(self, phase: str) -> list[tuple[int, dict[str, bool]]]:
        return [(status, checks) for seen, status, checks in self.seen if seen == phase]


@pytest.fixture
def service(tmp_path: Path) -> Iterator[tuple[Proxy, PrivateRedis, Store, Flask]]:
    with postgres_behind_proxy() as (proxy, settings), private_redis(tmp_path) as broker:
        migrate(settings)
        store = open_store(settings)
        configured = Settings.given(secret_key="t", base_url="http://t", broker_url=broker.url)
        app = create_app(store, configured, {"RATELIMIT_STORAGE_URI": broker.url})
        try:
            yield proxy, broker, store, app
        finally:
            proxy.restore()
            store.close()


def test_writes_through_a_database_then_a_broker_outage_are_each_kept_once(
    service: tuple[Proxy, PrivateRedis, Store, Flask],
) -> None:
    proxy, broker, store, app = service
    token = issue_token(store, "pm@x.example", admin=True)
    pm = Api(app.test_client(), token)
    consortium_id = pm.post(
        "/api/v1/consortia", json={"name": "Storingsvrij", "challenge": "Uitval"}
    ).get_json()["id"]
    member_id = pm.post(
        f"/api/v1/consortia/{consortium_id}/members",
        json={"party": "Gemeente Utrecht", "sector": "municipality", "role": "lead"},
    ).get_json()["id"]
    writer = Writer(app, token, consortium_id, member_id)
    probe = Probe(app)
    writer.start()

    assert wait_until(lambda: len(writer.written) >= 3)
    probe.ask("before")

    proxy.cut()
    cut_at = time.monotonic()
    probe.during(
        "database away",
        lambda: writer.refused() >= 3 and time.monotonic() - cut_at >= AT_LEAST_SECONDS,
        timeout=60 + AT_LEAST_SECONDS,
    )
    proxy.restore()
    probe.during("database back", lambda: probe.ask("database back") == 200, timeout=30)
    taken_before_redis = len(writer.written)
    assert wait_until(lambda: len(writer.written) >= taken_before_redis + 3)

    broker.stop()
    probe.during("broker away", lambda: False, timeout=REDIS_OUTAGE_SECONDS)
    taken_without_redis = len(writer.written) - taken_before_redis
    broker.start()
    probe.during("broker back", lambda: probe.ask("broker back") == 200, timeout=30)
    assert wait_until(lambda: len(writer.written) >= taken_before_redis + taken_without_redis + 3)

    writer.stopping.set()
    writer.join(timeout=30)
    assert not writer.is_alive()

    # Every write is in the ledger, each once: none lost, none doubled.
    assert Counter(references(pm, consortium_id)) == Counter(writer.written)
    assert len(set(writer.written)) == len(writer.written)
    # Refused while the database was away (503, retried), never failed otherwise.
    assert writer.refused() >= 3
    assert set(writer.answers) <= {201, 503}
    # The web kept taking writes while Redis was away.
    assert taken_without_redis >= 1
    # /readyz told the truth throughout.
    assert [s for s, _ in probe.in_phase("before")] == [200]
    assert {s for s, _ in probe.in_phase("database away")} == {503}
    assert all(not checks["store"] for _, checks in probe.in_phase("database away"))
    assert probe.in_phase("database back")[-1][0] == 200
    assert {s for s, _ in probe.in_phase("broker away")} == {503}
    assert all(
        not checks["broker"] and checks["store"] for _, checks in probe.in_phase("broker away")
    )
    assert probe.in_phase("broker back")[-1][0] == 200


def references(pm: Api, consortium_id: str) -> list[str]:
    """The reference of every contribution in the ledger, page by page."""
    found: list[str] = []
    url: str | None = f"/api/v1/consortia/{consortium_id}/contributions?limit=100"
    while url:
        page = caught_up(pm, url)
        assert page.status_code == 200, page.get_json()
        body = page.get_json()
        found += [item["reference"] for item in body["items"]]
        url = body["next"]
    return found


def caught_up(pm: Api, url: str) -> TestResponse:
    """The list at ``url`` once it answers: right after the outages it may still be catching up
    (503, try again), three minutes at most. In loaded full runs the read model's follower was
    twice held for minutes by the pool's check of a connection made through the test's proxy,
    which never answered: every exchange is bounded now (``events.postgres``). Should it come
    back, every thread's stack and the sessions go to stderr after two minutes."""
    started = time.monotonic()
    dumped = False
    page: TestResponse = pm.get(url)
    while page.status_code == 503 and time.monotonic() - started < LISTS_RECOVER_SECONDS:
        if not dumped and time.monotonic() - started > LISTS_CATCH_UP_SECONDS:
            faulthandler.dump_traceback(all_threads=True)
            print_sessions()
            dumped = True
        time.sleep(PAUSE_SECONDS)
        page = pm.get(url)
    return page


def print_sessions() -> None:
    """What PostgreSQL's sessions of this run are doing (asked directly, not through the
    proxy), to stderr: which one waits for what, and since when."""
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        rows = conn.execute(
            """SELECT pid, application_name, client_port, state, wait_event_type, wait_event,
                      backend_start, xact_start, state_change, left(query, 160)
               FROM pg_stat_activity WHERE application_name LIKE 'test_%'
               ORDER BY backend_start"""
        ).fetchall()
    for row in rows:
        print("pg_stat_activity:", *row, file=sys.stderr)
