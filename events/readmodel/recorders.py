"""The read model's storage: eventsourcing tracking recorders that also hold our tables.

One class per backend, both behind :class:`ReadModel`: a transaction (:class:`Tx`) in which
rows are written and the tracking record inserted together. SQL is written once, with
``:name`` parameters and a ``{t}`` table prefix, and adapted to each backend here.

The read model's writing transactions do not wait for the disk (SQLite: ``synchronous=NORMAL``
on a WAL database; PostgreSQL: ``synchronous_commit`` off): the rows are derived from the event
log and tracked in the same transaction, so a power cut can only lose the last few of them
together with their tracking, and the follower applies those events again. The event store's
own commits still wait for the disk, as they must.

A *shared* transaction lets the follower apply events one by one yet commit them together:
the projection's own transactions join it as savepoints, so one event that fails is undone
alone, and the follower records that failure and the tracking of them all in that transaction.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Final

from eventsourcing.persistence import IntegrityError, Tracking, TrackingRecorder
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteTrackingRecorder
from psycopg.sql import SQL, Identifier

from events.readmodel.tables import CREATE, CREATE_FAILURES, FAILURES, SCHEMA_VERSION, TABLES

_NAMED: Final = re.compile(r"(?<![:\w]):(\w+)")
_TRACKING_NOTE: Final = "raised while tracking notification"
# Commits of derived rows need not wait for the disk (see the module's docstring). On SQLite
# the setting is the connection's (its commits only); on PostgreSQL this transaction's.
_RELAXED_SQLITE: Final = "PRAGMA synchronous=NORMAL"
_RELAXED_POSTGRES: Final = "SET LOCAL synchronous_commit TO OFF"


class Tx:
    """A cursor in one read-model transaction, speaking the portable SQL dialect."""

    def __init__(
        self,
        cursor: Any,
        prefix: str,
        postgres: bool,
        recorder: ReadModel,
        *,
        untracked: bool = False,
    ) -> None:
        self.cursor = cursor
        self.prefix = prefix
        self.postgres = postgres
        self.recorder = recorder
        self.position: int | None = None  # of the event being applied, if any
        # A savepoint in a shared transaction: whoever opened that one tracks (or not).
        self.untracked = untracked

    def _sql(self, sql: str) -> str:
        sql = sql.replace("{t}", self.prefix)
        return _NAMED.sub(r"%(\1)s", sql) if self.postgres else sql

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> None:
        self.cursor.execute(self._sql(sql), dict(params or {}))

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        self.execute(sql, params)
        return [dict(row) for row in self.cursor.fetchall()]

    def track(self, tracking: Tracking) -> None:
        if self.untracked:
            return
        try:
            self.recorder.track(self, tracking)
        except Exception as error:
            # Noted, so that the follower knows the transaction failed, not an event in it.
            error.add_note(f"{_TRACKING_NOTE} {tracking.notification_id}")
            raise


def raised_while_tracking(error: BaseException) -> bool:
    """Whether inserting a tracking record raised this error, or the one it was raised from."""
    cause: BaseException | None = error
    while cause is not None:
        if any(note.startswith(_TRACKING_NOTE) for note in getattr(cause, "__notes__", ())):
            return True
        cause = cause.__cause__
    return False


@contextmanager
def _savepoint(shared: Tx) -> Iterator[Tx]:
    """A part of the shared transaction that is undone alone when it fails."""
    shared.cursor.execute("SAVEPOINT rm_part")
    try:
        yield Tx(shared.cursor, shared.prefix, shared.postgres, shared.recorder, untracked=True)
    except Exception:
        shared.cursor.execute("ROLLBACK TO SAVEPOINT rm_part")
        shared.cursor.execute("RELEASE SAVEPOINT rm_part")
        raise
    shared.cursor.execute("RELEASE SAVEPOINT rm_part")


class ReadModel(TrackingRecorder):
    """Tables of the read model, with the tracking of what has been applied to them."""

    def transaction(self, *, commit: bool) -> AbstractContextManager[Tx]:
        """A transaction of its own; but a writing one opened in a thread that holds a shared
        transaction is a savepoint in that one, and tracks nothing."""
        shared: Tx | None = getattr(self._shared(), "tx", None) if commit else None
        if shared is not None:
            return _savepoint(shared)
        return self._transaction(commit=commit)

    @contextmanager
    def shared_transaction(self) -> Iterator[Tx]:
        """A writing transaction that the writing transactions this thread opens in it join."""
        local = self._shared()
        if getattr(local, "tx", None) is not None:
            raise RuntimeError("A shared transaction is open already in this thread.")
        with self._transaction(commit=True) as tx:
            local.tx = tx
            try:
                yield tx
            finally:
                local.tx = None

    def _shared(self) -> threading.local:
        # Made on first use: the constructors are the library's. setdefault is atomic.
        local: threading.local = self.__dict__.setdefault("_shared_tx", threading.local())
        return local

    def _transaction(self, *, commit: bool) -> AbstractContextManager[Tx]:
        raise NotImplementedError

    def track(self, tx: Tx, tracking: Tracking) -> None:
        raise NotImplementedError

    def clear(self, application_name: str) -> None:
        """Empty every table and forget what was applied of that application, and what failed
        (for a rebuild); the library's own rows in the tracking table (its migration marker)
        stay."""
        raise NotImplementedError

    def prepare(self, application_name: str) -> bool:
        """Create the tables; when they were made for another shape of the read model (another
        ``SCHEMA_VERSION``, or before versions were kept), drop them first and forget what was
        applied, so the follower builds them again from the log. True: they were rebuilt."""
        with self.transaction(commit=True) as tx:
            tx.execute("CREATE TABLE IF NOT EXISTS {t}rm_schema (version INTEGER NOT NULL)", {})
            found = tx.rows("SELECT version FROM {t}rm_schema", {})
            stale = not found or found[0]["version"] != SCHEMA_VERSION
            if stale:
                for table in (*TABLES, FAILURES):
                    tx.execute(f"DROP TABLE IF EXISTS {{t}}{table}", {})
                tx.execute("DELETE FROM {t}rm_schema", {})
                tx.execute("INSERT INTO {t}rm_schema (version) VALUES (:v)", {"v": SCHEMA_VERSION})
        if stale:
            self.forget(application_name)
        self.create_table()
        return stale

    def forget(self, application_name: str) -> None:
        """Forget what was applied of that application."""
        raise NotImplementedError

    def create_table(self) -> None:
        raise NotImplementedError


class SQLiteReadModel(SQLiteTrackingRecorder, ReadModel):
    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            *(s.format(t="") for s in (*CREATE, *CREATE_FAILURES)),
        ]

    @contextmanager
    def _transaction(self, *, commit: bool) -> Iterator[Tx]:
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
                cursor.execute(_RELAXED_SQLITE)
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
            cursor.execute(
                f"DELETE FROM {FAILURES} WHERE application_name = ?",  # noqa: S608 - fixed name
                (application_name,),
            )

    def forget(self, application_name: str) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'tracking'"
            )
            if cursor.fetchall():
                cursor.execute(
                    "DELETE FROM tracking WHERE application_name = ?", (application_name,)
                )


class PostgresReadModel(PostgresTrackingRecorder, ReadModel):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.prefix = f'"{self.datastore.schema}".'
        schema = Identifier(self.datastore.schema)
        self._create_statements = [
            SQL(s.replace("{t}", "{schema}.")).format(schema=schema)
            for s in (*CREATE, *CREATE_FAILURES)
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
    def _transaction(self, *, commit: bool) -> Iterator[Tx]:
        with self.datastore.transaction(commit=commit) as cursor:
            if commit:
                cursor.execute(_RELAXED_POSTGRES)
            yield Tx(cursor, self.prefix, postgres=True, recorder=self)

    def track(self, tx: Tx, tracking: Tracking) -> None:
        self._insert_tracking(tx.cursor, tracking)

    def clear(self, application_name: str) -> None:
        schema = Identifier(self.datastore.schema)
        with self.datastore.transaction(commit=True) as cursor:
            for table in TABLES:
                cursor.execute(SQL("DELETE FROM {}.{}").format(schema, Identifier(table)))
            for table in (self.tracking_table_name, FAILURES):
                cursor.execute(
                    SQL("DELETE FROM {}.{} WHERE application_name = %s").format(
                        schema, Identifier(table)
                    ),
                    (application_name,),
                )

    def forget(self, application_name: str) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(
                "SELECT 1 FROM information_schema.tables WHERE table_schema = %s "
                "AND table_name = %s",
                (self.datastore.schema, self.tracking_table_name),
            )
            if cursor.fetchall():
                cursor.execute(
                    SQL("DELETE FROM {}.{} WHERE application_name = %s").format(
                        Identifier(self.datastore.schema), Identifier(self.tracking_table_name)
                    ),
                    (application_name,),
                )
