"""Use cases of consortia: found, admit, leave, change phase, grant roles; read now, as of, and
history. Every use case checks the caller's rights against the consortium it acts on."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Generic, TypeVar
from uuid import UUID

from eventsourcing.utils import get_topic

from consortium.access import Grant, Principal, Role
from consortium.aggregate import Consortium
from consortium.cause import Cause
from consortium.errors import ConsortiumNotFound, NotAllowed, NotFound
from consortium.members import Member, MemberRole, Sector
from consortium.phases import Phase
from events.budget import BudgetUseCases
from events.caller import Caller
from events.idempotency import IdempotencyClaim
from events.milestones import MilestoneUseCases

T = TypeVar("T")

SNAPSHOT_INTERVAL: Final = 100
_FOUNDED_TOPIC: Final = get_topic(Consortium.Founded)
_SCAN_BATCH: Final = 200

Check = Callable[[Consortium, Principal], None]


@dataclass(frozen=True)
class Page(Generic[T]):
    """A slice of a longer list; ``next_cursor`` is None on the last page."""

    items: Sequence[T]
    next_cursor: int | None


def may_manage(consortium: Consortium, who: Principal) -> None:
    consortium.check_can_manage(who)


def may_read(consortium: Consortium, who: Principal) -> None:
    consortium.check_can_read(who)


class ConsortiumApplication(MilestoneUseCases, BudgetUseCases):
    name = "Consortia"
    snapshotting_intervals = {Consortium: SNAPSHOT_INTERVAL}

    # -- commands ---------------------------------------------------------------------------

    def found(
        self,
        *,
        name: str,
        challenge: str,
        description: str | None,
        caller: Caller,
        start_year: int | None = None,
    ) -> Consortium:
        """Found a consortium; the founder becomes its programme manager."""
        if not (caller.is_admin or caller.may_found):
            raise NotAllowed("Only programme managers may found a consortium.")
        cause = self.cause(caller)
        consortium = Consortium.found(
            name=name,
            challenge=challenge,
            description=description,
            start_year=start_year,
            cause=cause,
        )
        consortium.grant_role(
            account=caller.actor, role=Role.PROGRAMME_MANAGER, member_id=None, cause=cause
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
    ) -> Member:
        return self._change(
            consortium_id,
            caller,
            may_manage,
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
    ) -> Member:
        return self._change(
            consortium_id,
            caller,
            may_manage,
            lambda c, cause: c.member_leaves(member_id, reason=reason, cause=cause),
        )

    def move_to_phase(
        self, consortium_id: UUID, phase: Phase, *, reason: str | None, caller: Caller
    ) -> Consortium:
        self._change(
            consortium_id,
            caller,
            may_manage,
            lambda c, cause: c.move_to_phase(phase, reason=reason, cause=cause),
        )
        return self._consortium(consortium_id)

    def grant_role(
        self,
        consortium_id: UUID,
        *,
        account: str,
        role: Role,
        member_id: UUID | None,
        caller: Caller,
    ) -> Grant:
        return self._change(
            consortium_id,
            caller,
            may_manage,
            lambda c, cause: c.grant_role(
                account=account, role=role, member_id=member_id, cause=cause
            ),
        )

    def revoke_role(self, consortium_id: UUID, grant_id: UUID, *, caller: Caller) -> Grant:
        return self._change(
            consortium_id,
            caller,
            may_manage,
            lambda c, cause: c.revoke_role(grant_id, cause=cause),
        )

    # -- queries ----------------------------------------------------------------------------

    def consortium(self, consortium_id: UUID, caller: Caller) -> Consortium:
        consortium = self._consortium(consortium_id)
        consortium.check_can_read(caller.principal)
        return consortium

    def consortium_as_of(
        self, consortium_id: UUID, instant: datetime, caller: Caller
    ) -> Consortium:
        """The consortium as it stood at ``instant``: its last version recorded by then.

        Who may read it is decided by the roles held now, not then."""
        self.consortium(consortium_id, caller)
        version = self._version_at(consortium_id, instant)
        if version is None:
            raise NotFound(
                f"Consortium {consortium_id} did not exist yet at {instant.isoformat()}.",
                consortium_id=consortium_id,
            )
        consortium: Consortium = self.repository.get(consortium_id, version=version)
        return consortium

    def history(
        self, consortium_id: UUID, caller: Caller, *, after_version: int = 0, limit: int = 50
    ) -> Page[Consortium.Event]:
        self.consortium(consortium_id, caller)
        events: list[Any] = list(self.events.get(consortium_id, gt=after_version, limit=limit + 1))
        more = len(events) > limit
        events = events[:limit]
        return Page(events, events[-1].originator_version if more else None)

    def portfolio(
        self, caller: Caller, *, after: int | None = None, limit: int = 50
    ) -> Page[Consortium]:
        """The consortia the caller may see, in the order they were founded, a page at a time."""
        found: list[tuple[int, Consortium]] = []
        for position, consortium in self._founded_since(after):
            if consortium.can_read(caller.principal):
                found.append((position, consortium))
                if len(found) > limit:
                    break
        more = len(found) > limit
        found = found[:limit]
        return Page([c for _, c in found], found[-1][0] if more else None)

    def all_consortia(self) -> Iterator[Consortium]:
        """Every consortium, for the service itself (no rights are checked)."""
        for _, consortium in self._founded_since(None):
            yield consortium

    # -- internals --------------------------------------------------------------------------

    def _consortium(self, consortium_id: UUID) -> Consortium:
        return self._load(consortium_id, Consortium, ConsortiumNotFound)

    def _change(
        self,
        consortium_id: UUID,
        caller: Caller,
        check: Check,
        act: Callable[[Consortium, Cause], T],
        claim: IdempotencyClaim | None = None,
    ) -> T:
        """Check the caller's right on the fresh state, then act (retried on conflicts)."""

        def checked(consortium: Consortium, cause: Cause) -> T:
            check(consortium, caller.principal)
            return act(consortium, cause)

        _, result = self._update(
            consortium_id, Consortium, ConsortiumNotFound, caller, checked, claim
        )
        return result

    def _founded_since(self, after: int | None) -> Iterator[tuple[int, Consortium]]:
        cursor = after
        while True:
            notifications = self.recorder.select_notifications(
                start=cursor,
                limit=_SCAN_BATCH,
                topics=[_FOUNDED_TOPIC],
                inclusive_of_start=cursor is None,
            )
            for n in notifications:
                yield n.id, self._consortium(UUID(str(n.originator_id)))
            if len(notifications) < _SCAN_BATCH:
                return
            cursor = notifications[-1].id

    def _version_at(self, consortium_id: UUID, instant: datetime) -> int | None:
        latest = self.recorder.select_events(consortium_id, desc=True, limit=1)
        if not latest:
            raise ConsortiumNotFound(consortium_id)

        def recorded_at(version: int) -> datetime:
            (event,) = self.events.get(consortium_id, gt=version - 1, lte=version)
            recorded: datetime = getattr(event, "timestamp")  # noqa: B009 - not in the protocol
            return recorded

        # Events are never dated before their predecessor (see RecordingAggregate._record), so
        # the versions recorded by ``instant`` form a prefix: find its end by bisection.
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
