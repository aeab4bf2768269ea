"""Use cases of the exports: a consortium's budget and ledger, or those of every consortium the
caller may read (a funder's portfolio), as tables whose rows are read while they are written.

The caller's right to read a single consortium (and that it existed at the instant asked) is
checked when the table is made, before any row is read, so that a refusal is an answer of its
own and never a file cut short. A portfolio's consortia are found while its rows are written.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any
from uuid import UUID

from consortium.aggregate import Consortium
from consortium.budget_view import BudgetView
from consortium.cause import about_day
from consortium.errors import NotFound
from events.budget import BudgetUseCases
from events.caller import Caller
from events.exports import budget_rows, ledger_rows
from events.exports.tables import Row, Table
from events.money_events import booked_by, contribution_lookup, money_events
from events.trace import TraceUseCases


class ExportUseCases(BudgetUseCases, TraceUseCases):
    """Export use cases of :class:`~events.consortia.ConsortiumApplication`."""

    def budget_table(
        self,
        consortium_id: UUID,
        caller: Caller,
        *,
        as_of: datetime | None = None,
        on: date | None = None,
        year: int | None = None,
    ) -> Table:
        budget = self._budget_at(consortium_id, caller, as_of, on)
        return Table("budget", budget_rows.COLUMNS, budget_rows.budget_rows([budget], year))

    def portfolio_budget_table(
        self,
        caller: Caller,
        *,
        as_of: datetime | None = None,
        on: date | None = None,
        year: int | None = None,
    ) -> Table:
        budgets = (self._budget_at(c.id, caller, as_of, on) for c in self._readable(caller, as_of))
        return Table("budget", budget_rows.COLUMNS, budget_rows.budget_rows(budgets, year))

    def ledger_table(
        self,
        consortium_id: UUID,
        caller: Caller,
        *,
        as_of: datetime | None = None,
        on: date | None = None,
    ) -> Table:
        consortium = self.read_for_money(consortium_id, caller, as_of)
        return Table("ledger", ledger_rows.COLUMNS, self._ledger_of(consortium, on))

    def portfolio_ledger_table(
        self, caller: Caller, *, as_of: datetime | None = None, on: date | None = None
    ) -> Table:
        def rows() -> Iterator[Row]:
            for consortium in self._readable(caller, as_of):
                yield from self._ledger_of(consortium, on)

        return Table("ledger", ledger_rows.COLUMNS, rows())

    # -- internals --------------------------------------------------------------------------

    def _budget_at(
        self, consortium_id: UUID, caller: Caller, as_of: datetime | None, on: date | None
    ) -> tuple[Consortium, BudgetView]:
        if on is not None:
            return self.consortium(consortium_id, caller), self.budget_on(consortium_id, caller, on)
        consortium = self.read_for_money(consortium_id, caller, as_of)
        return consortium, self.budget_of(consortium, about_day(as_of) if as_of else None)

    def _readable(self, caller: Caller, as_of: datetime | None) -> Iterator[Consortium]:
        """Every consortium the caller may read (as it stood at ``as_of``, if it existed)."""
        for current in self.all_consortia():
            if not current.can_read(caller.principal):
                continue
            try:
                yield self.read_for_money(current.id, caller, as_of)
            except NotFound:
                continue  # founded after that instant

    def _ledger_of(self, consortium: Consortium, on: date | None) -> Iterator[Row]:
        lookup = contribution_lookup(self, consortium.id)
        parties = self.parties(consortium)
        events: Iterator[Any] = money_events(
            self.events.get, consortium.id, consortium.version, lookup
        )
        if on is not None:
            events = booked_by(events, on, lookup)
        return ledger_rows.ledger_rows(consortium, events, parties)
