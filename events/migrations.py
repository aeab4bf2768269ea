"""Steps that bring a store written by an earlier release up to this one's shape.

Each step is idempotent and runs under the tables lock when a store opens. None of them changes
a recorded event: events are upcast when read (see the events' ``class_version``).

- Snapshots of the consortium's earlier, unbounded shape (``RecordingAggregate.Snapshot``,
  holding every ledger entry) cannot be restored into the bounded aggregate. A snapshot is only
  a cache of what the events say, so they are removed; the next save takes a new one.
- The read model's tables are rebuilt when their shape changed (``ReadModel.prepare``).
"""

from __future__ import annotations

import sqlite3
from typing import Final

from psycopg.sql import SQL, Identifier

from events.postgres import connect
from events.settings import StoreSettings

UNBOUNDED_SNAPSHOT_TOPIC: Final = "consortium.recording:RecordingAggregate.Snapshot"
SNAPSHOTS_TABLE: Final = "consortia_snapshots"


def drop_unbounded_snapshots(settings: StoreSettings) -> int:
    """Remove snapshots of the unbounded shape; answers how many there were."""
    if settings.is_postgres:
        schema = settings.env.get("POSTGRES_SCHEMA") or "public"
        with connect(settings) as conn:
            deleted = conn.execute(
                SQL("DELETE FROM {}.{} WHERE topic = %s").format(
                    Identifier(schema), Identifier(SNAPSHOTS_TABLE)
                ),
                (UNBOUNDED_SNAPSHOT_TOPIC,),
            )
            return deleted.rowcount
    connection = sqlite3.connect(settings.env["SQLITE_DBNAME"])
    try:
        with connection:
            cursor = connection.execute(
                f"DELETE FROM {SNAPSHOTS_TABLE} WHERE topic = ?",  # noqa: S608 - a fixed name
                (UNBOUNDED_SNAPSHOT_TOPIC,),
            )
            return cursor.rowcount
    finally:
        connection.close()
