"""Real backends for tests: a SQLite file per test, or a PostgreSQL schema per test.

PostgreSQL is found at CONSORTIUM_TEST_POSTGRES_URL (default: postgres@127.0.0.1:5432). When it
cannot be reached the test is skipped on a developer's machine, and fails under CI=true.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
from psycopg.sql import SQL, Identifier

from events.bootstrap import migrate
from events.postgres import connect as postgres_connect
from events.settings import StoreSettings

POSTGRES_URL = os.environ.get(
    "CONSORTIUM_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


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
                migrate(settings)
            yield settings
        finally:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@contextmanager
def sqlite_file(directory: Path, *, migrated: bool = True) -> Iterator[StoreSettings]:
    """A SQLite file in the directory, with its tables made (unless ``migrated=False``)."""
    # sqlite:// and then the absolute path (which starts with the third slash).
    settings = StoreSettings.from_url(f"sqlite://{directory / 'store.sqlite3'}")
    if migrated:
        migrate(settings)
    yield settings


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
