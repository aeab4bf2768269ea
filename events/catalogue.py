"""Use cases of the catalogue: a programme manager chooses what its consortium publishes, and
anyone (no account needed) reads the catalogue of proven solutions.

The catalogue is computed on read from the consortia that published something (found by the
notification log's index of publications, never by reading every consortium), their state, and
their memberships in the read model. No figure is kept: each is recomputed from the facts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Final
from uuid import UUID

from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from consortium.catalogue import Entry, entry_of, is_listed, matches
from consortium.errors import ConsortiumNotFound
from consortium.members import Sector
from consortium.phases import Phase
from consortium.provinces import Province
from consortium.publication import Part, Publication, publication_id
from events.application import MAX_ATTEMPTS, StoreBusy
from events.caller import Caller
from events.consortium_base import ConsortiumBase, Page
from events.readmodel import records

_STARTED_TOPIC: Final = get_topic(Publication.Started)
_BATCH: Final = 200


@dataclass(frozen=True)
class CatalogueFilter:
    text: str | None = None
    sector: Sector | None = None
    phase: Phase | None = None
    band: str | None = None
    province: Province | None = None


class CatalogueUseCases(ConsortiumBase):
    """The catalogue of :class:`~events.consortia.ConsortiumApplication`."""

    def publish(self, consortium_id: UUID, parts: Iterable[Part], caller: Caller) -> Publication:
        """Choose what the catalogue shows of a consortium (programme managers)."""
        chosen = frozenset(parts)
        for _ in range(MAX_ATTEMPTS):
            self.consortium(consortium_id, caller).check_can_manage(caller.principal)
            cause = self.cause(caller)
            publication = self._find(publication_id(consortium_id), Publication)
            if publication is None:
                publication = Publication.start(consortium_id, cause)
            publication.choose(chosen, cause)
            try:
                self.save(publication)
            except IntegrityError:
                continue
            return publication
        raise StoreBusy(f"Too many simultaneous changes to {consortium_id}; please try again.")

    def publication(self, consortium_id: UUID, caller: Caller) -> frozenset[Part]:
        """What a consortium publishes (for those who may read it)."""
        self.consortium(consortium_id, caller)
        return self._published_parts(consortium_id)

    def catalogue(
        self, where: CatalogueFilter, *, cursor: int | None = None, limit: int = 20
    ) -> Page[Entry]:
        """The listed solutions that answer the search, in the order they were first published;
        ``cursor`` is the previous page's ``next_cursor``."""
        items: list[Entry] = []
        last = cursor or 0
        for position, entry in self._listed(after=cursor):
            if not matches(
                entry,
                text=where.text,
                sector=where.sector,
                phase=where.phase,
                band=where.band,
                province=where.province,
            ):
                continue
            if len(items) == limit:
                return Page(items, last)
            items.append(entry)
            last = position
        return Page(items, None)

    def catalogue_entry(self, consortium_id: UUID) -> Entry:
        """One listed solution; a consortium that is not listed is not found."""
        entry = self._entry(consortium_id)
        if entry is None:
            raise ConsortiumNotFound(consortium_id)
        return entry

    def is_in_catalogue(self, consortium_id: UUID) -> bool:
        return self._entry(consortium_id) is not None

    # -- internals --------------------------------------------------------------------------

    def _published_parts(self, consortium_id: UUID) -> frozenset[Part]:
        publication = self._find(publication_id(consortium_id), Publication)
        return publication.parts if publication is not None else frozenset()

    def _entry(self, consortium_id: UUID) -> Entry | None:
        parts = self._published_parts(consortium_id)
        if not parts:
            return None
        consortium = self._consortium(consortium_id)
        if not is_listed(parts, consortium.milestones):
            return None
        today = self.today()
        memberships = self.records(lambda tx: records.memberships(tx, consortium_id))
        return entry_of(
            consortium_id=consortium_id,
            name=consortium.name,
            challenge=consortium.challenge,
            phase=consortium.phase,
            milestones=consortium.milestones,
            memberships=memberships,
            spent=consortium.ledger.total_spent,
            horizon=consortium.financing_on(today).horizon,
            parts=parts,
            today=today,
        )

    def _listed(self, after: int | None) -> Iterator[tuple[int, Entry]]:
        cursor = after
        while True:
            notifications = self.recorder.select_notifications(
                start=cursor,
                limit=_BATCH,
                topics=[_STARTED_TOPIC],
                inclusive_of_start=cursor is None,
            )
            for n in notifications:
                publication = self._find(UUID(str(n.originator_id)), Publication)
                if publication is None:
                    continue
                entry = self._entry(publication.consortium_id)
                if entry is not None:
                    yield n.id, entry
            if len(notifications) < _BATCH:
                return
            cursor = notifications[-1].id
