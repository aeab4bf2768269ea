"""PostgreSQL: the store's factory (one small pool per store, named connections) and a plain
connection for the few things done outside the pool (advisory locks that outlive a transaction).

Connections are few: a store's applications (consortia, accounts) and its read model share one
pool (``one_pool``) instead of a pool each; the pool keeps one connection open and closes those
above it after ``POSTGRES_POOL_MAX_IDLE`` seconds unused. Every connection carries the
``application_name`` of the settings, so ``pg_stat_activity`` shows whose it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Final

import psycopg
from eventsourcing.postgres import PostgresDatastore, PostgresFactory
from eventsourcing.utils import Environment, EnvType

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
        pool.max_idle = float(self.env.get(POOL_MAX_IDLE) or pool.max_idle)
        if isinstance(pool.kwargs, dict):  # as the library makes it
            name = self.env.get(APPLICATION_NAME) or DEFAULT_APPLICATION_NAME
            pool.kwargs["application_name"] = name
            pool.kwargs.update(SILENT_SERVER)
        # Open it now, waiting for the connection it keeps: opened on first use instead, it
        # would open a second one beside it for that use, and keep both until it shrinks.
        pool.open(wait=True, timeout=pool.timeout)
        if shared is not None:
            shared.append(self.datastore)


def connect(settings: StoreSettings) -> psycopg.Connection[Any]:
    env = settings.env
    return psycopg.connect(
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
