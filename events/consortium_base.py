"""The ground every consortium use case stands on: reading a consortium (now, as of, its
history, its records) with the caller's rights checked, and changing it on fresh state with
retries.

The aggregate keeps its present only; its records (past memberships, ledger entries, revoked
grants, evaluations, reminders) are read from the read model, which the composition root
attaches (``attach_records``). A rule refused because a member or grant is no longer in the
aggregate's state is explained from those records (the member left; the grant was revoked).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Final, Generic, TypeVar
from uuid import UUID

from eventsourcing.utils import get_topic

from consortium.access import Principal
from consortium.aggregate import Consortium
from consortium.cause import Cause, about_day
from consortium.errors import (
    ConsortiumNotFound,
    DomainError,
    GrantNotInForce,
    InvalidValue,
    MemberHasLeft,
    MemberNotCurrent,
    MemberNotFound,
    NotFound,
    RuleViolation,
)
from events.application import StoreApplication
from events.caller import Caller
from events.idempotency import IdempotencyClaim
from events.readmodel import records
from events.replay import project_consortium
from events.versions import recorded_at, select_versions

if TYPE_CHECKING:
    from events.readmodel.recorders import Tx
    from events.readmodel.side import ReadSide

T = TypeVar("T")

# Snapshots are small (the state is bounded), so taking one often keeps every cold load short.
SNAPSHOT_INTERVAL: Final = 20
_FOUNDED_TOPIC: Final = get_topic(Consortium.Founded)
_SCAN_BATCH: Final = 200
# An as-of read looks for its version this many versions at a time (one query each), until
# this many candidates are left, read at once.
_PROBES: Final = 24
_SCAN: Final = 16

Check = Callable[[Consortium, Principal], None]


@dataclass(frozen=True)
class Page(Generic[T]):
    """A slice of a longer list; ``next_cursor`` is None on the last page."""

    items: Sequence[T]
    next_cursor: int | None


def may_manage(consortium: Consortium, who: Principal) -> None:
    consortium.check_can_manage(who)


class RecordsNotAttached(RuntimeError):
    """The consortium's records (the read model) were not attached to this application."""


