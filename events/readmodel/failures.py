"""Events the read model could not apply: whose fault a failure is, and the notes kept of them.

A failure is the *event's* when the database refuses that event's data (text with a NUL on
PostgreSQL, a value that breaks a constraint) or the projection's code raises on it: applying it
again changes nothing, so the follower notes it in ``rm_failures`` and moves on. A failure is the
*database's* when it is unreachable, busy, locked or not set up: then nothing is skipped, and the
follower tries again later. The notes stay until ``consortium projections retry`` applies the
events after a fix, or a rebuild starts afresh.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final
from uuid import UUID

import psycopg
from eventsourcing import persistence as es
from eventsourcing.persistence import Notification
from psycopg import errors as pg

from events.readmodel.recorders import Tx

MAX_MESSAGE: Final = 500
LISTED: Final = 100

# Database errors about the data of one statement: the event's fault, not the database's ...
_ABOUT_DATA: Final = (
    es.DataError,
    es.IntegrityError,
    es.ProgrammingError,
    es.NotSupportedError,
    psycopg.DataError,
    psycopg.IntegrityError,
    psycopg.ProgrammingError,
    psycopg.NotSupportedError,
    sqlite3.DataError,
    sqlite3.IntegrityError,
    sqlite3.ProgrammingError,
    sqlite3.NotSupportedError,
)
# ... except those saying the tables are missing or not ours to write, which every event meets.
_ABOUT_SCHEMA: Final = (
    pg.UndefinedTable,
    pg.UndefinedColumn,
    pg.InvalidSchemaName,
    pg.InsufficientPrivilege,
)
_DATABASE: Final = (
    es.PersistenceError,
    es.ConnectionPoolClosedError,
    es.ConnectionNotFromPoolError,
    psycopg.Error,
    sqlite3.Error,
    OSError,
    MemoryError,
)


def blames_the_database(error: BaseException) -> bool:
    """Whether the database failed (or the process), rather than refused this event's data;
    the wrappers the eventsourcing library puts around the drivers' errors are looked through."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, _ABOUT_SCHEMA):
            return True
        if isinstance(cause, _DATABASE) and not isinstance(cause, _ABOUT_DATA):
            return True
        cause = cause.__cause__
    return False


def describe(error: BaseException) -> tuple[str, str]:
    """The error's class and message, printable (a NUL in it must not fail the note) and short."""
    kind = type(error)
    name = kind.__qualname__
    if kind.__module__ != "builtins":
        name = f"{kind.__module__}.{name}"
    message = "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(error))
    if len(message) > MAX_MESSAGE:
        message = message[: MAX_MESSAGE - 1] + "…"
    return name, message


@dataclass(frozen=True)
class Failure:
    """An event the read model could not apply, and why (the last time it was tried)."""

    notification_id: int
    originator_id: UUID
    originator_version: int
    topic: str
    error_class: str
    error_message: str
    first_failed_at: datetime
    last_failed_at: datetime
    attempts: int

    @property
    def event_type(self) -> str:
        """The event's class name, as the history names it: ``Founded``."""
        return self.topic.rpartition(":")[2].rpartition(".")[2]


def record(
    tx: Tx, application: str, notification: Notification, error: BaseException, at: datetime
) -> None:
    """Note that the event failed; if it had failed before, count one more attempt."""
    error_class, message = describe(error)
    tx.execute(
        """INSERT INTO {t}rm_failures (application_name, notification_id, originator_id,
               originator_version, topic, error_class, error_message, first_failed_at,
               last_failed_at, attempts)
           VALUES (:app, :id, :originator, :version, :topic, :error_class, :message, :at, :at, 1)
           ON CONFLICT (application_name, notification_id) DO UPDATE
           SET error_class = :error_class, error_message = :message, last_failed_at = :at,
               attempts = {t}rm_failures.attempts + 1""",
        {
            "app": application,
            "id": notification.id,
            "originator": str(notification.originator_id),
            "version": notification.originator_version,
            "topic": notification.topic,
            "error_class": error_class,
            "message": message,
            "at": at.isoformat(),
        },
    )


def forget(tx: Tx, application: str, notification_id: int) -> None:
    """The event was applied after all: drop its note (if it had one)."""
    tx.execute(
        "DELETE FROM {t}rm_failures WHERE application_name = :app AND notification_id = :id",
        {"app": application, "id": notification_id},
    )


def count(tx: Tx, application: str) -> int:
    (row,) = tx.rows(
        "SELECT COUNT(*) AS n FROM {t}rm_failures WHERE application_name = :app",
        {"app": application},
    )
    return int(row["n"])


def listed(tx: Tx, application: str, limit: int | None = LISTED) -> list[Failure]:
    """The failed events in log order (the first ``limit`` of them; ``None``: all)."""
    sql = """SELECT notification_id, originator_id, originator_version, topic, error_class,
                 error_message, first_failed_at, last_failed_at, attempts
             FROM {t}rm_failures WHERE application_name = :app ORDER BY notification_id"""
    params: dict[str, Any] = {"app": application}
    if limit is not None:
        sql += " LIMIT :limit"
        params["limit"] = limit
    return [_failure(row) for row in tx.rows(sql, params)]


def _failure(row: dict[str, Any]) -> Failure:
    return Failure(
        notification_id=int(row["notification_id"]),
        originator_id=UUID(row["originator_id"]),
        originator_version=int(row["originator_version"]),
        topic=row["topic"],
        error_class=row["error_class"],
        error_message=row["error_message"],
        first_failed_at=datetime.fromisoformat(row["first_failed_at"]),
        last_failed_at=datetime.fromisoformat(row["last_failed_at"]),
        attempts=int(row["attempts"]),
    )
