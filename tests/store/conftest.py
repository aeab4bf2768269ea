"""Fixtures of the store tests.

Function scope (the default, as in tests/conftest.py): ``store`` on a SQLite file or a
PostgreSQL schema of the test's own, for every test that writes.

Module scope: ``module_settings`` / ``module_store``, a database of the module's own per
backend, for tests that only read what a module-scoped fixture wrote once (a long history, many
consortia); writing there would make the tests depend on each other, so those tests never do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from uuid import UUID

import pytest

from events.bootstrap import Store, open_store
from events.caller import Caller
from events.consortia import ConsortiumApplication
from events.settings import StoreSettings
from tests.backends import postgres_schema, sqlite_file
from tests.clock import StepClock
from tests.store.support import found

OpenStore = Callable[[], Store]

# The PostgreSQL server is shared with other test runs (at most 100 connections): these tests
# give each store pools smaller still than the defaults, growing on demand.
SMALL_POOLS = {"POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "4"}
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def with_small_pools(settings: StoreSettings) -> StoreSettings:
    return StoreSettings(settings.url, {**settings.env, **SMALL_POOLS})


# -- a database per test ---------------------------------------------------------------------------


@pytest.fixture
def settings(settings: StoreSettings) -> StoreSettings:
    return with_small_pools(settings)


@pytest.fixture
def consortia(store: Store) -> ConsortiumApplication:
    return store.consortia


@pytest.fixture
def consortium_id(consortia: ConsortiumApplication, caller: Caller) -> UUID:
    """A consortium just founded by ``caller`` (versions 1 and 2: founded, role granted)."""
    return found(consortia, caller)


@pytest.fixture
def open_another_store(
    store: Store, settings: StoreSettings, clock: StepClock
) -> Iterator[OpenStore]:
    """Opens another store on the test's database, with its own connections and an empty
    cache (like another process of the service, or this one after a restart); each is closed
    after the test. Depends on ``store``, so the tables exist before."""
    with ExitStack() as stack:

        def open_one() -> Store:
            another = open_store(settings, clock)
            stack.callback(another.close)
            return another

        yield open_one


@pytest.fixture
def other_store(open_another_store: OpenStore) -> Store:
    return open_another_store()


# -- a database per module, for tests that only read -----------------------------------------------


@pytest.fixture(scope="module", params=BACKENDS)
def module_settings(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[StoreSettings]:
    if request.param == "postgres":
        backend = postgres_schema()
    else:
        backend = sqlite_file(Path(tmp_path_factory.mktemp("store")))
    with backend as settings:
        yield with_small_pools(settings)


@pytest.fixture(scope="module")
def module_clock() -> StepClock:
    return StepClock()


@pytest.fixture(scope="module")
def module_store(module_settings: StoreSettings, module_clock: StepClock) -> Iterator[Store]:
    """The store that writes the module's data, once."""
    store = open_store(module_settings, module_clock)
    yield store
    store.close()


@pytest.fixture
def fresh_store(
    module_store: Store, module_settings: StoreSettings, module_clock: StepClock
) -> Iterator[Store]:
    """Another store on the module's database, with an empty cache, for one test."""
    store = open_store(module_settings, module_clock)
    yield store
    store.close()
