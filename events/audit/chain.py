"""The audit chain's shared vocabulary: table names, rows, and the merge of events with links.

Each application's events table (``consortia_events``) has two tables beside it:
``consortia_chain`` (one row per event: notification id, originator id and version, link) and
``consortia_checkpoints`` (signed links). How a link is computed is written once, in
:mod:`events.audit.verify_export`, the script funders run, so the service and the script agree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import NamedTuple, Protocol
from uuid import UUID

from events.audit.verify_export import GENESIS, event_digest, next_link

__all__ = ["GENESIS", "event_digest", "next_link"]


class EventRow(NamedTuple):
    notification_id: int
    originator_id: str  # 32 lowercase hex digits
    originator_version: int
    topic: str
    state: bytes


class LinkRow(NamedTuple):
    notification_id: int
    originator_id: str
    originator_version: int
    link: bytes


class ChainRow(NamedTuple):
    """One notification id: its event and its link, either missing when the chain is broken."""

    notification_id: int
    event: EventRow | None
    link: LinkRow | None


class Checkpoint(NamedTuple):
    application: str
    notification_id: int
    link: bytes
    signed_at: str
    public_key: bytes
    signature: bytes


def chain_table_names(events_table_name: str) -> tuple[str, str]:
    """The chain's and the checkpoints' table names, beside ``<name>_events``."""
    base = events_table_name.removesuffix("_events")
    return f"{base}_chain", f"{base}_checkpoints"


def id_hex(originator_id: UUID | str) -> str:
    """An originator id as the chain writes it: a UUID's 32 lowercase hex digits."""
    if isinstance(originator_id, UUID):
        return originator_id.hex
    if len(originator_id) == 32:
        return originator_id.lower()
    try:
        return UUID(originator_id).hex
    except ValueError:
        return originator_id


def link_rows(previous: bytes, rows: Iterator[EventRow] | list[EventRow]) -> Iterator[LinkRow]:
    """The links of events that follow the link ``previous``, in order."""
    for row in rows:
        previous = next_link(
            previous, event_digest(row.topic, row.originator_id, row.originator_version, row.state)
        )
        yield LinkRow(row.notification_id, row.originator_id, row.originator_version, previous)


def merge(events: Iterator[EventRow], links: Iterator[LinkRow]) -> Iterator[ChainRow]:
    """Events and links side by side, by notification id (both come in that order)."""
    event = next(events, None)
    link = next(links, None)
    while event is not None or link is not None:
        if event is not None and (link is None or event.notification_id < link.notification_id):
            yield ChainRow(event.notification_id, event, None)
            event = next(events, None)
        elif link is not None and (event is None or link.notification_id < event.notification_id):
            yield ChainRow(link.notification_id, None, link)
            link = next(links, None)
        elif event is not None and link is not None:
            yield ChainRow(event.notification_id, event, link)
            event, link = next(events, None), next(links, None)


Batch = Callable[[int, "int | None", int], tuple[list[EventRow], list[LinkRow]]]


def in_batches(read: Batch, after: int, upto: int | None, limit: int) -> Iterator[ChainRow]:
    """The chain a batch at a time: ``read(after, upto, limit)`` answers, in one short
    transaction, the first ``limit`` events after ``after`` and the links up to the last of
    them (up to ``upto`` in the last batch). Events and their links are committed together, so
    each batch is consistent, and no transaction stays open while a slow reader (a download)
    takes its time."""
    while True:
        events, links = read(after, upto, limit)
        yield from merge(iter(events), iter(links))
        if len(events) < limit:
            return
        after = events[-1].notification_id


class ChainedRecorder(Protocol):
    """What an application recorder with a chain offers (SQLite and PostgreSQL alike)."""

    events_table_name: str
    chain_table_name: str
    checkpoints_table_name: str

    def chain(self, *, after: int = 0, upto: int | None = None) -> Iterator[ChainRow]:
        """Events and links with notification ids in (after, upto], a batch at a time."""
        ...

    def head(self) -> LinkRow | None:
        """The last link, or None before the first event."""
        ...

    def link_before(self, notification_id: int) -> bytes:
        """The link of the last event before ``notification_id`` (the genesis link if none)."""
        ...

    def first_notification_of(self, originator_id: UUID) -> int | None: ...

    def insert_checkpoint(self, checkpoint: Checkpoint) -> None: ...

    def checkpoints(self) -> list[Checkpoint]:
        """Every checkpoint, in order of notification id."""
        ...
