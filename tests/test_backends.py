"""The tests' own PostgreSQL schemas: one made from the dump of the first (tests/backends.py)
has exactly the tables, functions and rows that `migrate` makes."""

from __future__ import annotations

import pytest

from events.bootstrap import migrate
from tests import backends
from tests.backends import postgres_schema


@pytest.mark.postgres
def test_a_schema_made_from_the_dump_is_the_schema_migrate_makes() -> None:
    with postgres_schema() as first:  # the dump exists from here on (if pg_dump can make it)
        first_name = first.env["POSTGRES_SCHEMA"]
    if not backends._migrated_script:
        pytest.skip("pg_dump is not installed: every schema is migrated")
    with postgres_schema(migrated=False) as migrated, postgres_schema() as copied:
        migrate(migrated)
        by_migrate = backends._dumped(migrated)
        from_dump = backends._dumped(copied)

    assert first_name not in from_dump
    assert "CREATE TABLE" in by_migrate
    assert from_dump == by_migrate
