"""The PostgreSQL application recorder that extends the audit chain in the insert's transaction.

The library's recorder locks the events table (``LOCK TABLE … IN EXCLUSIVE MODE``, see
``PostgresApplicationRecorder._lock_table``) before it inserts, so that notification ids are
committed in order; the lock is held until the transaction ends. The links are written after the
insert in that same transaction (``_fetch_ids_after_insert_events`` runs there), so the last
link read is the one the new events follow, and no other writer can append in between. The
library's alternative insert path, a database function (``POSTGRES_ENABLE_DB_FUNCTIONS``),
takes no such lock and cannot extend the chain: it is refused.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import Any, Final
from uuid import UUID

from eventsourcing.persistence import ProgrammingError, StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from psycopg import Cursor
from psycopg.rows import DictRow, tuple_row
from psycopg.sql import SQL, Composed, Identifier

from events.audit.chain import (
    GENESIS,
    ChainRow,
    Checkpoint,
    EventRow,
    LinkRow,
    chain_table_names,
    event_digest,
    id_hex,
    in_batches,
    link_rows,
)

log = logging.getLogger(__name__)
BATCH: Final = 10_000
_LAST: Final = 2**63 - 1
# A save of more events than this (a migration's) links them in two statements.
_LINKED_IN_ONE_STATEMENT: Final = 32


class ChainedPostgresRecorder(PostgresApplicationRecorder):
    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        if datastore.enable_db_functions:
            msg = "The audit chain needs POSTGRES_ENABLE_DB_FUNCTIONS off (it locks no table)."
            raise ProgrammingError(msg)
        super().__init__(datastore, events_table_name=events_table_name)
        self.chain_table_name, self.checkpoints_table_name = chain_table_names(events_table_name)
        self.application = events_table_name.removesuffix("_events")
        self._link_statements: dict[int, Composed] = {}
        self.check_identifier_length(self.checkpoints_table_name)
        self.sql_create_statements.append(
            self._sql(
                "CREATE TABLE IF NOT EXISTS {chain} (notification_id bigint PRIMARY KEY, "
                "originator_id text NOT NULL, originator_version bigint NOT NULL, "
                "link bytea NOT NULL)"
            )
        )
        self.sql_create_statements.append(
            self._sql(
                "CREATE TABLE IF NOT EXISTS {checkpoints} (notification_id bigint PRIMARY KEY, "
                "link bytea NOT NULL, signed_at text NOT NULL, public_key bytea NOT NULL, "
                "signature bytea NOT NULL)"
            )
        )

    def _sql(self, text: str) -> Composed:
        schema = self.datastore.schema
        return SQL(text).format(
            events=Identifier(schema, self.events_table_name),
            chain=Identifier(schema, self.chain_table_name),
            checkpoints=Identifier(schema, self.checkpoints_table_name),
        )

    def create_table(self) -> None:
        super().create_table()
        with self.datastore.transaction(commit=True) as curs:
            self._chain_earlier_events(curs)

    def _chain_earlier_events(self, curs: Cursor[DictRow]) -> None:
        """See ``ChainedSQLiteRecorder._chain_earlier_events``; writers wait meanwhile."""
        curs.execute(self._sql("LOCK TABLE {events} IN EXCLUSIVE MODE"))
        curs.execute(self._sql("SELECT 1 AS one FROM {chain} LIMIT 1"))
        if curs.fetchone():
            return
        previous, after, count = GENESIS, 0, 0
        while rows := self._event_rows(curs, after, _LAST, BATCH):
            links = list(link_rows(previous, rows))
            curs.executemany(self._sql("INSERT INTO {chain} VALUES (%s, %s, %s, %s)"), links)
            previous, after, count = links[-1].link, rows[-1].notification_id, count + len(rows)
        if count:
            log.info("chained the %d earlier events of %s", count, self.events_table_name)

    def _event_rows(self, curs: Any, after: int, upto: int, limit: int) -> list[EventRow]:
        curs.execute(
            self._sql(
                "SELECT notification_id, originator_id, originator_version, topic, state "
                "FROM {events} WHERE notification_id > %s AND notification_id <= %s "
                "ORDER BY notification_id LIMIT %s"
            ),
            (after, upto, limit),
        )
        return [_event_row(row) for row in curs.fetchall()]

    def _fetch_ids_after_insert_events(
        self, curs: Cursor[DictRow], stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        # Runs in the insert's transaction, after the table lock and the insert.
        ids = super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs) or ()
        rows = sorted(
            EventRow(nid, id_hex(s.originator_id), s.originator_version, s.topic, s.state)
            for nid, s in zip(ids, stored_events, strict=True)
        )
        if len(rows) <= _LINKED_IN_ONE_STATEMENT:
            params: list[Any] = [GENESIS]
            params += [
                event_digest(r.topic, r.originator_id, r.originator_version, r.state) for r in rows
            ]
            for event in rows:
                params += [event.notification_id, event.originator_id, event.originator_version]
            curs.execute(self._link_statement(len(rows)), params, prepare=True)
            return ids
        curs.execute(
            self._sql("SELECT link FROM {chain} ORDER BY notification_id DESC LIMIT 1"),
            prepare=True,
        )
        last = curs.fetchone()
        links = list(link_rows(bytes(last["link"]) if last else GENESIS, rows))
        curs.executemany(self._sql("INSERT INTO {chain} VALUES (%s, %s, %s, %s)"), links)
        return ids

    def _link_statement(self, count: int) -> Composed:
        """One statement that links ``count`` events after the last link, in one round trip
        on the write path: each link is PostgreSQL's ``sha256`` of the link before and the
        event's digest (computed here), the same SHA-256 the verifier recomputes. Parameters:
        the genesis link, the digests, then each event's notification id, originator id and
        version."""
        statement = self._link_statements.get(count)
        if statement is None:
            steps = ", ".join(
                f"l{n} AS (SELECT sha256(l{n - 1}.link || %s) AS link FROM l{n - 1})"  # noqa: S608 (numbers only)
                for n in range(1, count + 1)
            )
            values = ", ".join(
                f"(%s, %s, %s, (SELECT link FROM l{n}))"  # noqa: S608 (numbers only)
                for n in range(1, count + 1)
            )
            statement = self._link_statements[count] = self._sql(
                "WITH l0 AS (SELECT COALESCE((SELECT link FROM {chain} "  # noqa: S608 (as above)
                "ORDER BY notification_id DESC LIMIT 1), %s) AS link), "
                f"{steps} INSERT INTO {{chain}} VALUES {values}"
            )
        return statement

    # -- reading ------------------------------------------------------------------------------

    def chain(self, *, after: int = 0, upto: int | None = None) -> Iterator[ChainRow]:
        return in_batches(self._batch, after, upto, BATCH)

    def _batch(
        self, after: int, upto: int | None, limit: int
    ) -> tuple[list[EventRow], list[LinkRow]]:
        with self.datastore.get_connection() as conn, conn.transaction():
            # One snapshot for both reads (each read is short: no transaction stays open
            # while a download takes its time, past the library's idle-in-transaction timeout).
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            # Binary: the states and links come as bytes, not as hex text to decode (a third
            # of the time it takes to read a million events).
            with conn.cursor(row_factory=tuple_row, binary=True) as c:
                events = self._event_rows(c, after, _LAST if upto is None else upto, limit)
                end = events[-1].notification_id if len(events) == limit else upto
                c.execute(
                    self._sql(
                        "SELECT * FROM {chain} WHERE notification_id > %s "
                        "AND notification_id <= %s ORDER BY notification_id"
                    ),
                    (after, _LAST if end is None else end),
                    prepare=True,
                )
                links = [LinkRow(r[0], r[1], r[2], r[3]) for r in c.fetchall()]
        return events, links

    def _one(self, statement: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as c:
            c.execute(self._sql(statement), params)
            return c.fetchone()

    def head(self) -> LinkRow | None:
        row = self._one("SELECT * FROM {chain} ORDER BY notification_id DESC LIMIT 1")
        return None if row is None else LinkRow(row[0], row[1], row[2], bytes(row[3]))

    def link_before(self, notification_id: int) -> bytes:
        row = self._one(
            "SELECT link FROM {chain} WHERE notification_id < %s "
            "ORDER BY notification_id DESC LIMIT 1",
            (notification_id,),
        )
        return GENESIS if row is None else bytes(row[0])

    def first_notification_of(self, originator_id: UUID) -> int | None:
        row = self._one(
            "SELECT MIN(notification_id) FROM {events} WHERE originator_id = %s",
            (originator_id,),
        )
        return None if row is None else row[0]

    def insert_checkpoint(self, checkpoint: Checkpoint) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(
                self._sql(
                    "INSERT INTO {checkpoints} VALUES (%s, %s, %s, %s, %s) "
                    "ON CONFLICT (notification_id) DO NOTHING"
                ),
                checkpoint[1:],
            )

    def checkpoints(self) -> list[Checkpoint]:
        with self.datastore.get_connection() as conn, conn.cursor(row_factory=tuple_row) as c:
            c.execute(self._sql("SELECT * FROM {checkpoints} ORDER BY notification_id"))
            return [
                Checkpoint(self.application, r[0], bytes(r[1]), r[2], bytes(r[3]), bytes(r[4]))
                for r in c.fetchall()
            ]


def _event_row(row: Any) -> EventRow:
    if isinstance(row, dict):
        row = tuple(row.values())
    return EventRow(row[0], id_hex(row[1]), row[2], row[3], row[4])
