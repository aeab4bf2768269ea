"""With a Redis broker the failed-authentication counts live in Redis, shared by every process;
when Redis cannot be reached, each process counts by itself, says so once, and goes back to Redis
when it answers again."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections import Counter
from typing import Final
from urllib.parse import urlsplit

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from events.bootstrap import Store
from events.configuration import Settings
from tests.backends import require_server
from web.app import create_app

REDIS_URL: Final = os.environ.get("CONSORTIUM_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
LIMIT: Final = 3
ME: Final = "/api/v1/me"
BAD: Final = "cst_abcdefnot-a-real-token"
OUTAGE: Final = "counting per process until it is back"


@pytest.fixture(scope="module")
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        require_server("Redis", error)
    return REDIS_URL


@pytest.fixture
def closed_port() -> int:
    """A port nobody listens on (until a test opens it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def limited_app(store: Store, counters: str, **config: object) -> Flask:
    return create_app(
        store=store,
        settings=Settings.given(secret_key="test", base_url="http://testserver"),
        config={
            "FAILED_AUTH_LIMIT": f"{LIMIT} per minute",
            "RATELIMIT_STORAGE_URI": counters,
            **config,
        },
    )


def call(client: FlaskClient, token: str = BAD) -> TestResponse:
    return client.get(
        ME, headers={"Authorization": f"Bearer {token}"}, environ_base={"REMOTE_ADDR": "192.0.2.1"}
    )


def statuses(client: FlaskClient, times: int) -> list[int]:
    return [call(client).status_code for _ in range(times)]


# -- Redis answering ------------------------------------------------------------------------------


def test_apps_on_one_redis_share_their_counts(store: Store, redis_url: str) -> None:
    first = limited_app(store, redis_url).test_client()
    second = limited_app(store, redis_url).test_client()
    assert statuses(first, LIMIT) == [401] * LIMIT

    assert call(second).status_code == 429


def test_threads_of_several_apps_on_redis_let_exactly_the_limit_through(
    store: Store, redis_url: str
) -> None:
    apps = [limited_app(store, redis_url, FAILED_AUTH_LIMIT="20 per minute") for _ in range(2)]
    ready = threading.Barrier(8)
    seen: Counter[int] = Counter()
    lock = threading.Lock()

    def hammer(app: Flask) -> None:
        client = app.test_client()
        ready.wait()
        answers = statuses(client, 10)
        with lock:
            seen.update(answers)

    threads = [threading.Thread(target=hammer, args=(apps[n % 2],)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert seen == {401: 20, 429: 60}


# -- Redis away -----------------------------------------------------------------------------------


def test_without_redis_failures_are_still_limited(store: Store, closed_port: int) -> None:
    client = limited_app(store, f"redis://127.0.0.1:{closed_port}/0").test_client()

    assert statuses(client, LIMIT + 1) == [401] * LIMIT + [429]


def test_without_redis_a_valid_token_is_served(
    store: Store, closed_port: int, admin_token: str
) -> None:
    client = limited_app(store, f"redis://127.0.0.1:{closed_port}/0").test_client()

    assert call(client, admin_token).status_code == 200


def test_an_unreachable_redis_is_logged_once_per_outage(
    store: Store, closed_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    client = limited_app(
        store, f"redis://127.0.0.1:{closed_port}/0", RATELIMIT_PROBE_SECONDS=0
    ).test_client()
    with caplog.at_level(logging.INFO, logger="web.ratelimit"):
        statuses(client, LIMIT + 2)

    assert [r.levelname for r in caplog.records if OUTAGE in r.getMessage()] == ["ERROR"]


class RedisComesBack:
    """Listens on a port and passes every connection on to Redis: on that port, Redis was away
    until this opened, and is away again once it closes."""

    def __init__(self, port: int, redis_url: str) -> None:
        target = urlsplit(redis_url)
        self.target = (target.hostname or "127.0.0.1", target.port or 6379)
        self.server = socket.create_server(("127.0.0.1", port))
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return  # closed
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pipe, args=(source, sink), daemon=True).start()

    def __enter__(self) -> RedisComesBack:
        return self

    def __exit__(self, *_: object) -> None:
        self.server.close()
        for sock in self.sockets:
            sock.close()


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        sink.close()


def test_when_redis_answers_again_the_counts_go_there_again(
    store: Store, closed_port: int, redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    db = urlsplit(redis_url).path
    client = limited_app(
        store, f"redis://127.0.0.1:{closed_port}{db}", RATELIMIT_PROBE_SECONDS=0
    ).test_client()
    beside = limited_app(store, redis_url).test_client()  # another process, on Redis itself
    call(client)  # Redis away: counted in this process only

    with (
        RedisComesBack(closed_port, redis_url),
        caplog.at_level(logging.INFO, logger="web.ratelimit"),
    ):
        assert statuses(client, LIMIT) == [401] * LIMIT
        assert call(beside).status_code == 429
    assert "answers again" in caplog.text
