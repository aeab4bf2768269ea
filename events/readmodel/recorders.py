"""The read model's storage: eventsourcing tracking recorders that also hold our tables.

One class per backend, both behind :class:`ReadModel`: a transaction (:class:`Tx`) in which
rows are written and the tracking record inserted together. SQL is written once, with
``:name`` parameters and a ``{t}`` table prefix, and adapted to each backend here.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Final

from eventsourcing.persistence import IntegrityError, Tracking, TrackingRecorder
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteTrackingRecorder
from psycopg.sql import SQL, Identifier

from events.readmodel.tables import CREATE, TABLES

_NAMED: Final = re.compile(r"(?<![:\w]):(\w+)")


class Tx:
    """A cursor in one read-model transaction, speaking the portable SQL dialect."""

    def __init__(self, cursor: Any, prefix: str, postgres: bool, recorder: ReadModel) -> None:
        self.cursor = cursor
        self.prefix = prefix
        self.postgres = postgres
        self.recorder = recorder
        self.position: int | None = None  # of the event being applied, if any

    def _sql(self, sql: str) -> str:
        sql = sql.replace("{t}", self.prefix)
        return _NAMED.sub(r"%(\1)s", sql) if self.postgres else sql

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> None:
        self.cursor.execute(self._sql(sql), dict(params or {}))

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        self.execute(sql, params)
        return [dict(row) for row in self.cursor.fetchall()]

    def track(self, tracking: Tracking) -> None:
        self.recorder.track(self, tracking)


class ReadModel(TrackingRecorder):
    """Tables of the read model, with the tracking of what has been applied to them."""

    def transaction(self, *, commit: bool) -> AbstractContextManager[Tx]:
        raise NotImplementedError

    def track(self, tx: Tx, tracking: Tracking) -> None:
        raise NotImplementedError

    def clear(self, application_name: str) -> None:
        """Empty every table and forget what was applied of that application (for a rebuild);
        the library's own rows in the tracking table (its migration marker) stay."""
        raise NotImplementedError


class SQLiteReadModel(SQLiteTrackingRecorder, ReadModel):
    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(), *(s.format(t="") for s in CREATE)]

    @contextmanager
    def transaction(self, *, commit: bool) -> Iterator[Tx]:
        if not commit:
            with self.datastore.transaction(commit=False) as cursor:
                yield Tx(cursor, "", postgres=False, recorder=self)
            return
        # A writing transaction takes the write lock at once (BEGIN IMMEDIATE): it reads rows
        # before it writes, and a deferred one would fail ("database is locked") instead of
        # waiting when another connection wrote in between.
        with self.datastore.get_connection(commit=True) as connection:
            cursor = connection.cursor()
            try:
                cursor.execute("BEGIN IMMEDIATE")
                yield Tx(cursor, "", postgres=False, recorder=self)
            except sqlite3.IntegrityError as error:
                connection.rollback()
                raise IntegrityError(error) from error
            except BaseException:
                connection.rollback()
                raise
            else:
                connection.commit()
            finally:
                cursor.sqlite_cursor.close()

    def track(self, tx: Tx, tracking: Tracking) -> None:
        self._insert_tracking(tx.cursor, tracking)

    def clear(self, application_name: str) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            for table in TABLES:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names
            cursor.execute("DELETE FROM tracking WHERE application_name = ?", (application_name,))


class PostgresReadModel(PostgresTrackingRecorder, ReadModel):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.prefix = f'"{self.datastore.schema}".'
        schema = Identifier(self.datastore.schema)
        self._create_statements = [
            SQL(s.replace("{t}", "{schema}.")).format(schema=schema) for s in CREATE
        ]

    def create_table(self) -> None:
        super().create_table()  # the library's tracking table
        # Each statement in a transaction of its own: CREATE INDEX IF NOT EXISTS locks its table
        # even when the index exists, and a transaction holding several such locks would
        # deadlock with the follower writing those tables in another order (a migration while
        # the service runs); one lock at a time only waits for the follower's transaction.
        for statement in self._create_statements:
            with self.datastore.transaction(commit=True) as cursor:
                cursor.execute(statement)

    @contextmanager
    def transaction(self, *, commit: bool) -> Iterator[Tx]:
        with self.datastore.transaction(commit=commit) as cursor:
            yield Tx(cursor, self.prefix, postgres=True, recorder=self)

    def track(self, tx: Tx, tracking: Tracking) -> None:
        self._insert_tracking(tx.cursor, tracking)

    def clear(self, application_name: str) -> None:
        schema = Identifier(self.datastore.schema)
        with self.datastore.transaction(commit=True) as cursor:
            for table in TABLES:
                cursor.execute(SQL("DELETE FROM {}.{}").format(schema, Identifier(table)))
            cursor.execute(
                SQL("DELETE FROM {}.{} WHERE application_name = %s").format(
                    schema, Identifier(self.tracking_table_name)
                ),
                (application_name,),
            )
