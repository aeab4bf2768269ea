"""Reading chosen versions of one aggregate's events in one query, and when each was recorded.

The library reads an aggregate's events by ranges of versions; an as-of read looks for the
version recorded by an instant among versions far apart, and reading each of those on its own
costs a round trip to the database. Here a few of them are read at once (``IN`` on SQLite,
``= ANY`` on PostgreSQL); another recorder reads them one by one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final
from uuid import UUID

from eventsourcing.persistence import AggregateRecorder, Mapper, StoredEvent
from eventsourcing.postgres import PostgresAggregateRecorder
from eventsourcing.sqlite import SQLiteAggregateRecorder
from psycopg.sql import SQL

# How the library writes an event's time, first in its JSON (a domain event's first field).
_RECORDED_FIRST: Final = re.compile(
    rb'\{"timestamp":\{"_type_":"datetime_iso","_data_":"([^"]+)"\}'
)


def select_versions(
    recorder: AggregateRecorder, originator_id: UUID, versions: Sequence[int]
) -> list[StoredEvent]:
    """The stored events of those versions (those that exist), in ascending order."""
    if isinstance(recorder, SQLiteAggregateRecorder):
        marks = ",".join("?" * len(versions))
        statement = f"{recorder.select_events_statement}AND originator_version IN ({marks}) "
        with recorder.datastore.transaction(commit=False) as cursor:
            cursor.execute(statement, [originator_id.hex, *versions])
            rows: list[Any] = cursor.fetchall()
    elif isinstance(recorder, PostgresAggregateRecorder):
        query = recorder.select_events_statement + SQL(" AND originator_version = ANY(%s)")
        with recorder.datastore.get_connection() as conn, conn.cursor() as cursor:
            cursor.execute(query, [originator_id, list(versions)])
            rows = cursor.fetchall()
    else:
        return [
            stored
            for version in sorted(versions)
            for stored in recorder.select_events(originator_id, gt=version - 1, lte=version)
        ]
    found = [
        StoredEvent(
            originator_id=originator_id,
            originator_version=row["originator_version"],
            topic=row["topic"],
            state=bytes(row["state"]),
        )
        for row in rows
    ]
    return sorted(found, key=lambda stored: stored.originator_version)


def recorded_at(mapper: Mapper[UUID], stored: StoredEvent) -> datetime:
    """When a stored event was recorded: its ``timestamp``, read from its JSON without decoding
    the rest (no object per id, amount or instant it holds); through the mapper when the state
    is compressed or enciphered, or not of the usual shape."""
    if mapper.cipher is None and mapper.compressor is None:
        first = _RECORDED_FIRST.match(stored.state)
        if first is not None:
            return datetime.fromisoformat(first.group(1).decode())
        stamp = json.loads(stored.state).get("timestamp")
        if isinstance(stamp, dict) and stamp.get("_type_") == "datetime_iso":
            return datetime.fromisoformat(stamp["_data_"])
    recorded: datetime = getattr(mapper.to_domain_event(stored), "timestamp")  # noqa: B009
    return recorded
