"""PostgreSQL: the store's factory (one small pool per store, named connections) and a plain
connection for the few things done outside the pool (advisory locks that outlive a transaction).

Connections are few: a store's applications (consortia, accounts) and its read model share one
pool (``one_pool``) instead of a pool each; the pool keeps one connection open and closes those
above it after ``POSTGRES_POOL_MAX_IDLE`` seconds unused. Every connection carries the
``application_name`` of the settings, so ``pg_stat_activity`` shows whose it is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, suppress
from contextvars import ContextVar
from functools import cache
from typing import Any, ClassVar, Final

import psycopg
from eventsourcing.postgres import PostgresDatastore, PostgresFactory
from eventsourcing.utils import Environment, EnvType
from psycopg_pool import ConnectionPool

from events.audit.postgres_chain import ChainedPostgresRecorder
from events.settings import DEFAULT_APPLICATION_NAME, StoreSettings

APPLICATION_NAME: Final = "POSTGRES_APPLICATION_NAME"
POOL_MAX_IDLE: Final = "POSTGRES_POOL_MAX_IDLE"
# A connection whose server went silent (the network lost, a host gone without closing) is
# given up within about a minute instead of the operating system's quarter of an hour: libpq's
# TCP keepalives probe an idle connection after 30 s (3 probes, 10 s apart), and data sent but
# not acknowledged for 30 s breaks it. A live server acknowledges at once, however long its query.
SILENT_SERVER: Final[dict[str, Any]] = {
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
    "tcp_user_timeout": 30_000,
}

# How long one exchange with PostgreSQL (a query sent, its answer read) may take at most, unless
# POSTGRES_ANSWER_TIMEOUT says otherwise (0: no bound). A server that acknowledges what it is sent
# but never answers (a proxy or a pooler that lost its peer) is not caught by the keepalives above,
# and would hold the thread that asked for good: the read model's follower, a pool's worker, a
# request. No query of a request or of the follower takes near this long, and it stays well under
# gunicorn's worker timeout (60 s), so a request answers 503 rather than losing its worker. The
# pool's check of an idle connection gets the connect timeout instead (it asks for nothing).
# Work that may take long (migrations, rebuilds, backups) is exempt: ``without_answer_bound``.
ANSWER_TIMEOUT: Final = "POSTGRES_ANSWER_TIMEOUT"
DEFAULT_ANSWER_SECONDS: Final = 20.0
_CANCEL_SECONDS: Final = 3.0
# This thread's bound instead of the connection's (None: no bound), when set.
_this_thread: ContextVar[tuple[float | None] | None] = ContextVar("answer_bound", default=None)
# psycopg's own error for a wait that ran out of its time (raised only to callers that gave
# ``wait`` a timeout, as BoundedConnection does).
_WAIT_TIMEOUT: Final[type[Exception]] = psycopg.errors._WaitTimeout


@contextmanager
def answers_within(seconds: float | None) -> Iterator[None]:
    """On this thread, PostgreSQL has ``seconds`` to answer each exchange (None: no bound)."""
    token = _this_thread.set((seconds,))
    try:
        yield
    finally:
        _this_thread.reset(token)


def without_answer_bound() -> AbstractContextManager[None]:
    """On this thread, PostgreSQL may take as long as it takes to answer (long work)."""
    return answers_within(None)


class BoundedConnection(psycopg.Connection[Any]):
    """psycopg's connection, whose every exchange has to be answered within ``answer_seconds``
    (None: no bound): one that takes longer is cancelled on the server (if it can be reached)
    and fails with ``psycopg.OperationalError``, and the connection is closed (never reused:
    what it would read next is the answer to a question nobody asks any more)."""

    answer_seconds: ClassVar[float | None] = DEFAULT_ANSWER_SECONDS

    def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
        given = _this_thread.get()
        bound = self.answer_seconds if given is None else given[0]
        if timeout is not None or bound is None:
            return super().wait(gen, interval, timeout)
        try:
            return super().wait(gen, interval, bound)
        except _WAIT_TIMEOUT as error:
            # As psycopg does on an interrupt: the server may still be working on it.
            with suppress(Exception):
                self.cancel_safe(timeout=min(_CANCEL_SECONDS, bound))
            self.pgconn.finish()
            raise psycopg.OperationalError(
                f"PostgreSQL did not answer within {bound:g} s; the connection is closed"
            ) from error


def check_briefly(seconds: float) -> Callable[[psycopg.Connection[Any]], None]:
    """The pool's check of an idle connection (an empty query), answered within ``seconds``."""

    def check(conn: psycopg.Connection[Any]) -> None:
        with answers_within(seconds):
            ConnectionPool.check_connection(conn)

    return check


