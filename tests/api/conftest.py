"""Fixtures of the API tests: a founded consortium and callers with known identities."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from events.bootstrap import Store, open_store
from tests.api.support import found
from tests.backends import sqlite_file
from tests.clock import StepClock
from tests.conftest import Api, issue_token

PM_EMAIL = "programmamanager@utrecht.example"


@pytest.fixture
def pm(client: FlaskClient, store: Store) -> Api:
    """A programme manager whose email the history should show as actor."""
    return Api(client, issue_token(store, PM_EMAIL, admin=True))


@pytest.fixture
def consortium(api: Api) -> dict[str, Any]:
    """A consortium just founded (exploration, no members)."""
    return found(api)


@pytest.fixture
def consortium_id(consortium: dict[str, Any]) -> str:
    identifier: str = consortium["id"]
    return identifier


@pytest.fixture(scope="module")
def sqlite_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """One SQLite store for a whole module. A module whose behaviour runs before any view (the
    OpenAPI document, request ids, body rules) overrides `store` with it, instead of opening a
    store per test on each backend."""
    with sqlite_file(tmp_path_factory.mktemp("shared")) as settings:
        store = open_store(settings, StepClock())
        yield store
        store.close()
