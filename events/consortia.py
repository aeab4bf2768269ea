"""Use cases of consortia: found, admit, leave, change phase; read now, as of, and history."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Generic, TypeVar
from uuid import UUID

from eventsourcing.utils import get_topic

from consortium.aggregate import Consortium
from consortium.errors import ConsortiumNotFound, NotFound
from consortium.members import Member, MemberRole, Sector
from consortium.phases import Phase
from events.budget import BudgetUseCases
from events.caller import Caller

T = TypeVar("T")

SNAPSHOT_INTERVAL: Final = 100
_FOUNDED_TOPIC: Final = get_topic(Consortium.Founded)


@dataclass(frozen=True)
class Page(Generic[T]):
    """A slice of a longer list; ``next_cursor`` is None on the last page."""

    items: Sequence[T]
    next_cursor: int | None


class ConsortiumApplication(BudgetUseCases):
    name = "Consortia"
    snapshotting_intervals = {Consortium: SNAPSHOT_INTERVAL}

    # -- commands ---------------------------------------------------------------------------

    def found(
        self, *, name: str, challenge: str, description: str | None, caller: Caller
    ) -> Consortium:
        consortium = Consortium.found(
            name=name, challenge=challenge, description=description, cause=self.cause(caller)
        )
        self.save(consortium)
        return consortium

    def admit_member(
        self,
        consortium_id: UUID,
        *,
        party: str,
        sector: Sector,
        role: MemberRole,
        contact_email: str | None,
        population: int | None,
        caller: Caller,
    ) -> tuple[Consortium, Member]:
        return self._update(
            consortium_id,
            Consortium,
            ConsortiumNotFound,
            caller,
            lambda c, cause: c.admit_member(
                party=party,
                sector=sector,
                role=role,
                contact_email=contact_email,
                population=population,
                cause=cause,
            ),
        )

    def member_leaves(
        self, consortium_id: UUID, member_id: UUID, *, reason: str | None, caller: Caller
    ) -> tuple[Consortium, Member]:
        return self._update(
            consortium_id,
            Consortium,
            ConsortiumNotFound,
            caller,
            lambda c, cause: c.member_leaves(member_id, reason=reason, cause=cause),
        )

    def move_to_phase(
        self, consortium_id: UUID, phase: Phase, *, reason: str | None, caller: Caller
    ) -> Consortium:
        consortium, _ = self._update(
            consortium_id,
            Consortium,
            ConsortiumNotFound,
            caller,
            lambda c, cause: c.move_to_phase(phase, reason=reason, cause=cause),
        )
        return consortium

    # -- queries ----------------------------------------------------------------------------

    def consortium(self, consortium_id: UUID) -> Consortium:
        return self._load(consortium_id, Consortium, ConsortiumNotFound)

    def consortium_as_of(self, consortium_id: UUID, instant: datetime) -> Consortium:
        """The consortium as it stood at ``instant``: its last version recorded by then."""
        version = self._version_at(consortium_id, instant)
        if version is None:
            raise NotFound(
                f"Consortium {consortium_id} did not exist yet at {instant.isoformat()}.",
                consortium_id=consortium_id,
            )
        consortium: Consortium = self.repository.get(consortium_id, version=version)
        return consortium

    def history(
        self, consortium_id: UUID, *, after_version: int = 0, limit: int = 50
    ) -> Page[Consortium.Event]:
        self.consortium(consortium_id)  # 404 for an unknown id, not an empty page
        events: list[Any] = list(self.events.get(consortium_id, gt=after_version, limit=limit + 1))
        more = len(events) > limit
        events = events[:limit]
        return Page(events, events[-1].originator_version if more else None)

    def portfolio(self, *, after: int | None = None, limit: int = 50) -> Page[Consortium]:
        """Consortia in the order they were founded, a page at a time."""
        notifications = self.recorder.select_notifications(
            start=after,
            limit=limit + 1,
            topics=[_FOUNDED_TOPIC],
            inclusive_of_start=after is None,
        )
        more = len(notifications) > limit
        notifications = notifications[:limit]
        items = [self.consortium(UUID(str(n.originator_id))) for n in notifications]
        return Page(items, notifications[-1].id if more else None)

    def all_consortia(self) -> Iterator[Consortium]:
        cursor = None
        while True:
            page = self.portfolio(after=cursor, limit=200)
            yield from page.items
            if page.next_cursor is None:
                return
            cursor = page.next_cursor

    def _version_at(self, consortium_id: UUID, instant: datetime) -> int | None:
        latest = self.recorder.select_events(consortium_id, desc=True, limit=1)
        if not latest:
            raise ConsortiumNotFound(consortium_id)

        def recorded_at(version: int) -> datetime:
            (event,) = self.events.get(consortium_id, gt=version - 1, lte=version)
            recorded: datetime = getattr(event, "timestamp")  # noqa: B009 - not in the protocol
            return recorded

        # Events are never dated before their predecessor (see Consortium._record), so the
        # versions recorded by ``instant`` form a prefix: find its end by bisection.
        if recorded_at(1) > instant:
            return None
        low, high = 1, latest[0].originator_version
        while low < high:
            middle = (low + high + 1) // 2
            if recorded_at(middle) <= instant:
                low = middle
            else:
                high = middle - 1
        return low
