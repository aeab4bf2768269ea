"""The SQLite application recorder that extends the audit chain in the insert's transaction.

SQLite lets one writer at a time hold the database: once the events are inserted, no other
transaction can append before this one commits, so the last link read after the insert is the
one the new events follow.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any, Final
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteDatastore

from events.audit.chain import (
    GENESIS,
    ChainRow,
    Checkpoint,
    EventRow,
    LinkRow,
    chain_table_names,
    id_hex,
    in_batches,
    link_rows,
)

log = logging.getLogger(__name__)
BATCH: Final = 10_000
_LAST: Final = 2**63 - 1


class ChainedSQLiteRecorder(SQLiteApplicationRecorder):
    def __init__(self, datastore: SQLiteDatastore, events_table_name: str = "stored_events"):
        self.chain_table_name, self.checkpoints_table_name = chain_table_names(events_table_name)
        super().__init__(datastore, events_table_name)
        self.application = events_table_name.removesuffix("_events")

    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            f"CREATE TABLE IF NOT EXISTS {self.chain_table_name} ("
            "notification_id INTEGER PRIMARY KEY, originator_id TEXT NOT NULL, "
            "originator_version INTEGER NOT NULL, link BLOB NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {self.checkpoints_table_name} ("
            "notification_id INTEGER PRIMARY KEY, link BLOB NOT NULL, signed_at TEXT NOT NULL, "
            "public_key BLOB NOT NULL, signature BLOB NOT NULL)",
        ]

    def create_table(self) -> None:
        super().create_table()
        with self.datastore.transaction(commit=True) as c:
            self._chain_earlier_events(c.sqlite_cursor)

    def _chain_earlier_events(self, c: sqlite3.Cursor) -> None:
        """A store written before the chain existed: its events are chained once, in order,
        when its tables are made (``consortium migrate``). Only an empty chain is built so:
        an event found later without a link is reported by verification, never adopted."""
        if c.execute(f"SELECT 1 FROM {self.chain_table_name} LIMIT 1").fetchone():  # noqa: S608
            return
        previous, after, count = GENESIS, 0, 0
        while rows := self._event_rows(c, after, None, BATCH):
            links = list(link_rows(previous, rows))
            c.executemany(self._insert_link, links)
            previous, after, count = links[-1].link, rows[-1].notification_id, count + len(rows)
        if count:
            log.info("chained the %d earlier events of %s", count, self.events_table_name)

    @property
    def _insert_link(self) -> str:
        return f"INSERT INTO {self.chain_table_name} VALUES (?, ?, ?, ?)"  # noqa: S608

    def _insert_events(
        self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        ids = super()._insert_events(c, stored_events, **kwargs) or ()
        raw = c.sqlite_cursor
        row = raw.execute(
            f"SELECT link FROM {self.chain_table_name} "  # noqa: S608
            "ORDER BY notification_id DESC LIMIT 1"
        ).fetchone()
        rows = [
            EventRow(nid, id_hex(s.originator_id), s.originator_version, s.topic, s.state)
            for nid, s in zip(ids, stored_events, strict=True)
        ]
        raw.executemany(self._insert_link, list(link_rows(row[0] if row else GENESIS, rows)))
        return ids

    # -- reading ------------------------------------------------------------------------------

    def _event_rows(
        self, c: sqlite3.Cursor, after: int, upto: int | None, limit: int
    ) -> list[EventRow]:
        c.row_factory = None  # tuples
        c.execute(
            "SELECT rowid, originator_id, originator_version, topic, state "  # noqa: S608
            f"FROM {self.events_table_name} WHERE rowid > ? AND rowid <= ? "
            "ORDER BY rowid LIMIT ?",
            (after, _LAST if upto is None else upto, limit),
        )
        # The library writes ids as 32 hex digits already (``UUID.hex``).
        return [EventRow._make(row) for row in c.fetchall()]

    def chain(self, *, after: int = 0, upto: int | None = None) -> Iterator[ChainRow]:
        return in_batches(self._batch, after, upto, BATCH)

    def _batch(
        self, after: int, upto: int | None, limit: int
    ) -> tuple[list[EventRow], list[LinkRow]]:
        with self.datastore.transaction(commit=False) as c:
            cursor = c.sqlite_cursor
            events = self._event_rows(cursor, after, upto, limit)
            end = events[-1].notification_id if len(events) == limit else upto
            cursor.execute(
                f"SELECT * FROM {self.chain_table_name} "  # noqa: S608
                "WHERE notification_id > ? AND notification_id <= ? ORDER BY notification_id",
                (after, _LAST if end is None else end),
            )
            return events, list(map(LinkRow._make, cursor.fetchall()))

    def head(self) -> LinkRow | None:
        with self.datastore.transaction(commit=False) as c:
            row = c.sqlite_cursor.execute(
                f"SELECT * FROM {self.chain_table_name} "  # noqa: S608
                "ORDER BY notification_id DESC LIMIT 1"
            ).fetchone()
        return None if row is None else LinkRow(row[0], row[1], row[2], row[3])

    def link_before(self, notification_id: int) -> bytes:
        with self.datastore.transaction(commit=False) as c:
            row = c.sqlite_cursor.execute(
                f"SELECT link FROM {self.chain_table_name} WHERE notification_id < ? "  # noqa: S608
                "ORDER BY notification_id DESC LIMIT 1",
                (notification_id,),
            ).fetchone()
        return bytes(row[0]) if row else GENESIS

    def first_notification_of(self, originator_id: UUID) -> int | None:
        with self.datastore.transaction(commit=False) as c:
            row = c.sqlite_cursor.execute(
                f"SELECT MIN(rowid) FROM {self.events_table_name} "  # noqa: S608
                "WHERE originator_id = ?",
                (id_hex(originator_id),),
            ).fetchone()
        return None if row is None else row[0]

    def insert_checkpoint(self, checkpoint: Checkpoint) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute(
                f"INSERT OR IGNORE INTO {self.checkpoints_table_name} "  # noqa: S608
                "VALUES (?, ?, ?, ?, ?)",
                (*checkpoint[1:],),
            )

    def checkpoints(self) -> list[Checkpoint]:
        with self.datastore.transaction(commit=False) as c:
            rows = c.sqlite_cursor.execute(
                f"SELECT * FROM {self.checkpoints_table_name} "  # noqa: S608
                "ORDER BY notification_id"
            ).fetchall()
        return [Checkpoint(self.application, *row) for row in rows]