@cache
def bounded_connection(seconds: float | None) -> type[BoundedConnection]:
    """The connection class whose exchanges are bounded by ``seconds`` (None: no bound)."""
    if seconds == DEFAULT_ANSWER_SECONDS:
        return BoundedConnection
    return type("BoundedConnection", (BoundedConnection,), {"answer_seconds": seconds})


def answer_bound(env: Mapping[str, str] | Environment) -> float | None:
    """The bound the settings give (POSTGRES_ANSWER_TIMEOUT seconds; 0: none)."""
    given = env.get(ANSWER_TIMEOUT) or ""
    seconds = float(given) if given.strip() else DEFAULT_ANSWER_SECONDS
    return seconds if seconds > 0 else None


# The datastore the factories made while a store is being opened share (see ``one_pool``).
_sharing: ContextVar[list[PostgresDatastore] | None] = ContextVar("sharing", default=None)


@contextmanager
def one_pool() -> Iterator[None]:
    """Factories made within share one datastore: the first one's, with its pool."""
    token = _sharing.set([])
    try:
        yield
    finally:
        _sharing.reset(token)


class PostgresStoreFactory(PostgresFactory):
    """The library's PostgreSQL factory, with named connections, a pool that shrinks when idle,
    and one datastore for all factories made within :func:`one_pool`; applications record
    their events with the audit chain (:mod:`events.audit.postgres_chain`)."""

    application_recorder_class = ChainedPostgresRecorder

    def __init__(self, env: Environment | EnvType | None) -> None:
        super().__init__(env)
        shared = _sharing.get()
        if shared:
            # Not yet opened (the pool opens on first use), so dropping it closes nothing.
            self.datastore = shared[0]
            return
        pool = self.datastore.pool
        # The pool connects on first use, so these still apply to every connection it makes.
        pool.connection_class = bounded_connection(answer_bound(self.env))
        pool.max_idle = float(self.env.get(POOL_MAX_IDLE) or pool.max_idle)
        if isinstance(pool.kwargs, dict):  # as the library makes it
            name = self.env.get(APPLICATION_NAME) or DEFAULT_APPLICATION_NAME
            pool.kwargs["application_name"] = name
            pool.kwargs.update(SILENT_SERVER)
            # The library hands POSTGRES_CONNECT_TIMEOUT to the pool as its wait for a free
            # connection only; libpq gets it too, or a pool worker connecting to a server that
            # accepts but never answers waits for good (and the pool never grows again).
            pool.kwargs["connect_timeout"] = max(1, round(pool.timeout))
        # POSTGRES_PRE_PING: the library gives the pool psycopg's check, whose empty query
        # gets the connect timeout rather than a query's bound (psycopg_pool keeps it here).
        if pool._check is not None:
            pool._check = check_briefly(pool.timeout)
        # Open it now, waiting for the connection it keeps: opened on first use instead, it
        # would open a second one beside it for that use, and keep both until it shrinks.
        pool.open(wait=True, timeout=pool.timeout)
        if shared is not None:
            shared.append(self.datastore)


def connect(settings: StoreSettings) -> psycopg.Connection[Any]:
    env = settings.env
    return bounded_connection(answer_bound(env)).connect(
        host=env["POSTGRES_HOST"],
        port=int(env["POSTGRES_PORT"]),
        user=env["POSTGRES_USER"],
        password=env.get("POSTGRES_PASSWORD") or None,
        dbname=env["POSTGRES_DBNAME"],
        autocommit=True,
        connect_timeout=int(env.get("POSTGRES_CONNECT_TIMEOUT", "10")),
        application_name=env.get(APPLICATION_NAME) or DEFAULT_APPLICATION_NAME,
        **SILENT_SERVER,
    )
