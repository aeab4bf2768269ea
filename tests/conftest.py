"""Shared fixtures: a real store per test on each backend, the web app, and API callers; no
webhook host name is looked up on the internet (see tests/dns.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from consortium.accounts import Language
from events import webhook_addresses
from events.bootstrap import Store, open_store
from events.caller import Caller
from events.configuration import Settings
from events.settings import StoreSettings
from tests.backends import backend
from tests.clock import StepClock
from tests.dns import TEST_NAMES, FakeDns
from web.app import create_app


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests of a module that share a fixture of the module's (a store written once and
    read by each test) run on one pytest-xdist worker (scripts/test runs with --dist
    loadgroup): spread over both, each would build it, and build it again whenever its next
    test came from another module."""
    for item in items:
        if not isinstance(item, pytest.Function) or item.get_closest_marker("xdist_group"):
            continue
        definitions = item._fixtureinfo.name2fixturedefs
        if any(
            found[-1].scope == "module"
            for name in item.fixturenames
            if (found := definitions.get(name))
        ):
            item.add_marker(pytest.mark.xdist_group(f"module:{item.nodeid.split('::')[0]}"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreSettings]:
    """Store settings for each backend: every test runs once on SQLite, once on PostgreSQL."""
    with backend(request.param, tmp_path) as settings:
        yield settings


@pytest.fixture(autouse=True, scope="session")
def no_real_dns() -> Iterator[None]:
    """Webhook host names resolve from the tests' own table, never on the internet (for the
    whole session: stores shared by a module are made before any test's own fixtures)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(webhook_addresses, "system_resolver", FakeDns(TEST_NAMES))
        yield


@pytest.fixture
def clock() -> StepClock:
    return StepClock()


@pytest.fixture
def store(settings: StoreSettings, clock: StepClock) -> Iterator[Store]:
    store = open_store(settings, clock)
    yield store
    store.close()


@pytest.fixture
def caller() -> Caller:
    """A programme manager who may found consortia (and so runs those it founds)."""
    return Caller(actor="pm@utrecht.example", request_id="req-test", may_found=True)


@pytest.fixture
def app(store: Store) -> Flask:
    return create_app(
        store=store, settings=Settings.given(secret_key="test", base_url="http://testserver")
    )


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class Api:
    """The test client with a bearer token, speaking JSON."""

    def __init__(self, client: FlaskClient, token: str) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(
            path, headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs
        )

    def post(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.client.post(path, json=json, headers=headers, **kwargs)


def issue_token(
    store: Store, email: str, *, admin: bool = False, language: Language = Language.EN
) -> str:
    """A token of the account (opened if need be). The tests' accounts read English, the
    language the tests' expectations are written in, unless a test says otherwise."""
    caller = Caller.system(actor="cli:test", request_id="setup")
    account = store.accounts.find_account(email) or store.accounts.open_account(
        email=email, name=None, is_admin=admin, language=language, caller=caller
    )
    return store.accounts.issue_token(account, name="test", expires_at=None, caller=caller).secret


@pytest.fixture
def admin_token(store: Store) -> str:
    return issue_token(store, "admin@consortium.example", admin=True)


@pytest.fixture
def api(client: FlaskClient, admin_token: str) -> Api:
    return Api(client, admin_token)
