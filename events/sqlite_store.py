"""SQLite persistence with one pair of tables per application, as on PostgreSQL.

The library's SQLite factory names its tables ``stored_events`` whatever the application, so
two applications in one file would share a log. This factory prefixes the tables with the
application's name, exactly as ``eventsourcing.postgres`` does, and makes the database file
private (0600) before SQLite opens it: SQLite makes its -wal and -shm files with the same mode.
"""

from __future__ import annotations

from pathlib import Path

from eventsourcing.persistence import AggregateRecorder, ApplicationRecorder
from eventsourcing.sqlite import SQLiteAggregateRecorder, SQLiteFactory
from eventsourcing.utils import Environment, EnvType

from events.audit.sqlite_chain import ChainedSQLiteRecorder
from events.files import private_file


class SnapshotRecorder(SQLiteAggregateRecorder):
    """Snapshots in an ordinary (rowid) table: the library's WITHOUT ROWID table keeps rows in its
    primary-key b-tree, where a snapshot of megabytes slows every lookup that passes it."""

    def construct_create_table_statements(self) -> list[str]:
        return [
            f"CREATE TABLE IF NOT EXISTS {self.events_table_name} ("
            "originator_id TEXT, originator_version INTEGER, topic TEXT, state BLOB, "
            "PRIMARY KEY (originator_id, originator_version))"
        ]


class SQLiteStoreFactory(SQLiteFactory):
    def __init__(self, env: Environment | EnvType | None):
        super().__init__(env)  # connects lazily: the file is made below, before SQLite does
        dbname = self.datastore.pool.db_name
        if not self.datastore.pool.is_sqlite_memory_mode and not dbname.startswith("file:"):
            private_file(Path(dbname))

    def _prefix(self) -> str:
        return self.env.name.lower() or "stored"

    def aggregate_recorder(self, purpose: str = "events") -> AggregateRecorder:
        recorder = SnapshotRecorder(
            datastore=self.datastore, events_table_name=f"{self._prefix()}_{purpose}"
        )
        if self.env_create_table():
            recorder.create_table()
        return recorder

    def application_recorder(self) -> ApplicationRecorder:
        # Events are recorded with the audit chain (events/audit/sqlite_chain.py).
        recorder = ChainedSQLiteRecorder(
            datastore=self.datastore, events_table_name=f"{self._prefix()}_events"
        )
        if self.env_create_table():
            recorder.create_table()
        return recorder
