"""A consortium's money events read from the event store, a batch at a time, for what explains
its figures: the traces of the budget and the exported ledger.

Reading in batches keeps memory bounded however long the ledger is; reading up to a version
keeps the answer to one moment (as of an instant, or the version when the read began) while
new events are recorded meanwhile. A reversal recorded before reversals named their figures is
completed from its contribution's record; the books read "as booked up to a day" are filtered
by the day each fact is about.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, Final
from uuid import UUID

from consortium.aggregate import Consortium
from consortium.cause import about_day
from consortium.errors import LegacyReversal
from events.readmodel import records
from events.readmodel.records import Booked

BATCH: Final = 100

# The events that book money, or plan it (needs, tranches).
MONEY_EVENTS: Final = (
    Consortium.CommitmentPledged,
    Consortium.CostSharesPledged,
    Consortium.ContributionLogged,
    Consortium.ContributionReversed,
    Consortium.ExpenditureRecorded,
    Consortium.NeedPlanned,
    Consortium.MilestonePlanned,
    Consortium.TrancheReleased,
)

Lookup = Callable[[UUID], Booked | None]


def money_events(
    get: Callable[..., Iterator[Any]], consortium_id: UUID, up_to: int, lookup: Lookup
) -> Iterator[Any]:
    """The money events of the consortium up to version ``up_to``, oldest first; ``get`` is
    the application's ``events.get``, ``lookup`` finds a contribution's record."""
    after = 0
    while after < up_to:
        batch = list(get(consortium_id, gt=after, lte=up_to, limit=BATCH))
        if not batch:
            return
        for event in batch:
            if isinstance(event, MONEY_EVENTS):
                yield _completed(event, lookup)
        after = batch[-1].originator_version


def _completed(event: Any, lookup: Lookup) -> Any:
    if isinstance(event, Consortium.ContributionReversed) and event.member_id is None:
        booked = lookup(event.contribution_id)
        if booked is None:  # pragma: no cover - the read model would have to be corrupt
            raise LegacyReversal(event.contribution_id)
        return event.with_original(booked.contribution)
    return event


def day_of(event: Any) -> date:
    """The day a money event is about: its booking date, the day a pledge was made, else the
    day it was recorded (as the records read events of earlier releases)."""
    if isinstance(event, Consortium.ContributionLogged | Consortium.ExpenditureRecorded):
        day: date = event.date
        return day
    if isinstance(event, Consortium.CommitmentPledged) and event.pledged_on is not None:
        return event.pledged_on
    if isinstance(event, Consortium.MilestonePlanned) and event.planned_on is not None:
        return event.planned_on
    return about_day(event.timestamp)


def booked_by(events: Iterator[Any], on: date, lookup: Lookup) -> Iterator[Any]:
    """The events of the books as booked for the days up to ``on``, as known now (see
    ``BudgetUseCases.budget_on``): pledges made, contributions dated and spending dated by
    then, a reversal with its contribution whenever it was recorded, and the plan as it is."""
    for event in events:
        if isinstance(event, Consortium.NeedPlanned):
            yield event
        elif isinstance(event, Consortium.ContributionReversed):
            booked = lookup(event.contribution_id)
            if booked is not None and booked.contribution.date <= on:
                yield event
        elif day_of(event) <= on:
            yield event


def contribution_lookup(app: Any, consortium_id: UUID) -> Lookup:
    """A contribution's record, looked up in the consortium's read model."""
    return lambda contribution_id: app.records(
        lambda tx: records.contribution(tx, consortium_id, contribution_id)
    )
