"""Failed authentication is rate limited per client address and per token prefix; a valid token
and the public OpenAPI document are never refused, and the counts are shared by processes."""

from __future__ import annotations

import logging
import multiprocessing
from collections import Counter
from pathlib import Path
from typing import Any, Final

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from events.accounts import token_prefix
from events.bootstrap import Store, migrate, open_store
from events.configuration import Settings
from events.settings import StoreSettings
from tests.api.support import OPENAPI, problem_of
from web.app import create_app

LIMIT: Final = 3
ME: Final = "/api/v1/me"
BAD: Final = "cst_abcdefnot-a-real-token"


def limited_app(store: Store, **config: Any) -> Flask:
    return create_app(
        store=store,
        settings=Settings.given(secret_key="test", base_url="http://testserver"),
        config={"FAILED_AUTH_LIMIT": f"{LIMIT} per minute", **config},
    )


@pytest.fixture
def client(store: Store) -> FlaskClient:
    return limited_app(store).test_client()


def call(
    client: FlaskClient, token: str, address: str = "192.0.2.1", **headers: str
) -> TestResponse:
    return client.get(
        ME,
        headers={"Authorization": f"Bearer {token}", **headers},
        environ_base={"REMOTE_ADDR": address},
    )


def fail_up_to_the_limit(client: FlaskClient, address: str = "192.0.2.1") -> None:
    statuses = [call(client, BAD, address).status_code for _ in range(LIMIT)]
    assert statuses == [401] * LIMIT


def test_failures_beyond_the_limit_are_answered_429(client: FlaskClient) -> None:
    statuses = [call(client, BAD).status_code for _ in range(LIMIT + 2)]

    assert statuses == [401] * LIMIT + [429, 429]


def test_a_429_is_a_problem_that_says_when_to_retry(client: FlaskClient) -> None:
    fail_up_to_the_limit(client)

    response = call(client, BAD)

    assert problem_of(response)["status"] == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60


def test_a_429_carries_the_request_id(client: FlaskClient) -> None:
    fail_up_to_the_limit(client)

    response = call(client, BAD, **{"X-Request-ID": "town-hall-42"})

    assert response.headers["X-Request-ID"] == "town-hall-42"
    assert problem_of(response)["request_id"] == "town-hall-42"


def test_a_valid_token_is_served_from_an_address_over_the_limit(
    client: FlaskClient, admin_token: str
) -> None:
    fail_up_to_the_limit(client)

    assert call(client, admin_token).status_code == 200


def test_the_openapi_document_is_served_to_an_address_over_the_limit(client: FlaskClient) -> None:
    fail_up_to_the_limit(client)

    response = client.get(OPENAPI, environ_base={"REMOTE_ADDR": "192.0.2.1"})

    assert response.status_code == 200


def test_valid_tokens_do_not_count_towards_the_limit(client: FlaskClient, admin_token: str) -> None:
    statuses = {call(client, admin_token).status_code for _ in range(LIMIT + 2)}

    assert statuses == {200}


def test_an_address_is_not_limited_by_another_over_the_limit(client: FlaskClient) -> None:
    fail_up_to_the_limit(client, "192.0.2.1")

    assert call(client, "cst_zyxwvuanother-bad-one", "192.0.2.2").status_code == 401


def test_failures_without_a_token_count_for_the_address(client: FlaskClient) -> None:
    for _ in range(LIMIT):
        client.get(ME, environ_base={"REMOTE_ADDR": "192.0.2.1"})

    assert client.get(ME, environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 429


def test_a_token_prefix_over_the_limit_is_refused_from_any_address(client: FlaskClient) -> None:
    guesses = [f"{BAD[:10]}guess-{n}" for n in range(LIMIT + 1)]
    statuses = [
        call(client, guess, f"198.51.100.{n}").status_code for n, guess in enumerate(guesses)
    ]

    assert statuses == [401] * LIMIT + [429]


def test_a_valid_token_is_served_while_its_prefix_is_over_the_limit(
    client: FlaskClient, admin_token: str
) -> None:
    prefix = token_prefix(admin_token)
    assert prefix is not None
    for n in range(LIMIT + 1):
        call(client, f"{prefix}guess-{n}", f"198.51.100.{n}")

    assert call(client, admin_token, "203.0.113.9").status_code == 200


def test_apps_on_one_store_share_their_counts(store: Store) -> None:
    first, second = limited_app(store).test_client(), limited_app(store).test_client()
    fail_up_to_the_limit(first)

    assert call(second, BAD).status_code == 429


# -- several worker processes ----------------------------------------------------------------------

PROCESSES: Final = 4
ATTEMPTS_EACH: Final = 10
PROCESS_LIMIT: Final = 20


def _hammer(settings: StoreSettings, ready: Any, results: Any) -> None:
    """In a process of its own, like a gunicorn worker: its own store and app."""
    store = open_store(settings)
    try:
        app = create_app(
            store=store,
            settings=Settings.given(secret_key="test", base_url="http://testserver"),
            config={"FAILED_AUTH_LIMIT": f"{PROCESS_LIMIT} per minute"},
        )
        client = app.test_client()
        ready.wait()  # all processes start sending together
        results.put([call(client, BAD).status_code for _ in range(ATTEMPTS_EACH)])
    finally:
        store.close()


@pytest.mark.slow
def test_several_processes_let_exactly_the_limit_through(
    store: Store, settings: StoreSettings
) -> None:
    # The PostgreSQL server is shared: each process keeps to a few connections.
    small_pools = StoreSettings(
        settings.url, {**settings.env, "POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "2"}
    )
    context = multiprocessing.get_context("spawn")
    ready, results = context.Barrier(PROCESSES), context.Queue()
    workers = [
        context.Process(target=_hammer, args=(small_pools, ready, results))
        for _ in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    statuses = Counter(s for _ in workers for s in results.get(timeout=120))
    for worker in workers:
        worker.join(timeout=30)

    assert statuses == {401: PROCESS_LIMIT, 429: PROCESSES * ATTEMPTS_EACH - PROCESS_LIMIT}


def test_stores_in_one_directory_count_apart(tmp_path: Path) -> None:
    settings = [
        StoreSettings.from_url(f"sqlite://{tmp_path / name}")
        for name in ("utrecht.sqlite3", "zeist.sqlite3")
    ]
    for each in settings:
        migrate(each)
    stores = [open_store(each) for each in settings]
    try:
        fail_up_to_the_limit(limited_app(stores[0]).test_client())

        assert call(limited_app(stores[1]).test_client(), BAD).status_code == 401
    finally:
        for store in stores:
            store.close()


def test_a_secret_not_shaped_like_a_token_counts_for_its_address_only(
    client: FlaskClient,
) -> None:
    statuses = [call(client, "hunter2", f"198.51.100.{n}").status_code for n in range(LIMIT + 1)]

    assert statuses == [401] * (LIMIT + 1)


def test_a_refused_failure_is_logged_without_the_secret(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    fail_up_to_the_limit(client)
    with caplog.at_level(logging.INFO, logger="web"):
        call(client, BAD)

    assert "answered 429" in caplog.text
    assert BAD[4:] not in caplog.text


def test_ipv6_addresses_of_one_subscriber_count_together(client: FlaskClient) -> None:
    addresses = [f"2001:db8:1:2::{n}" for n in range(LIMIT + 1)]
    statuses = [call(client, "hunter2", address).status_code for address in addresses]

    assert statuses == [401] * LIMIT + [429]
