"""The read model's storage: eventsourcing tracking recorders that also hold our tables.

One class per backend, both behind :class:`ReadModel`: a transaction (:class:`Tx`) in which
rows are written and the tracking record inserted together. SQL is written once, with
``:name`` parameters and a ``{t}`` table prefix, and adapted to each backend here.

The read model's writing transactions do not wait for the disk (SQLite: ``synchronous=NORMAL``
on a WAL database; PostgreSQL: ``synchronous_commit`` off): the rows are derived from the event
log and tracked in the same transaction, so a power cut can only lose the last few of them
together with their tracking, and the follower applies those events again. The event store's
own commits still wait for the disk, as they must.

Every transaction works on one *generation* of the tables (see :mod:`events.readmodel.tables`):
the live one, read from ``rm_active`` when it first touches a table, or the one a rebuild in
this thread builds. On PostgreSQL it reads ``rm_active`` under a shared advisory lock held to
its end, which the switch to a new generation takes exclusively: so no transaction works on a
generation that is no longer live, and the old one can be dropped at once. On SQLite every
transaction reads one snapshot (WAL), the old tables included, and writing ones are serialised.

A *shared* transaction lets the follower apply events one by one yet commit them together:
the projection's own transactions join it as savepoints, so one event that fails is undone
alone, and the follower records that failure and the tracking of them all in that transaction.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import zlib
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Final

from eventsourcing.persistence import IntegrityError, Tracking, TrackingRecorder
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.sqlite import SQLiteTrackingRecorder

from events.readmodel.tables import (
    ACTIVE,
    CREATE,
    CREATE_ACTIVE,
    CREATE_FAILURES,
    FAILURES,
    SCHEMA_VERSION,
    TABLES,
    generation_prefix,
    tracking_name,
)

_NAMED: Final = re.compile(r"(?<![:\w]):(\w+)")
_GENERATION: Final = re.compile(r"g\d+_")
_TRACKING_NOTE: Final = "raised while tracking notification"
# Commits of derived rows need not wait for the disk (see the module's docstring). On SQLite
# the setting is the connection's (its commits only); on PostgreSQL this transaction's.
_RELAXED_SQLITE: Final = "PRAGMA synchronous=NORMAL"
_RELAXED_POSTGRES: Final = "SET LOCAL synchronous_commit TO OFF"


class GenerationMoved(Exception):
    """The live generation changed since this thread read its position: start again from it."""


class OtherRelease(Exception):
    """The live tables were built for another ``SCHEMA_VERSION`` than this process's (a newer
    release migrated them while this one still runs, or this one runs before its ``migrate``):
    it must not write rows of its shape into them, so it writes nothing."""

    def __init__(self, live: int) -> None:
        super().__init__(
            f"the read model's live tables are of version {live} and this release writes "
            f"version {SCHEMA_VERSION}: nothing is written to them. Run `consortium migrate` "
            "of the newest release, and restart every process with that release."
        )
        self.live = live


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
        generation: int | None = None,
        writes: bool = False,
    ) -> None:
        self.cursor = cursor
        self.prefix = prefix
        self.postgres = postgres
        self.recorder = recorder
        self.position: int | None = None  # of the event being applied, if any
        # A savepoint in a shared transaction: whoever opened that one tracks (or not).
        self.untracked = untracked
        self._generation = generation  # resolved when a table is first touched
        self.writes = writes  # a writing transaction: only of this release's SCHEMA_VERSION

    @property
    def generation(self) -> int:
        """The generation of the tables this transaction works on."""
        if self._generation is None:
            self._generation = self.recorder.resolve(self)
        return self._generation

    def _sql(self, sql: str) -> str:
        if "{t}" in sql or "{g}" in sql:
            named = generation_prefix(self.generation)
            sql = sql.replace("{t}", self.prefix + named).replace("{g}", named)
        sql = sql.replace("{s}", self.prefix)
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
    generation = shared.generation  # resolved outside the savepoint, and its lock kept
    shared.cursor.execute("SAVEPOINT rm_part")
    try:
        yield Tx(
            shared.cursor,
            shared.prefix,
            shared.postgres,
            shared.recorder,
            untracked=True,
            generation=generation,
            writes=True,
        )
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

    # -- generations ----------------------------------------------------------------------

    def _generations(self) -> threading.local:
        local: threading.local = self.__dict__.setdefault("_generation", threading.local())
        return local

    def resolve(self, tx: Tx) -> int:
        """The generation a transaction works on: the one this thread builds, if any, else the
        live one; within :meth:`kept_generation`, the one it first saw, or GenerationMoved.
        A writing transaction on live tables of another SCHEMA_VERSION raises OtherRelease."""
        local = self._generations()
        target: int | None = getattr(local, "target", None)
        if target is not None:
            return target
        self._share_generation(tx)
        found = tx.rows("SELECT generation, version FROM {s}rm_active")
        generation = int(found[0]["generation"]) if found else 0
        if tx.writes and found and int(found[0]["version"]) != SCHEMA_VERSION:
            raise OtherRelease(int(found[0]["version"]))
        kept: list[int] | None = getattr(local, "kept", None)
        if kept is not None:
            if not kept:
                kept.append(generation)
            elif kept[0] != generation:
                raise GenerationMoved(f"the read model moved to generation {generation}")
        return generation

    def _share_generation(self, tx: Tx) -> None:
        """Keep the live generation from switching until this transaction ends."""

    @contextmanager
    def kept_generation(self) -> Iterator[None]:
        """Transactions this thread opens in the block work on one generation: a later one
        that finds another live raises GenerationMoved before it touches a table."""
        local = self._generations()
        local.kept = []
        try:
            yield
        finally:
            local.kept = None

    @contextmanager
    def building(self, generation: int) -> Iterator[None]:
        """Transactions this thread opens in the block work on that (not live) generation."""
        local = self._generations()
        local.target = generation
        try:
            yield
        finally:
            local.target = None

    @contextmanager
    def switching(self) -> Iterator[Tx]:
        """A shared writing transaction that no other transaction on a generation overlaps."""
        with self.shared_transaction() as tx:
            self._exclude_generation(tx)
            yield tx

    def _exclude_generation(self, tx: Tx) -> None:
        """Wait until no transaction works on a generation, and keep new ones waiting."""

    def live(self) -> tuple[int, int]:
        """The live generation, and the ``SCHEMA_VERSION`` its tables were built for."""
        with self.transaction(commit=False) as tx:
            found = tx.rows("SELECT generation, version FROM {s}rm_active")
        if not found:
            return 0, SCHEMA_VERSION
        return int(found[0]["generation"]), int(found[0]["version"])

    def make_generation(self, generation: int, application_name: str) -> None:
        """Make the (empty) tables of a generation, dropping first what earlier attempts (or
        switches that could not drop the old tables) left of generations that are not live."""
        with self.transaction(commit=True) as tx:
            live = tx.rows(f"SELECT generation FROM {{s}}{ACTIVE}")  # noqa: S608
            for left in self._generations_present(tx) - {int(r["generation"]) for r in live}:
                self.drop_generation(tx, left, application_name)
            self.drop_generation(tx, generation, application_name)
        self._create_generation(generation)

    def _generations_present(self, tx: Tx) -> set[int]:
        found: set[int] = set()
        for name in self.table_names(tx):
            for table in (*TABLES, FAILURES):
                if name == table:
                    found.add(0)
                elif name.endswith("_" + table) and _GENERATION.fullmatch(name[: -len(table)]):
                    found.add(int(name[1 : -len(table) - 1]))
        return found

    def drop_generation(self, tx: Tx, generation: int, application_name: str) -> None:
        """Drop the tables of a generation and forget what it applied."""
        named = generation_prefix(generation)
        for table in (*TABLES, FAILURES):
            tx.execute(f"DROP TABLE IF EXISTS {{s}}{named}{table}")
        tx.execute(
            f"DELETE FROM {self._tracking_table()} WHERE application_name = :a",  # noqa: S608
            {"a": tracking_name(application_name, generation)},
        )

    def activate(self, tx: Tx, old: int, new: int) -> None:
        """Make ``new`` the live generation instead of ``old``, in the switching transaction.
        The old one is dropped after it (see ``drop_generation``): no transaction that begins
        after the switch works on it, and those that began before it have ended."""
        found = tx.rows("SELECT generation FROM {s}rm_active")
        if [int(r["generation"]) for r in found] != [old]:
            raise GenerationMoved("the live generation changed during the rebuild")
        tx.execute(
            "UPDATE {s}rm_active SET generation = :g, version = :v",
            {
                "g": new,
                "v": SCHEMA_VERSION,
            },
        )

    def _create_generation(self, generation: int) -> None:
        named = generation_prefix(generation)
        for statement in (*CREATE, *CREATE_FAILURES):
            self._execute_alone(
                statement.replace("{t}", self._prefix() + named).replace("{g}", named)
            )

    def _execute_alone(self, statement: str) -> None:
        """Run one statement in a transaction of its own."""
        raise NotImplementedError

    def create_table(self) -> None:
        raise NotImplementedError

    def _prefix(self) -> str:
        raise NotImplementedError

    def _tracking_table(self) -> str:
        """The library's tracking table, in our dialect."""
        raise NotImplementedError

    def table_names(self, tx: Tx) -> set[str]:
        """The tables of the database (of the store's schema)."""
        raise NotImplementedError

    # -- tracking -------------------------------------------------------------------------

    def track(self, tx: Tx, tracking: Tracking) -> None:
        named = tracking_name(tracking.application_name, tx.generation)
        self._track(tx.cursor, Tracking(named, tracking.notification_id))

    def _track(self, cursor: Any, tracking: Tracking) -> None:
        raise NotImplementedError

    def position(self, application_name: str) -> int:
        """The last notification of that application applied to the live generation (or the
        one this thread builds)."""
        with self.transaction(commit=False) as tx:
            return self.position_in(tx, application_name)

    def position_in(self, tx: Tx, application_name: str) -> int:
        found = tx.rows(
            f"SELECT MAX(notification_id) AS n FROM {self._tracking_table()} "  # noqa: S608
            "WHERE application_name = :a",
            {"a": tracking_name(application_name, tx.generation)},
        )
        return int(found[0]["n"] or 0) if found else 0

    def clear(self, application_name: str) -> None:
        """Empty every table of the live generation and forget what was applied of that
        application, and what failed; the library's own rows in the tracking table (its
        migration marker) stay."""
        with self.transaction(commit=True) as tx:
            for table in TABLES:
                tx.execute(f"DELETE FROM {{t}}{table}")  # noqa: S608 - fixed names
            tx.execute(
                f"DELETE FROM {{t}}{FAILURES} WHERE application_name = :a",  # noqa: S608
                {"a": application_name},
            )
            tx.execute(
                f"DELETE FROM {self._tracking_table()} WHERE application_name = :a",  # noqa: S608
                {"a": tracking_name(application_name, tx.generation)},
            )

    def prepare(self, application_name: str) -> bool:
        """Make what is missing of the live generation's tables, unless they were made for
        another shape of the read model (another ``SCHEMA_VERSION``, or before versions were
        kept): those stay as they are, and the answer is True (a rebuild must replace them)."""
        with self.transaction(commit=True) as tx:
            tx.execute(CREATE_ACTIVE)
            found = tx.rows(f"SELECT generation, version FROM {{s}}{ACTIVE}")  # noqa: S608
            if not found:
                found = [{"generation": 0, "version": self._version_before(tx)}]
                tx.execute(
                    f"INSERT INTO {{s}}{ACTIVE} (generation, version) VALUES (0, :v)",  # noqa: S608
                    {"v": found[0]["version"]},
                )
        self.create_table()
        generation, version = int(found[0]["generation"]), int(found[0]["version"])
        if version != SCHEMA_VERSION:
            return True
        self._create_generation(generation)
        return False

    def _version_before(self, tx: Tx) -> int:
        """The version of a read model made before generations: that in ``rm_schema``, 0 for
        tables without one, and the current one when there are none yet."""
        present = self.table_names(tx)
        if "rm_schema" in present:
            found = tx.rows("SELECT version FROM {s}rm_schema")
            return int(found[0]["version"]) if found else 0
        return 0 if TABLES[0] in present else SCHEMA_VERSION