class ConsortiumBase(StoreApplication):
    name = "Consortia"
    snapshotting_intervals: ClassVar[dict[type[Any], int]] = {Consortium: SNAPSHOT_INTERVAL}
    snapshotting_projectors: ClassVar[dict[type[Any], Any]] = {Consortium: project_consortium}
    _read_side: ReadSide | None = None

    def attach_records(self, read: ReadSide) -> None:
        """Where the consortium's records are read from (the composition root calls this)."""
        self._read_side = read

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
        current = self.consortium(consortium_id, caller)
        if instant >= current.modified_on:
            # Nothing was recorded after the instant: the state then is the state now.
            return current
        if instant < current.created_on:
            raise NotFound(
                f"Consortium {consortium_id} did not exist yet at {instant.isoformat()}.",
                consortium_id=consortium_id,
            )
        version = self._version_at(consortium_id, instant, before=current.version)
        consortium: Consortium = self.repository.get(
            consortium_id, version=version, projector_func=project_consortium
        )
        return consortium

    def history(
        self, consortium_id: UUID, caller: Caller, *, after_version: int = 0, limit: int = 50
    ) -> Page[Consortium.Event]:
        if limit < 1:
            raise InvalidValue("A page holds at least one event.", field="limit")
        self.consortium(consortium_id, caller)
        events: list[Any] = list(self.events.get(consortium_id, gt=after_version, limit=limit + 1))
        more = len(events) > limit
        events = events[:limit]
        return Page(events, events[-1].originator_version if more else None)

    def all_consortia(self) -> Iterator[Consortium]:
        """Every consortium, for the service itself (no rights are checked)."""
        for _, consortium in self._founded_since(None):
            yield consortium

    def today(self) -> date:
        """Today in the Netherlands, by the application's clock."""
        return about_day(self.clock())

    def records(self, query: Callable[[Tx], T]) -> T:
        """Answer a query of :mod:`events.readmodel.records` on fresh rows (with every event
        recorded so far applied)."""
        if self._read_side is None:
            raise RecordsNotAttached(f"{type(self).__name__} has no read model attached.")
        return self._read_side.read(query)

    # -- internals --------------------------------------------------------------------------

    def _consortium(self, consortium_id: UUID) -> Consortium:
        return self._load(consortium_id, Consortium, ConsortiumNotFound)

    def act_on(
        self,
        consortium_id: UUID,
        caller: Caller,
        check: Check,
        act: Callable[[Consortium, Cause], T],
        claim: IdempotencyClaim | None = None,
        also_save: Callable[[T], Sequence[Any]] | None = None,
    ) -> T:
        """Check the caller's right on the fresh state, then act (retried on conflicts). A
        replayed idempotent request is checked too: the right must still hold."""
        with self.explained(consortium_id):
            _, result = self._update(
                consortium_id,
                Consortium,
                ConsortiumNotFound,
                caller,
                act,
                claim,
                also_save=also_save,
                authorize=lambda consortium: check(consortium, caller.principal),
            )
        return result

    def explained(self, consortium_id: UUID) -> _Explained:
        """Turn "not among the current members / grants in force" into what the records say:
        the member left (or never was one), the grant was revoked (or never existed)."""
        return _Explained(self, consortium_id)

    def _why_not_current(self, consortium_id: UUID, error: MemberNotCurrent) -> DomainError:
        member_id = UUID(str(error.context["member_id"]))
        former = self.records(lambda tx: records.membership(tx, consortium_id, member_id))
        if former is not None:
            message = f"{former.party} left this consortium and can no longer act in it."
            if error.field in (None, "member_id"):
                return MemberHasLeft(message, member_id=member_id)
            return InvalidValue(message, field=error.field)
        if error.field is None:
            return MemberNotFound(member_id)
        return InvalidValue(MemberNotFound(member_id).message, field=error.field)

    def _why_not_in_force(self, consortium_id: UUID, error: GrantNotInForce) -> DomainError:
        grant_id = UUID(str(error.context["grant_id"]))
        if self.records(lambda tx: records.grant(tx, consortium_id, grant_id)) is not None:
            return RuleViolation("This role was revoked already.")
        return error

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

    def _version_at(
        self,
        consortium_id: UUID,
        instant: datetime,
        *,
        before: int,
    ) -> int:
        """The last version recorded by ``instant``; version 1 was recorded by then, version
        ``before`` after it."""
        # Events are never dated before their predecessor (see RecordingAggregate._record), so
        # the versions recorded by ``instant`` form a prefix. Its end lies between ``low``
        # (recorded by then) and ``high`` (recorded after). Each step reads a few versions
        # spread evenly between them in one query and keeps the part between the last one
        # recorded by then and the first one after; a few candidates left are read at once.
        low, high = 1, before
        while high - low > _SCAN:
            step = (high - low) / (_PROBES + 1)
            probes = sorted({low + round(step * i) for i in range(1, _PROBES + 1)})
            for stored in select_versions(self.recorder, consortium_id, probes):
                if recorded_at(self.mapper, stored) > instant:
                    high = stored.originator_version
                    break
                low = stored.originator_version
        for stored in self.recorder.select_events(consortium_id, gt=low, lte=high - 1):
            if recorded_at(self.mapper, stored) > instant:
                break
            low = stored.originator_version
        return low


class _Explained:
    """A context in which refusals about members and grants are explained from the records."""

    def __init__(self, app: ConsortiumBase, consortium_id: UUID) -> None:
        self.app = app
        self.consortium_id = consortium_id

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, error: BaseException | None, traceback: Any) -> None:
        if isinstance(error, MemberNotCurrent):
            raise self.app._why_not_current(self.consortium_id, error) from None
        if isinstance(error, GrantNotInForce):
            raise self.app._why_not_in_force(self.consortium_id, error) from None
