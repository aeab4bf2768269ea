"""The tables are made in one step, ``migrate``, never by opening the store.

Opening the store on a database without its tables fails and says to run ``consortium migrate``
(it neither makes them nor waits for them): a web worker that boots there would otherwise race
or deadlock other processes making them. Migrating is safe to repeat, from several processes at
once, and while the service runs.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from psycopg.sql import SQL, Identifier

from events.bootstrap import StoreNotMigrated, migrate, missing_tables, open_store
from events.caller import Caller
from events.settings import StoreSettings
from tests.backends import POSTGRES_URL, postgres_schema, sqlite_file
from tests.clock import StepClock
from tests.store.support import found
from tests.workers.support import wait_until
from web.cli import main

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def bare(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreSettings]:
    """A database without any of the store's tables."""
    if request.param == "postgres":
        backend = postgres_schema(migrated=False)
    else:
        backend = sqlite_file(tmp_path, migrated=False)
    with backend as settings:
        yield settings


def tables_in(settings: StoreSettings) -> set[str]:
    """Every table and index in the database (or the schema)."""
    if settings.is_postgres:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = %s AND c.relkind IN ('r', 'i')",
                (settings.env["POSTGRES_SCHEMA"],),
            ).fetchall()
        return {str(name) for (name,) in rows}
    with sqlite3.connect(settings.env["SQLITE_DBNAME"]) as db:
        found = db.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'index')")
        return {str(name) for (name,) in found}


def drop_index(settings: StoreSettings, name: str) -> None:
    if settings.is_postgres:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP INDEX "{settings.env["POSTGRES_SCHEMA"]}"."{name}"')
        return
    with sqlite3.connect(settings.env["SQLITE_DBNAME"]) as conn:
        conn.execute(f'DROP INDEX "{name}"')


# -- opening never makes tables ------------------------------------------------------------------


def test_opening_a_store_without_its_tables_says_to_run_consortium_migrate(
    bare: StoreSettings,
) -> None:
    with pytest.raises(StoreNotMigrated, match="run `consortium migrate`"):
        open_store(bare)


def test_opening_a_store_without_its_tables_makes_none(bare: StoreSettings) -> None:
    with pytest.raises(StoreNotMigrated):
        open_store(bare)

    assert tables_in(bare) == set()


def test_opening_a_migrated_store_makes_nothing_again(bare: StoreSettings) -> None:
    migrate(bare)
    drop_index(bare, "rm_consortia_name")

    open_store(bare).close()

    assert "rm_consortia_name" not in tables_in(bare)


# -- migrate -------------------------------------------------------------------------------------


def test_migrate_makes_every_table_the_store_needs(bare: StoreSettings) -> None:
    migrate(bare)

    store = open_store(bare)
    try:
        assert missing_tables(store) == []
    finally:
        store.close()


def test_migrate_makes_what_is_missing_again(bare: StoreSettings) -> None:
    migrate(bare)
    drop_index(bare, "rm_consortia_name")

    migrate(bare)

    assert "rm_consortia_name" in tables_in(bare)


def test_migrating_again_keeps_what_was_recorded(bare: StoreSettings, caller: Caller) -> None:
    migrate(bare)
    store = open_store(bare, StepClock())
    try:
        consortium_id = found(store.consortia, caller)
    finally:
        store.close()

    migrate(bare)

    store = open_store(bare, StepClock())
    try:
        assert store.consortia.consortium(consortium_id, caller).id == consortium_id
    finally:
        store.close()


def test_processes_migrating_at_once_take_turns(bare: StoreSettings) -> None:
    """Each migration in a thread of its own, with connections of its own, as processes have."""
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: migrate(bare), range(4)))

    store = open_store(bare)
    try:
        assert missing_tables(store) == []
    finally:
        store.close()


@pytest.mark.postgres
def test_migrating_while_the_read_model_is_written_waits_instead_of_deadlocking() -> None:
    """The reported deadlock: a transaction writes rm_contributions, then rm_consortia, while a
    migration runs. A migration that held rm_consortia's lock while it waited for
    rm_contributions' would deadlock with it; one lock at a time, it only waits its turn."""
    with postgres_schema() as settings, ThreadPoolExecutor(1) as pool:
        schema = settings.env["POSTGRES_SCHEMA"]
        with psycopg.connect(POSTGRES_URL) as writer:
            writer.execute(
                SQL("UPDATE {}.rm_contributions SET reversed = 0").format(Identifier(schema))
            )
            migration = pool.submit(migrate, settings)
            assert wait_until(lambda: migration_waits_for_a_lock(schema), timeout=30)

            writer.execute(
                SQL("UPDATE {}.rm_consortia SET active_members = 0").format(Identifier(schema))
            )
            writer.commit()

        migration.result(timeout=30)  # raises what the migration raised (a deadlock)


def migration_waits_for_a_lock(schema: str) -> bool:
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE application_name = %s AND wait_event_type = 'Lock'",
            (schema,),
        ).fetchone()
    return bool(row and row[0])


# -- the command ---------------------------------------------------------------------------------


def test_consortium_migrate_makes_the_tables(bare: StoreSettings) -> None:
    result = CliRunner(env={"CONSORTIUM_DATABASE_URL": bare.url}).invoke(main, ["migrate"])

    assert result.exit_code == 0, result.output
    store = open_store(bare)
    try:
        assert missing_tables(store) == []
    finally:
        store.close()


def test_token_create_works_as_the_first_command_on_a_new_database(bare: StoreSettings) -> None:
    result = CliRunner(env={"CONSORTIUM_DATABASE_URL": bare.url}).invoke(
        main, ["token", "create", "--email", "beheer@consortium.example", "--admin"]
    )

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("cst_")
