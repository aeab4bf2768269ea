"""Rate-limit counters in a SQLite file, shared by every process on one machine.

A storage for the ``limits`` library (``sqlite:///path/to/file``), for the embedded default
where there is no Redis: each gunicorn worker opens the same file, and every change runs in one
``BEGIN IMMEDIATE`` transaction (SQLite's write lock), so processes take turns and a limit of
20 lets exactly 20 through however many workers race for it.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final
from urllib.parse import unquote, urlsplit

from limits.storage import MovingWindowSupport, Storage

# Seconds a process waits for another's write lock; the work under the lock is a few rows.
BUSY_TIMEOUT_MS: Final = 5_000
_RETRY_SECONDS: Final = 0.02

_SCHEMA: Final = (
    # Moving window: one row per counted event.
    "CREATE TABLE IF NOT EXISTS entries (key TEXT NOT NULL, at REAL NOT NULL,"
    " expires_at REAL NOT NULL)",
    "CREATE INDEX IF NOT EXISTS entries_by_key ON entries (key, at)",
    "CREATE INDEX IF NOT EXISTS entries_by_expiry ON entries (expires_at)",
    # Fixed window: one counter per key.
    "CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, count INTEGER NOT NULL,"
    " expires_at REAL NOT NULL)",
)


def _prepare(connection: sqlite3.Connection) -> None:
    """Write-ahead logging (readers never wait for a writer) and the tables, when processes
    open a new file at the same moment. Changing the journal mode needs the file to itself,
    and SQLite refuses it at once, without waiting, to one of two connections that both ask
    while each holds a read lock; so the mode is only changed when it is not WAL already (it
    stays with the file), and a refusal is tried again within the busy timeout. The tables
    are made in one write transaction taken at once (``BEGIN IMMEDIATE``), which waits its
    turn instead of upgrading a read lock."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            (mode,) = connection.execute("PRAGMA journal_mode").fetchone()
            if str(mode).lower() != "wal":
                connection.execute("PRAGMA journal_mode = WAL")
            break
        except sqlite3.OperationalError as error:
            if not _is_busy(error) or time.monotonic() > deadline:
                raise
            time.sleep(_RETRY_SECONDS)
    connection.execute("BEGIN IMMEDIATE")
    try:
        for statement in _SCHEMA:
            connection.execute(statement)
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _is_busy(error: sqlite3.OperationalError) -> bool:
    # The primary code, without its extended part (SQLITE_BUSY_RECOVERY is busy too).
    return error.sqlite_errorcode & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class SQLiteStorage(Storage, MovingWindowSupport):
    """Counters in a SQLite file; the connection is opened on first use, in the process that
    uses it (gunicorn forks its workers after the app may have been built)."""

    STORAGE_SCHEME = ["sqlite"]

    def __init__(
        self,
        uri: str,
        wrap_exceptions: bool = False,
        clock: Callable[[], float] = time.time,
        **options: float | str | bool,
    ) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        # Wall-clock seconds, as the limits library counts: the same in every process.
        self.clock = clock
        path = unquote(urlsplit(uri).path)
        if not path or path == "/":
            raise ValueError(f"sqlite:///path needs a file path, not {uri!r}")
        self.path = Path(path)
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._pid = 0

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return (sqlite3.Error, OSError)

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None or self._pid != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,  # transactions are begun explicitly
                check_same_thread=False,  # shared by this process's threads, under _lock
            )
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            try:
                _prepare(connection)
            except BaseException:
                connection.close()
                raise
            self._connection, self._pid = connection, os.getpid()
        return self._connection

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._connect()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; BEGIN IMMEDIATE takes the file's write lock at once, so a
        count read in it is still true when the entry is added."""
        with self._reading() as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    # -- moving window ------------------------------------------------------------------------

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        with self._transaction() as connection:
            now = self.clock()
            # Expired entries of every key go, so the file stays as small as the live counts.
            connection.execute("DELETE FROM entries WHERE expires_at <= ?", (now,))
            (count,) = connection.execute(
                "SELECT count(*) FROM entries WHERE key = ? AND at > ?", (key, now - expiry)
            ).fetchone()
            if count + amount > limit:
                return False
            connection.executemany(
                "INSERT INTO entries (key, at, expires_at) VALUES (?, ?, ?)",
                [(key, now, now + expiry)] * amount,
            )
        return True

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        now = self.clock()
        with self._reading() as connection:
            oldest, count = connection.execute(
                "SELECT min(at), count(*) FROM entries WHERE key = ? AND at > ?",
                (key, now - expiry),
            ).fetchone()
        return (oldest, count) if count else (now, 0)

    # -- fixed window -------------------------------------------------------------------------

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        with self._transaction() as connection:
            now = self.clock()
            connection.execute("DELETE FROM counters WHERE key = ? AND expires_at <= ?", (key, now))
            (count,) = connection.execute(
                "INSERT INTO counters (key, count, expires_at) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET count = count + excluded.count"
                " RETURNING count",
                (key, amount, now + expiry),
            ).fetchone()
        return int(count)

    def _counter(self, key: str) -> tuple[int, float] | None:
        with self._reading() as connection:
            row = connection.execute(
                "SELECT count, expires_at FROM counters WHERE key = ? AND expires_at > ?",
                (key, self.clock()),
            ).fetchone()
        return None if row is None else (int(row[0]), float(row[1]))

    def get(self, key: str) -> int:
        counter = self._counter(key)
        return 0 if counter is None else counter[0]

    def get_expiry(self, key: str) -> float:
        counter = self._counter(key)
        return self.clock() if counter is None else counter[1]

    # -- housekeeping -------------------------------------------------------------------------

    def check(self) -> bool:
        try:
            with self._reading() as connection:
                connection.execute("SELECT 1").fetchone()
        except (sqlite3.Error, OSError):
            return False
        return True

    def clear(self, key: str) -> None:
        with self._transaction() as connection:
            connection.execute("DELETE FROM entries WHERE key = ?", (key,))
            connection.execute("DELETE FROM counters WHERE key = ?", (key,))

    def reset(self) -> int | None:
        with self._transaction() as connection:
            (keys,) = connection.execute(
                "SELECT count(*) FROM (SELECT key FROM entries UNION SELECT key FROM counters)"
            ).fetchone()
            connection.execute("DELETE FROM entries")
            connection.execute("DELETE FROM counters")
        return int(keys)
