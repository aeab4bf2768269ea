"""Use case: trace a figure of a consortium's budget to the events that make it up, read as the
budget is read (now, as of an instant, or as booked for the days up to a date)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from consortium.aggregate import Consortium
from consortium.errors import InvalidValue, MemberNotFound
from consortium.trace import Selection, Trace, trace
from events.caller import Caller
from events.consortium_base import ConsortiumBase
from events.money_events import booked_by, contribution_lookup, day_of, money_events
from events.readmodel import records


@dataclass(frozen=True)
class TracedFigure:
    """A figure's trace, and the names of the consortium's members (those who left too)."""

    trace: Trace
    parties: Mapping[UUID, str]


class TraceUseCases(ConsortiumBase):
    """Tracing use cases of :class:`~events.consortia.ConsortiumApplication`."""

    def trace(
        self,
        consortium_id: UUID,
        caller: Caller,
        selection: Selection,
        *,
        as_of: datetime | None = None,
        on: date | None = None,
    ) -> TracedFigure:
        """The events behind one figure of ``budget`` (``as_of``) or ``budget_on`` (``on``):
        their counted amounts add up to that figure."""
        consortium = self.read_for_money(consortium_id, caller, as_of)
        parties = self.parties(consortium)
        if selection.member_id is not None and selection.member_id not in parties:
            raise InvalidValue(MemberNotFound(selection.member_id).message, field="member_id")
        lookup = contribution_lookup(self, consortium_id)
        events = money_events(self.events.get, consortium_id, consortium.version, lookup)
        if on is not None:
            events = booked_by(events, on, lookup)
        return TracedFigure(trace(events, selection, about=day_of), parties)

    def read_for_money(
        self, consortium_id: UUID, caller: Caller, as_of: datetime | None = None
    ) -> Consortium:
        """The consortium now or as of an instant, the caller's right to read it checked."""
        if as_of is None:
            return self.consortium(consortium_id, caller)
        return self.consortium_as_of(consortium_id, as_of, caller)

    def parties(self, consortium: Consortium) -> dict[UUID, str]:
        """Every member's party by id, as of the consortium's version."""
        members = self.records(
            lambda tx: records.memberships(tx, consortium.id, consortium.version)
        )
        return {m.id: m.party for m in members}
