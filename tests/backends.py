"""Real backends for tests: a SQLite file per test, or a PostgreSQL schema per test.

PostgreSQL is found at CONSORTIUM_TEST_POSTGRES_URL (default: postgres@127.0.0.1:5432). When it
cannot be reached the test is skipped on a developer's machine, and fails under CI=true.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
from psycopg.sql import SQL, Identifier

from events.backup import pg_environ
from events.bootstrap import migrate
from events.postgres import connect as postgres_connect
from events.settings import StoreSettings

POSTGRES_URL = os.environ.get(
    "CONSORTIUM_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)

# The tests' connections (and those of the servers and workers they start, which inherit the
# environment) do not wait for the server's disk at each commit: what a commit makes visible
# and what it refuses are the same, only a crash of the server itself could lose the last
# commits, and no test crashes it. PostgreSQL-heavy test modules take about 13–15 % less time
# (the whole suite, mostly CPU-bound, did not change measurably). PGOPTIONS=""
# runs them with every commit flushed, as the service runs.
os.environ.setdefault("PGOPTIONS", "-c synchronous_commit=off")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_server(name: str, error: Exception) -> None:
    message = f"{name} is not reachable: {error}"
    if in_ci():
        pytest.fail(f"{message} (CI=true: a missing server is a failure, not a skip)")
    pytest.skip(message)


def _connect() -> psycopg.Connection[tuple[object, ...]]:
    parts = urlsplit(POSTGRES_URL)
    return psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname=parts.path.lstrip("/") or "postgres",
        autocommit=True,
        connect_timeout=5,
    )


@contextmanager
def postgres_schema(*, migrated: bool = True) -> Iterator[StoreSettings]:
    """A fresh schema, dropped afterwards; the settings point the store into it, with its
    tables made (unless ``migrated=False``), and name its connections after the schema."""
    try:
        conn = _connect()
    except psycopg.OperationalError as error:
        require_server("PostgreSQL", error)
        raise  # pragma: no cover - require_server never returns
    schema = f"test_{uuid.uuid4().hex[:16]}"
    with conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
        try:
            settings = StoreSettings.from_url(
                f"{POSTGRES_URL}?schema={schema}&application_name={schema}"
            )
            if migrated:
                _migrate(conn, schema, settings)
            yield settings
        finally:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


# What `migrate` made in this process's first schema, as one script (None: not made yet; "":
# pg_dump is missing or could not dump it, so every schema is migrated).
_migrated_script: str | None = None
_SCHEMA_MARK = "__consortium_test_schema__"


def _migrate(
    conn: psycopg.Connection[tuple[object, ...]], schema: str, settings: StoreSettings
) -> None:
    """Make the store's tables in the schema. The first schema of a test process is migrated
    (``migrate``, the real thing); its tables, functions and rows are then dumped, and every
    later schema is made from that dump in one round trip: about half the time of migrating
    (0.13 against 0.25 s here), which each of the many PostgreSQL tests would otherwise pay."""
    global _migrated_script  # noqa: PLW0603 (one per test process)
    if _migrated_script:
        conn.execute(_migrated_script.replace(_SCHEMA_MARK, schema).encode())
        return
    migrate(settings)
    if _migrated_script is None:
        _migrated_script = _dumped(settings)


def _dumped(settings: StoreSettings) -> str:
    """The schema's definitions and rows as SQL, its name replaced by a mark ("" when pg_dump
    cannot make it: then each schema is migrated). pg_dump finds the store as `consortium
    backup` tells it (``pg_environ``)."""
    schema = settings.env["POSTGRES_SCHEMA"]
    command = ["pg_dump", "--inserts", "--no-owner", "--no-privileges", f"--schema={schema}"]
    try:
        done = subprocess.run(
            command,
            check=False,
            capture_output=True,
            text=True,
            env=pg_environ(settings),
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    if done.returncode != 0:
        return ""
    statements = [
        line
        for line in done.stdout.splitlines()
        # psql's own commands, the dump's session settings and the schema (made already).
        if not line.startswith(("\\", "SET ", "SELECT pg_catalog.set_config", "CREATE SCHEMA"))
    ]
    return "\n".join(statements).replace(schema, _SCHEMA_MARK)


@contextmanager
def sqlite_file(directory: Path, *, migrated: bool = True) -> Iterator[StoreSettings]:
    """A SQLite file in the directory, with its tables made (unless ``migrated=False``)."""
    # sqlite:// and then the absolute path (which starts with the third slash).
    settings = StoreSettings.from_url(f"sqlite://{directory / 'store.sqlite3'}")
    if migrated:
        migrate(settings)
    yield settings


def backend(name: str, directory: Path) -> AbstractContextManager[StoreSettings]:
    """A fresh store of the backend named (a fixture's param): a PostgreSQL schema, or a SQLite
    file in the directory."""
    return postgres_schema() if name == "postgres" else sqlite_file(directory)


def run_sql(settings: StoreSettings, statement: str, params: Sequence[object] = ()) -> list[Any]:
    """Run one statement on the store's database directly, as anyone with access to the database
    could (``?`` placeholders on both backends); answers the rows it returns."""
    if settings.is_postgres:
        with postgres_connect(settings) as conn:
            conn.execute(
                SQL("SET search_path TO {}").format(Identifier(settings.env["POSTGRES_SCHEMA"]))
            )
            cursor = conn.execute(statement.replace("?", "%s"), params)
            return cursor.fetchall() if cursor.description else []
    connection = sqlite3.connect(settings.env["SQLITE_DBNAME"])
    try:
        with connection:
            return connection.execute(statement, params).fetchall()
    finally:
        connection.close()


def notification_id_column(settings: StoreSettings) -> str:
    """What the events table calls an event's notification id on this backend."""
    return "notification_id" if settings.is_postgres else "rowid"
