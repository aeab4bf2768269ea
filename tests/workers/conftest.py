"""Fixtures of the reminder and worker tests.

``world``: a consortium with the people reminders concern, in the test's own store (SQLite and
PostgreSQL, as every ``store`` test), on the test clock. ``sink`` and ``smtp_port``: a real SMTP
server. ``redis_client``, ``queue`` and ``workers``: the real Redis server and real Celery worker
subprocesses on a queue of the test's own; under CI=true a missing Redis fails the test.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from events.bootstrap import Store, migrate
from events.caller import Caller
from events.settings import StoreSettings
from tests.backends import require_server
from tests.clock import StepClock
from tests.workers.celery_support import REDIS_URL, Workers, clean_up
from tests.workers.support import SmtpSink, World, make_world, smtp_server

# The PostgreSQL server is shared with other test runs: small pools, as in tests/store.
SMALL_POOLS = {"POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "4"}


@pytest.fixture
def settings(settings: StoreSettings) -> StoreSettings:
    return StoreSettings(settings.url, {**settings.env, **SMALL_POOLS})


@pytest.fixture
def world(store: Store, clock: StepClock, caller: Caller) -> World:
    return make_world(store, clock, caller)


# -- SMTP ---------------------------------------------------------------------------------------


@pytest.fixture
def sink() -> SmtpSink:
    """What the SMTP server accepts; a test may tell it to refuse or hold messages first."""
    return SmtpSink()


@pytest.fixture
def smtp_port(sink: SmtpSink) -> Iterator[int]:
    with smtp_server(sink) as port:
        yield port


# -- Redis and Celery workers -------------------------------------------------------------------


@pytest.fixture
def redis_client() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        client.close()
        require_server("Redis", error)
    yield client
    client.close()


@pytest.fixture
def queue(redis_client: redis.Redis) -> Iterator[str]:
    """A queue of this test's own; its keys are removed afterwards."""
    name = f"consortium-test-{uuid.uuid4().hex[:12]}"
    yield name
    clean_up(redis_client, name)


@pytest.fixture
def worker_database(tmp_path: Path) -> StoreSettings:
    """The SQLite file the test and its workers share (sqlite:// and the absolute path)."""
    settings = StoreSettings.from_url(f"sqlite://{tmp_path / 'store.sqlite3'}")
    migrate(settings)
    return settings


@pytest.fixture
def worker_env(
    queue: str, worker_database: StoreSettings, smtp_port: int, tmp_path: Path
) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CONSORTIUM_")}
    return {
        **environ,
        "CONSORTIUM_BROKER_URL": REDIS_URL,
        "CONSORTIUM_QUEUE": queue,
        "CONSORTIUM_DATABASE_URL": worker_database.url,
        "CONSORTIUM_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
        "CONSORTIUM_OUTBOX": str(tmp_path / "outbox"),
    }


@pytest.fixture
def workers(queue: str, worker_env: dict[str, str]) -> Iterator[Workers]:
    """Starts worker subprocesses of the service's app on the test's queue; all are stopped
    afterwards (before the queue's keys are removed)."""
    started = Workers(queue, worker_env)
    yield started
    started.stop_all()
