"""What a consortium publishes in the catalogue of proven solutions, by its own choice.

The programme manager chooses which parts of the consortium others may read without an
account: its challenge, its results (the gates passed), the validated decisions in words, its
members and adopters, its cost, its financing horizon. Its name is always shown once anything is
published: a solution without a name cannot be found. Publishing nothing takes it out of the
catalogue. Each choice is an event of a stream of its own, one per consortium (its id derived
from the consortium's), so the consortium's history holds only its business.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import Final
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from consortium.cause import Cause
from consortium.recording import ConsortiumEvent, RecordingAggregate

_NAMESPACE: Final = uuid5(NAMESPACE_URL, "urn:consortium:publication")


class Part(Enum):
    """A part of a consortium the catalogue may show."""

    CHALLENGE = "challenge"
    RESULTS = "results"
    DECISIONS = "decisions"
    MEMBERS = "members"
    COST = "cost"
    HORIZON = "horizon"


def publication_id(consortium_id: UUID) -> UUID:
    return uuid5(_NAMESPACE, str(consortium_id))


class Publication(RecordingAggregate):
    """A consortium's choice of what the catalogue shows."""

    class Started(Aggregate.Created, ConsortiumEvent):
        consortium_id: UUID

    class PartsChosen(ConsortiumEvent):
        parts: tuple[str, ...]  # Part values, in the order of Part

        def apply(self, publication: Publication) -> None:
            publication.parts = frozenset(Part(p) for p in self.parts)

    def __init__(self, consortium_id: UUID) -> None:
        self.consortium_id = consortium_id
        self.parts: frozenset[Part] = frozenset()

    @classmethod
    def start(cls, consortium_id: UUID, cause: Cause) -> Publication:
        return cls._create(
            cls.Started,
            id=publication_id(consortium_id),
            consortium_id=consortium_id,
            actor=cause.actor,
            request_id=cause.request_id,
            timestamp=cause.at,
        )

    def choose(self, parts: Iterable[Part], cause: Cause) -> None:
        """Publish exactly these parts (none: leave the catalogue); the same choice again
        records nothing."""
        chosen = frozenset(parts)
        if chosen != self.parts or self.version == 1:
            self._record(self.PartsChosen, cause, parts=tuple(p.value for p in Part if p in chosen))

    @property
    def is_published(self) -> bool:
        return bool(self.parts)

    def shows(self, part: Part) -> bool:
        return part in self.parts
