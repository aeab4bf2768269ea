"""A consortium's events as JSON Lines, with their links and a signed checkpoint.

The file, one JSON object a line (``kind`` says which):

- ``header``: the format, the application, the consortium, when it was exported;
- ``event``: one event of the consortium's stream, in notification order: its stored fields
  (``state`` as recorded: UTF-8 text when it is, else base64, per ``state_encoding``), the link
  of the event before it in the application's log (``previous_link``) and its own ``link``;
- ``elided``: the digests of other streams' events between two of the consortium's, in order,
  so that the chain can be followed without their content (at most 1,000 a line); events of
  the consortium that may hold a secret (``private_topics``: a webhook's address) are given so
  too;
- ``checkpoint``: the signed link the chain must reach, last.

The export starts at the consortium's first event and ends at the checkpoint; it is written as
it is read (a generator over the database's cursor), so its memory does not grow with its size.
``verify_export.py`` checks it; what that proves is said there.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import datetime
from json.encoder import encode_basestring as encode_string
from typing import Any, Final
from uuid import UUID

from events.audit.chain import ChainedRecorder, Checkpoint, EventRow, event_digest
from events.audit.verify_export import FORMAT

ELIDED_PER_LINE: Final = 1000


def export_lines(
    application: str,
    recorder: ChainedRecorder,
    consortium_id: UUID,
    checkpoint: Checkpoint | None,
    exported_at: datetime,
    *,
    private_topics: frozenset[str] = frozenset(),
) -> Iterator[str]:
    """The lines of the export (each ending in a newline)."""
    yield _line(
        {
            "kind": "header",
            "format": FORMAT,
            "application": application,
            "consortium_id": str(consortium_id),
            "exported_at": exported_at.isoformat(),
            "verifier": "/api/v1/audit/verifier.py",
        }
    )
    first = recorder.first_notification_of(consortium_id)
    if first is not None and (checkpoint is None or first <= checkpoint.notification_id):
        upto = None if checkpoint is None else checkpoint.notification_id
        yield from _events(recorder, consortium_id.hex, first, upto, private_topics)
    if checkpoint is not None:
        yield _line(
            {
                "kind": "checkpoint",
                "application": checkpoint.application,
                "notification_id": checkpoint.notification_id,
                "link": checkpoint.link.hex(),
                "signed_at": checkpoint.signed_at,
                "public_key": base64.b64encode(checkpoint.public_key).decode("ascii"),
                "signature": base64.b64encode(checkpoint.signature).decode("ascii"),
            }
        )


def _events(
    recorder: ChainedRecorder,
    stream: str,
    first: int,
    upto: int | None,
    private_topics: frozenset[str],
) -> Iterator[str]:
    previous = recorder.link_before(first)
    elided: list[str] = []
    elided_from = elided_to = 0
    for nid, event, link in recorder.chain(after=first - 1, upto=upto):
        if event is None:  # deleted: the next line's previous link will not follow on
            previous = previous if link is None else link.link
            continue
        if event.originator_id != stream or event.topic in private_topics:
            if not elided:
                elided_from = nid
            elided.append(_digest(event).hex())
            elided_to = nid
            previous = previous if link is None else link.link
            if len(elided) == ELIDED_PER_LINE:
                yield _elided(elided_from, elided_to, elided)
                elided = []
            continue
        if elided:
            yield _elided(elided_from, elided_to, elided)
            elided = []
        own = None if link is None else link.link
        yield _event_line(nid, event, previous, own)
        previous = own if own is not None else previous
    if elided:
        yield _elided(elided_from, elided_to, elided)


def _digest(event: EventRow) -> bytes:
    return event_digest(event.topic, event.originator_id, event.originator_version, event.state)


def _event_line(nid: int, event: EventRow, previous: bytes, link: bytes | None) -> str:
    # Written by hand rather than by json.dumps of a dict: a million of them are a third
    # cheaper so. Ids, topics and hex digits need no escaping; the state is escaped by json's
    # own string encoder.
    try:
        state, encoding = encode_string(event.state.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        state, encoding = f'"{base64.b64encode(event.state).decode("ascii")}"', "base64"
    own = "null" if link is None else f'"{link.hex()}"'
    return (
        f'{{"kind":"event","notification_id":{nid},"originator_id":"{event.originator_id}",'
        f'"originator_version":{event.originator_version},"topic":{encode_string(event.topic)},'
        f'"state":{state},"state_encoding":"{encoding}","previous_link":"{previous.hex()}",'
        f'"link":{own}}}\n'
    )


def _elided(first: int, last: int, digests: list[str]) -> str:
    return _line(
        {
            "kind": "elided",
            "first_notification_id": first,
            "last_notification_id": last,
            "digests": digests,
        }
    )


def _line(data: dict[str, Any]) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False) + "\n"
