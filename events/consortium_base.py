"""The ground every consortium use case stands on: reading a consortium (now, as of, its
history) with the caller's rights checked, and changing it on fresh state with retries."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Generic, TypeVar
from uuid import UUID

from eventsourcing.utils import get_topic

from consortium.access import Principal
from consortium.aggregate import Consortium
from consortium.cause import Cause
from consortium.errors import ConsortiumNotFound, InvalidValue, NotFound
from events.application import StoreApplication
from events.caller import Caller
from events.idempotency import IdempotencyClaim

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


class ConsortiumBase(StoreApplication):
    name = "Consortia"
    snapshotting_intervals = {Consortium: SNAPSHOT_INTERVAL}

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
    ) -> T:
        """Check the caller's right on the fresh state, then act (retried on conflicts). A
        replayed idempotent request is checked too: the right must still hold."""
        _, result = self._update(
            consortium_id,
            Consortium,
            ConsortiumNotFound,
            caller,
            act,
            claim,
            authorize=lambda consortium: check(consortium, caller.principal),
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
