"""Redis goes away and comes back (a private redis-server the test stops and starts, never the
machine's own): the web keeps answering, writes included, /readyz names the broker meanwhile
and is ready again once Redis answers, without a restart."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask.testing import FlaskClient

from events.bootstrap import Store
from events.configuration import Settings
from tests.backends import in_ci
from tests.conftest import Api, issue_token
from tests.service import free_port
from tests.workers.support import wait_until
from web.app import create_app

REDIS_SERVER = shutil.which("redis-server")


class PrivateRedis:
    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert REDIS_SERVER is not None
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        assert wait_until(self.answers, timeout=10), "the private redis-server did not start"

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def answers(self) -> bool:
        try:
            return bool(redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[PrivateRedis]:
    if REDIS_SERVER is None:
        message = "redis-server is not installed"
        if in_ci():
            pytest.fail(f"{message} (CI=true: a missing server is a failure, not a skip)")
        pytest.skip(message)
    private = PrivateRedis(tmp_path)
    private.start()
    try:
        yield private
    finally:
        private.stop()


@pytest.fixture
def served(store: Store, broker: PrivateRedis) -> FlaskClient:
    settings = Settings.given(secret_key="t", base_url="http://t", broker_url=broker.url)
    return create_app(store, settings, {"RATELIMIT_STORAGE_URI": broker.url}).test_client()


def test_without_redis_the_web_writes_and_readyz_names_the_broker(
    served: FlaskClient, store: Store, broker: PrivateRedis
) -> None:
    api = Api(served, issue_token(store, "pm@x.example", admin=True))
    assert served.get("/readyz").status_code == 200

    broker.stop()
    written = api.post("/api/v1/consortia", json={"name": "Zonder Redis", "challenge": "C"})
    during = served.get("/readyz")

    assert written.status_code == 201
    assert api.get("/api/v1/consortia").status_code == 200
    assert during.status_code == 503
    checks = during.get_json()["checks"]
    assert checks["broker"]["ok"] is False
    assert checks["store"]["ok"] is True


def test_when_redis_returns_readyz_is_ready_again_without_a_restart(
    served: FlaskClient, broker: PrivateRedis
) -> None:
    broker.stop()
    assert served.get("/readyz").status_code == 503

    broker.start()

    assert wait_until(lambda: served.get("/readyz").status_code == 200, timeout=20.0)
