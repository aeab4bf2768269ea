"""Use case: trace a figure of a consortium's budget to the events that make it up, read as the
budget is read (now, as of an instant, or as booked for the days up to a date)."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from consortium.aggregate import Consortium
from consortium.trace import Selection, Trace, trace
from events.caller import Caller
from events.consortium_base import ConsortiumBase
from events.money_events import booked_by, contribution_lookup, day_of, money_events


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
    ) -> Trace:
        """The events behind one figure of ``budget`` (``as_of``) or ``budget_on`` (``on``):
        their counted amounts add up to that figure."""
        consortium = self.read_for_money(consortium_id, caller, as_of)
        lookup = contribution_lookup(self, consortium_id)
        events = money_events(self.events.get, consortium_id, consortium.version, lookup)
        if on is not None:
            events = booked_by(events, on, lookup)
        return trace(events, selection, about=day_of)

    def read_for_money(
        self, consortium_id: UUID, caller: Caller, as_of: datetime | None = None
    ) -> Consortium:
        """The consortium now or as of an instant, the caller's right to read it checked."""
        if as_of is None:
            return self.consortium(consortium_id, caller)
        return self.consortium_as_of(consortium_id, as_of, caller)