class SQLiteReadModel(SQLiteTrackingRecorder, ReadModel):
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
                yield Tx(cursor, "", postgres=False, recorder=self, writes=True)
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

    def _execute_alone(self, statement: str) -> None:
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(statement)

    def _prefix(self) -> str:
        return ""

    def _track(self, cursor: Any, tracking: Tracking) -> None:
        self._insert_tracking(cursor, tracking)

    def _tracking_table(self) -> str:
        return "tracking"

    def table_names(self, tx: Tx) -> set[str]:
        return {r["name"] for r in tx.rows("SELECT name FROM sqlite_master WHERE type = 'table'")}


class PostgresReadModel(PostgresTrackingRecorder, ReadModel):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.prefix = f'"{self.datastore.schema}".'
        # The advisory lock that keeps a generation live while a transaction works on it.
        self._switch_key = zlib.crc32(f"{self.datastore.schema}:read-model-switch".encode())

    def _execute_alone(self, statement: str) -> None:
        # Each statement in a transaction of its own: CREATE INDEX IF NOT EXISTS locks its table
        # even when the index exists, and a transaction holding several such locks would
        # deadlock with the follower writing those tables in another order (a migration while
        # the service runs); one lock at a time only waits for the follower's transaction.
        with self.datastore.transaction(commit=True) as cursor:
            cursor.execute(statement.encode())

    def _prefix(self) -> str:
        return self.prefix

    def _track(self, cursor: Any, tracking: Tracking) -> None:
        self._insert_tracking(cursor, tracking)

    def _tracking_table(self) -> str:
        return f'{{s}}"{self.tracking_table_name}"'

    def table_names(self, tx: Tx) -> set[str]:
        found = tx.rows(
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = :s",
            {"s": self.datastore.schema},
        )
        return {r["name"] for r in found}

    def _share_generation(self, tx: Tx) -> None:
        tx.cursor.execute(f"SELECT pg_advisory_xact_lock_shared({self._switch_key})".encode())

    def _exclude_generation(self, tx: Tx) -> None:
        tx.cursor.execute(f"SELECT pg_advisory_xact_lock({self._switch_key})".encode())

    @contextmanager
    def _transaction(self, *, commit: bool) -> Iterator[Tx]:
        with self.datastore.transaction(commit=commit) as cursor:
            if commit:
                cursor.execute(_RELAXED_POSTGRES)
            yield Tx(cursor, self.prefix, postgres=True, recorder=self, writes=commit)
