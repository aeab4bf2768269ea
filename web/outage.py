"""Failing fast while the database is away.

The eventsourcing library tries a command ten times, each waiting for a connection, before it
gives up: about 30 seconds while PostgreSQL is unreachable. After one request found it so,
later requests ask the server directly (one connection attempt, a second at most) and answer
503 problem+json with Retry-After at once while it stays away; the first request that finds it
back closes the breaker.
"""

from __future__ import annotations

import threading
import time
from typing import Final

import psycopg
from flask import Flask, Response, current_app, request

from events.bootstrap import Store
from events.postgres import connect

_EXTENSION: Final = "consortium.outage"
PROBE_TIMEOUT_SECONDS: Final = 1
# After this long without news, a request goes the whole way again even if the probe fails.
OPEN_SECONDS: Final = 30.0
# /healthz never touches the database; /readyz asks the breaker itself, to say why.
EXEMPT: Final = frozenset({"/healthz", "/readyz"})


class Breaker:
    def __init__(self, store: Store) -> None:
        self.settings = store.settings
        self._lock = threading.Lock()
        self._open_until = 0.0

    def trip(self) -> None:
        with self._lock:
            self._open_until = time.monotonic() + OPEN_SECONDS

    def is_open(self) -> bool:
        with self._lock:
            return time.monotonic() < self._open_until

    def database_answers(self) -> bool:
        """One connection attempt, straight to the server, outside the pool."""
        settings = self.settings.with_env(POSTGRES_CONNECT_TIMEOUT=str(PROBE_TIMEOUT_SECONDS))
        try:
            connect(settings).close()
        except psycopg.Error:
            return False
        with self._lock:
            self._open_until = 0.0
        return True


def breaker() -> Breaker | None:
    found: Breaker | None = current_app.extensions.get(_EXTENSION)
    return found


def _refuse_while_away() -> Response | None:
    tripped = breaker()
    if tripped is None or request.path in EXEMPT or not tripped.is_open():
        return None
    if tripped.database_answers():
        return None
    from web.problems import database_unreachable  # noqa: PLC0415 - problems imports this module

    return database_unreachable()


def init_outage(app: Flask, store: Store) -> None:
    """Only PostgreSQL goes away over a network; a SQLite file does not."""
    if store.settings.is_postgres:
        app.extensions[_EXTENSION] = Breaker(store)
        app.before_request(_refuse_while_away)
