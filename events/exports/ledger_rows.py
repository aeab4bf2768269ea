"""The ledger as a table: one row per money fact, in the order recorded, with who recorded it,
in which request and when. Pledges are listed with every revision (the last one of a member,
year and kind is in force); a reversal's amount is below zero, so that a member's
contributions and reversals add up to what it gave; spending is above zero. Needs of the
financing plan and tranches of milestones are listed too: they are money planned, not booked.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final
from uuid import UUID

from consortium.aggregate import Consortium
from events.exports.tables import Cell, Column, Row, Value
from events.money_events import day_of

COLUMNS: Final = (
    Column("consortium_id", "Consortium id"),
    Column("consortium", "Consortium"),
    Column("version", "Version", Cell.INTEGER),
    Column("recorded_at", "Recorded at", Cell.INSTANT),
    Column("recorded_by", "Recorded by"),
    Column("request_id", "Request id"),
    Column("entry", "Entry"),
    Column("date", "Date", Cell.DATE),
    Column("year", "Year", Cell.INTEGER),
    Column("member_id", "Member id"),
    Column("party", "Member"),
    Column("kind", "Kind"),
    Column("amount", "Amount", Cell.MONEY),
    Column("revision", "Revision", Cell.INTEGER),
    Column("entry_id", "Entry id"),
    Column("hours", "Hours", Cell.NUMBER),
    Column("rate", "Rate", Cell.MONEY),
    Column("note", "Note"),
)

C = Consortium


def ledger_rows(
    consortium: Consortium, events: Iterable[Any], parties: Mapping[UUID, str]
) -> Iterator[Row]:
    """The rows of one consortium's money events; ``parties`` names its members."""
    titles: dict[UUID, str] = {}  # milestones' titles, for the rows of released tranches

    def row(event: Any, entry: str, member_id: UUID | None = None, **values: Value) -> Row:
        fields: dict[str, Value] = {
            "consortium_id": str(consortium.id),
            "consortium": consortium.name,
            "version": event.originator_version,
            "recorded_at": event.timestamp,
            "recorded_by": event.actor,
            "request_id": event.request_id,
            "entry": entry,
            "date": day_of(event),
            **values,
            "member_id": None if member_id is None else str(member_id),
            "party": None if member_id is None else parties.get(member_id),
        }
        return tuple(fields.get(column.key) for column in COLUMNS)

    for e in events:
        if isinstance(e, C.CommitmentPledged):
            yield row(e, "pledge", year=e.year, member_id=e.member_id, kind=e.kind.value,
                      amount=e.amount, revision=e.revision, note=e.reason)  # fmt: skip
        elif isinstance(e, C.CostSharesPledged):
            for share in e.shares:
                yield row(e, "pledge", year=e.year, member_id=share.member_id, kind="cash",
                          amount=share.amount, note=e.reason)  # fmt: skip
        elif isinstance(e, C.ContributionLogged):
            yield row(e, "contribution", year=e.year, member_id=e.member_id, kind=e.kind.value,
                      amount=e.amount, entry_id=str(e.contribution_id), hours=e.hours,
                      rate=e.rate, note=e.reference)  # fmt: skip
        elif isinstance(e, C.ContributionReversed):
            yield row(e, "reversal", year=e.year, member_id=e.member_id,
                      kind=None if e.kind is None else e.kind.value,
                      amount=None if e.amount is None else -e.amount,
                      entry_id=str(e.contribution_id), note=e.reason)  # fmt: skip
        elif isinstance(e, C.ExpenditureRecorded):
            yield row(e, "expenditure", year=e.year, amount=e.amount,
                      entry_id=str(e.expenditure_id), note=e.description)  # fmt: skip
        elif isinstance(e, C.NeedPlanned):
            yield row(e, "need", year=e.year, kind=e.category.value, amount=e.amount,
                      revision=e.revision, note=e.reason)  # fmt: skip
        elif isinstance(e, C.MilestonePlanned) and e.tranche is not None:
            titles[e.milestone_id] = e.title
            yield row(e, "tranche_planned", year=e.due_date.year, amount=e.tranche,
                      entry_id=str(e.milestone_id), note=e.title)  # fmt: skip
        elif isinstance(e, C.TrancheReleased):
            yield row(e, "tranche_released", amount=e.amount, entry_id=str(e.milestone_id),
                      note=titles.get(e.milestone_id))  # fmt: skip
