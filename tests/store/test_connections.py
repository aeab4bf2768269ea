"""PostgreSQL connections per process stay within the budget the README documents.

A process's store has one pool, shared by its applications and the read model: at most
``POOL_MAX`` connections, plus one for the read-model follower's lock. Idle, the pool closes what
it does not use: a web worker that follows the log keeps its LISTEN connection and its lock.
Connections carry the settings' application_name (the tests': the schema's name), so
``pg_stat_activity`` counts them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Final

import psycopg
import pytest
from flask import Flask

from events.bootstrap import Store, open_store
from events.configuration import Settings
from events.postgres import connect
from events.settings import CONNECTIONS_PER_PROCESS, StoreSettings
from tests.backends import POSTGRES_URL, postgres_schema
from tests.conftest import Api, issue_token
from tests.workers.support import wait_until
from web.app import create_app

pytestmark = pytest.mark.postgres

THREADS: Final = 8  # more than a web worker's four request threads
IDLE_FOLLOWER: Final = 2  # the follower's LISTEN connection and its lock


def connections(settings: StoreSettings) -> int:
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
            (settings.env["POSTGRES_APPLICATION_NAME"],),
        ).fetchone()
    return int(row[0]) if row else 0


def web_worker(settings: StoreSettings) -> tuple[Store, Flask]:
    """A store and app as a web worker opens them: following the log for the read model."""
    store = open_store(settings)
    return store, create_app(store, Settings.given(secret_key="t", base_url="http://t"))


@pytest.fixture
def settings() -> Iterator[StoreSettings]:
    """A schema of the test's own, with the service's own pool settings (not the tests' small
    ones); a connection above the one kept is closed after 0.2 seconds unused."""
    with postgres_schema() as settings:
        yield settings.with_env(POSTGRES_POOL_MAX_IDLE="0.2")


def busy(app: Flask, token: str) -> Callable[[int], None]:
    def work(number: int) -> None:
        api = Api(app.test_client(), token)
        for n in range(5):
            name = f"Consortium {number}-{n}"
            assert (
                api.post("/api/v1/consortia", json={"name": name, "challenge": "x"}).status_code
                == 201
            )
            assert api.get("/api/v1/consortia").status_code == 200

    return work


def all_at_once(work: Callable[[int], None]) -> None:
    start = threading.Barrier(THREADS)

    def each(number: int) -> None:
        start.wait()
        work(number)

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(each, range(THREADS)))


def test_a_busy_web_worker_holds_at_most_its_budget_of_connections(
    settings: StoreSettings,
) -> None:
    store, app = web_worker(settings)
    seen: list[int] = []
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.append(connections(settings))

    watcher = threading.Thread(target=watch)
    try:
        token = issue_token(store, "beheer@consortium.example", admin=True)
        watcher.start()
        all_at_once(busy(app, token))
    finally:
        done.set()
        watcher.join()
        store.close()

    assert 0 < max(seen) <= CONNECTIONS_PER_PROCESS


def test_an_idle_web_worker_keeps_only_its_followers_connections(
    settings: StoreSettings,
) -> None:
    store, app = web_worker(settings)
    try:
        all_at_once(busy(app, issue_token(store, "beheer@consortium.example", admin=True)))

        assert wait_until(lambda: connections(settings) <= IDLE_FOLLOWER, timeout=30)
    finally:
        store.close()


def test_a_closed_store_leaves_no_connection(settings: StoreSettings) -> None:
    store, app = web_worker(settings)
    all_at_once(busy(app, issue_token(store, "beheer@consortium.example", admin=True)))

    store.close()

    assert wait_until(lambda: connections(settings) == 0, timeout=30)


def test_a_silent_server_is_given_up_within_a_minute_not_a_quarter_of_an_hour(
    settings: StoreSettings,
) -> None:
    """The pool's connections and the follower's lock ask libpq for TCP keepalives and a bound
    on unacknowledged data, so a server gone silent (the network lost) breaks them in about a
    minute; by default the operating system waits some fifteen minutes."""
    store = open_store(settings)
    try:
        datastore = store.consortia.recorder.datastore  # type: ignore[attr-defined]
        with datastore.pool.connection() as pooled:
            of_pool = pooled.info.get_parameters()
        with connect(settings) as alone:
            of_lock = alone.info.get_parameters()
    finally:
        store.close()

    wanted = {"keepalives_idle": "30", "keepalives_count": "3", "tcp_user_timeout": "30000"}
    assert [{k: p.get(k) for k in wanted} for p in (of_pool, of_lock)] == [wanted, wanted]


def test_the_pools_connections_are_given_the_connect_timeout_too(
    settings: StoreSettings,
) -> None:
    """libpq is told the store's connect timeout too (the library gives it to the pool as its
    wait for a free connection only): without it, a pool worker connecting to a server that
    accepts the connection but never answers waits for good, and the pool never grows again."""
    store = open_store(settings)
    try:
        datastore = store.consortia.recorder.datastore  # type: ignore[attr-defined]
        with datastore.pool.connection() as pooled:
            given = pooled.info.get_parameters().get("connect_timeout")
    finally:
        store.close()

    assert given == settings.env["POSTGRES_CONNECT_TIMEOUT"]
