"""PostgreSQL goes away and comes back (a proxy the test cuts, never the shared server): writes
answer 503 problem+json with Retry-After meanwhile, /readyz says not ready, nothing is half
written, and the service recovers by itself, with the read model catching up."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from events.bootstrap import Store, open_store
from events.configuration import Settings
from events.settings import StoreSettings
from tests.conftest import Api, issue_token
from tests.outage import Proxy, postgres_behind_proxy
from tests.workers.support import wait_until
from web.app import create_app

pytestmark = pytest.mark.postgres

CONSORTIA = "/api/v1/consortia"


@pytest.fixture
def proxy() -> Iterator[tuple[Proxy, StoreSettings]]:
    with postgres_behind_proxy() as cut_off:
        yield cut_off


@pytest.fixture
def served(proxy: tuple[Proxy, StoreSettings]) -> Iterator[tuple[Proxy, Store, FlaskClient]]:
    cutter, settings = proxy
    store = open_store(settings)
    client = create_app(store, Settings.given(secret_key="t", base_url="http://t")).test_client()
    try:
        yield cutter, store, client
    finally:
        cutter.restore()
        store.close()


def found(api: Api, name: str) -> Any:
    return api.post(CONSORTIA, json={"name": name, "challenge": "Uitval"})


def test_writes_during_an_outage_are_refused_with_503_and_soon_at_once(
    served: tuple[Proxy, Store, FlaskClient],
) -> None:
    proxy, store, client = served
    api = Api(client, issue_token(store, "pm@x.example", admin=True))
    assert found(api, "Voor").status_code == 201
    proxy.cut()

    first = found(api, "Tijdens")  # the library's retries: some seconds
    started = time.monotonic()
    then = [found(api, f"Daarna {n}").status_code for n in range(3)]

    assert first.status_code == 503
    assert first.mimetype == "application/problem+json"
    assert int(first.headers["Retry-After"]) >= 1
    assert then == [503, 503, 503]
    assert time.monotonic() - started < 3 * 2  # a probe each, of one second at most
    assert client.get("/healthz").status_code == 200


def test_readyz_tells_the_truth_during_and_after_an_outage(
    served: tuple[Proxy, Store, FlaskClient],
) -> None:
    proxy, _, client = served
    assert client.get("/readyz").status_code == 200

    proxy.cut()
    during = client.get("/readyz")
    proxy.restore()

    assert during.status_code == 503
    assert during.get_json()["checks"]["store"]["ok"] is False
    assert wait_until(lambda: client.get("/readyz").status_code == 200, timeout=30.0)


def test_the_service_recovers_by_itself_and_loses_nothing(
    served: tuple[Proxy, Store, FlaskClient],
) -> None:
    proxy, store, client = served
    api = Api(client, issue_token(store, "pm@x.example", admin=True))
    assert found(api, "Voor").status_code == 201
    proxy.cut()
    during = found(api, "Tijdens")
    proxy.restore()

    assert wait_until(lambda: found(api, "Na").status_code == 201, timeout=30.0)
    # The read model catches up by itself (until it has, the list answers 503, never wrong).
    assert wait_until(lambda: api.get(CONSORTIA).status_code == 200, timeout=30.0)
    names = sorted(c["name"] for c in api.get(CONSORTIA).get_json()["items"])
    expected = ["Na", "Voor"] + (["Tijdens"] if during.status_code == 201 else [])
    assert names == sorted(expected)
