"""On PostgreSQL every test has a schema of its own: the store's tables are made in the schema
its settings name, and stores in two schemas do not see each other's consortia."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

import psycopg
import pytest

from consortium.errors import ConsortiumNotFound
from events.bootstrap import Store, open_store
from events.caller import Caller
from events.settings import StoreSettings
from tests.backends import POSTGRES_URL, postgres_schema
from tests.clock import StepClock
from tests.store.conftest import with_small_pools
from tests.store.support import found

pytestmark = pytest.mark.postgres


@pytest.fixture
def two_schemas(clock: StepClock) -> Iterator[tuple[Store, Store]]:
    with postgres_schema() as first, postgres_schema() as second:
        stores = (
            open_store(with_small_pools(first), clock),
            open_store(with_small_pools(second), clock),
        )
        try:
            yield stores
        finally:
            for store in stores:
                store.close()


def tables_in(schema: str) -> set[str]:
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s", (schema,)
        ).fetchall()
    return {str(name) for (name,) in rows}


def schema_of(store: Store) -> str:
    return store.settings.env["POSTGRES_SCHEMA"]


def test_each_test_gets_a_schema_of_its_own(two_schemas: tuple[Store, Store]) -> None:
    first, second = two_schemas

    assert schema_of(first) != schema_of(second)


def events_table(store: Store) -> str:
    return f"{store.consortia.name.lower()}_events"


def test_the_store_makes_its_tables_in_its_schema(two_schemas: tuple[Store, Store]) -> None:
    first, _ = two_schemas

    assert events_table(first) in tables_in(schema_of(first))


def test_a_consortium_founded_in_one_schema_does_not_exist_in_another(
    two_schemas: tuple[Store, Store], caller: Caller
) -> None:
    first, second = two_schemas
    consortium_id: UUID = found(first.consortia, caller)

    with pytest.raises(ConsortiumNotFound):
        second.consortia.consortium(consortium_id, caller)


@pytest.mark.parametrize("settings", ["postgres"], indirect=True)
def test_the_store_fixture_writes_into_the_tests_schema(
    settings: StoreSettings, store: Store, caller: Caller
) -> None:
    consortium_id = found(store.consortia, caller)

    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        (count,) = conn.execute(
            f'SELECT count(*) FROM "{settings.env["POSTGRES_SCHEMA"]}".{events_table(store)} '  # noqa: S608
            "WHERE originator_id = %s",
            (consortium_id,),
        ).fetchone() or (0,)

    assert count == 2
