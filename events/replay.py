"""Replaying a consortium's events into its state, reversals of an earlier release included.

Since reversals are folded from what they carry, a reversal names the figures of the
contribution it reverses. Earlier releases recorded reversals without them (version 1 of
``ContributionReversed``); replaying one of those needs its contribution, which the same replay
met earlier in the stream: this projector remembers the contributions it meets (for this replay
only, never in the state) and completes such a reversal before applying it. Snapshots of the
bounded shape are only ever taken after an upgrade, so a replay that meets an old reversal
always starts from the consortium's first event.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar, cast
from uuid import UUID

from consortium.aggregate import Consortium
from consortium.budget import contribution_of
from consortium.errors import LegacyReversal
from events.application import project_aggregate

A = TypeVar("A")


def project_consortium(aggregate: A | None, events: Iterable[Any]) -> A | None:
    projected: A | None = project_aggregate(cast(Any, aggregate), _completed(events))
    return projected


def _completed(events: Iterable[Any]) -> Iterable[Any]:
    # The events met, not their contributions: one is made only for a reversal that needs it.
    met: dict[UUID, Consortium.ContributionLogged] = {}
    for event in events:
        if isinstance(event, Consortium.ContributionLogged):
            met[event.contribution_id] = event
        elif isinstance(event, Consortium.ContributionReversed) and event.member_id is None:
            original = met.get(event.contribution_id)
            if original is None:
                raise LegacyReversal(event.contribution_id)
            yield event.with_original(contribution_of(original))
            continue
        yield event
