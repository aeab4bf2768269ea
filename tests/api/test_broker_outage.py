"""Redis goes away and comes back (a private redis-server the test stops and starts, never the
machine's own): the web keeps answering, writes included, /readyz names the broker meanwhile
and is ready again once Redis answers, without a restart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from events.bootstrap import Store
from events.configuration import Settings
from tests.conftest import Api, issue_token
from tests.outage import PrivateRedis, private_redis
from tests.workers.support import wait_until
from web.app import create_app


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[PrivateRedis]:
    with private_redis(tmp_path) as private:
        yield private


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
