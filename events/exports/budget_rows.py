"""The budget as a table: for each consortium a row of its totals, one per year, one per
member, and one per member and year; a blank member or year means "all of them"."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Final
from uuid import UUID

from consortium.aggregate import Consortium
from consortium.budget_view import BudgetView
from consortium.figures import Figures
from events.exports.tables import Cell, Column, Row

FIGURES: Final = (
    ("committed", "Pledged"),
    ("committed_cash", "Pledged in cash"),
    ("committed_in_kind", "Pledged in kind"),
    ("received", "Received"),
    ("received_cash", "Received in cash"),
    ("received_in_kind", "Received in kind"),
    ("spent", "Spent"),
    ("available", "Available"),
    ("outstanding", "Outstanding in cash"),
    ("outstanding_in_kind", "Outstanding in kind"),
    ("needed", "Needed"),
    ("gap", "Gap"),
)

COLUMNS: Final = (
    Column("consortium_id", "Consortium id"),
    Column("consortium", "Consortium"),
    Column("member_id", "Member id"),
    Column("party", "Member"),
    Column("year", "Year", Cell.INTEGER),
    *(Column(key, label, Cell.MONEY) for key, label in FIGURES),
)


def budget_rows(
    budgets: Iterable[tuple[Consortium, BudgetView]], year: int | None = None
) -> Iterator[Row]:
    """The rows of each consortium's budget; with ``year``, only the rows of that year."""
    for consortium, view in budgets:
        yield from _rows_of(consortium, view, year)


def _rows_of(consortium: Consortium, view: BudgetView, only: int | None) -> Iterator[Row]:
    def row(member_id: UUID | None, party: str | None, year: int | None, f: Figures) -> Row:
        return (
            str(consortium.id),
            consortium.name,
            None if member_id is None else str(member_id),
            party,
            year,
            *(getattr(f, key) for key, _ in FIGURES),
        )

    if only is None:
        yield row(None, None, None, view.totals)
    for line in view.years:
        if only in (None, line.year):
            yield row(None, None, line.year, line.figures)
    for member in view.members:
        if only is None:
            yield row(member.member.id, member.member.party, None, member.figures)
        for line in member.years:
            if only in (None, line.year):
                yield row(member.member.id, member.member.party, line.year, line.figures)
