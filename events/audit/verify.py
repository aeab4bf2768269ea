"""Recompute an application's chain from its events and report the first link that breaks.

Problems, in the words of the report:
- ``altered``: the event's stored bytes are not what was chained (its state, topic or id was
  edited, or the link stored beside it was);
- ``missing``: a link remains whose event is gone (the event was deleted);
- ``unlinked``: an event without a link (inserted into the table, not through the service);
- ``misplaced``: the link at this notification id was made for another event;
- ``checkpoint``: a signed checkpoint does not match the chain recomputed (events and links
  were rewritten together), or its signature is not the service key's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final
from uuid import UUID

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from events.audit.chain import (
    GENESIS,
    ChainedRecorder,
    Checkpoint,
    EventRow,
    LinkRow,
    event_digest,
    next_link,
)
from events.audit.verify_export import checkpoint_message

ALTERED: Final = "altered"
MISSING: Final = "missing"
UNLINKED: Final = "unlinked"
MISPLACED: Final = "misplaced"
CHECKPOINT: Final = "checkpoint"

_UNLINKED: Final = "The event has no link: it was not recorded by the service."
_MISPLACED: Final = "The link at this position was made for another event."
_ALTERED: Final = (
    "The event is not what was recorded: its stored bytes (or its link, or the link before it) "
    "were changed."
)
_BEYOND: Final = (
    "A checkpoint was signed at this position, but the chain ends before it: events at the end "
    "were deleted."
)


@dataclass(frozen=True)
class Break:
    """Where an application's chain first breaks, and what is known of the event there."""

    application: str
    notification_id: int
    problem: str
    message: str
    originator_id: UUID | None = None
    originator_version: int | None = None
    consortium_id: UUID | None = None


@dataclass(frozen=True)
class ChainReport:
    application: str
    events: int  # events checked (up to the break)
    last_notification_id: int | None
    last_link: bytes | None
    checkpoints: int  # signed checkpoints that matched
    broken: Break | None

    @property
    def intact(self) -> bool:
        return self.broken is None


ConsortiumOf = Callable[[UUID], "UUID | None"]


def verify_chain(
    application: str,
    recorder: ChainedRecorder,
    public_key: bytes,
    consortium_of: ConsortiumOf,
    *,
    after: int = 0,
    previous: bytes = GENESIS,
    retired: frozenset[bytes] = frozenset(),
) -> ChainReport:
    """Walk the chain from ``after`` (whose link is ``previous``) to its end. A checkpoint
    may be signed by the service's key or by one of the ``retired`` keys it had before."""
    checkpoints = {
        c.notification_id: c for c in recorder.checkpoints() if c.notification_id > after
    }
    count, matched, last_id = 0, 0, None

    def broken(nid: int, problem: str, message: str, row: EventRow | LinkRow | None) -> ChainReport:
        originator = None if row is None else UUID(hex=row.originator_id)
        found = Break(
            application,
            nid,
            problem,
            message,
            originator,
            None if row is None else row.originator_version,
            None if originator is None else consortium_of(originator),
        )
        return ChainReport(application, count, last_id, previous, matched, found)

    digest, follow = event_digest, next_link  # locals: this loop runs a million times
    for nid, event, link in recorder.chain(after=after):
        if event is None:
            return broken(nid, MISSING, "The event was deleted: its link remains.", link)
        if link is None:
            return broken(nid, UNLINKED, _UNLINKED, event)
        _, originator_id, version, topic, state = event
        if originator_id != link[1] or version != link[2]:
            return broken(nid, MISPLACED, _MISPLACED, event)
        recomputed = follow(previous, digest(topic, originator_id, version, state))
        if recomputed != link[3]:
            return broken(nid, ALTERED, _ALTERED, event)
        checkpoint = checkpoints.pop(nid, None)
        if checkpoint is not None:
            problem = _checkpoint_problem(checkpoint, recomputed, public_key, retired)
            if problem:
                return broken(nid, CHECKPOINT, problem, event)
            matched += 1
        previous, last_id, count = recomputed, nid, count + 1
    if checkpoints:
        return broken(min(checkpoints), CHECKPOINT, _BEYOND, None)
    return ChainReport(application, count, last_id, previous if count else None, matched, None)


def _checkpoint_problem(
    checkpoint: Checkpoint, link: bytes, public_key: bytes, retired: frozenset[bytes]
) -> str | None:
    if checkpoint.link != link:
        return (
            "The signed checkpoint here does not match the chain: events at or before it were "
            "changed and their links rewritten."
        )
    if checkpoint.public_key != public_key and checkpoint.public_key not in retired:
        return (
            "The checkpoint here was signed with a key that is neither the service's nor one of "
            "its retired keys (CONSORTIUM_AUDIT_RETIRED_PUBLIC_KEYS)."
        )
    message = checkpoint_message(
        checkpoint.application, checkpoint.notification_id, checkpoint.link, checkpoint.signed_at
    )
    try:
        Ed25519PublicKey.from_public_bytes(checkpoint.public_key).verify(
            checkpoint.signature, message
        )
    except InvalidSignature:
        return "The checkpoint's signature is not valid."
    return None
