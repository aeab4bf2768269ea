"""The budget of a consortium as users read it: totals, per year, per member, and the horizon.

Computed from the ledger's running totals only, so it costs the same for ten entries as for
ten thousand. Every figure can be explained from the ledger's entries (the tests check that).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Final
from uuid import UUID

from consortium.ledger import ContributionKind, Ledger
from consortium.members import Member
from consortium.milestones import Decision, Milestone
from consortium.money import Money

_ZERO: Final = Money.zero()


@dataclass(frozen=True, slots=True)
class Figures:
    committed: Money = _ZERO
    received_cash: Money = _ZERO
    received_in_kind: Money = _ZERO
    spent: Money = _ZERO

    @property
    def received(self) -> Money:
        return self.received_cash + self.received_in_kind

    @property
    def available(self) -> Money:
        """Cash in hand: received in cash minus spent."""
        return self.received_cash - self.spent

    @property
    def outstanding(self) -> Money:
        """Pledged but not (yet) paid in cash; negative when more was paid than pledged."""
        return self.committed - self.received_cash

    @staticmethod
    def total(many: Iterable[Figures]) -> Figures:
        result = Figures()
        for figures in many:
            result = result.plus(figures)
        return result

    def plus(self, other: Figures) -> Figures:
        return Figures(
            committed=self.committed + other.committed,
            received_cash=self.received_cash + other.received_cash,
            received_in_kind=self.received_in_kind + other.received_in_kind,
            spent=self.spent + other.spent,
        )


@dataclass(frozen=True, slots=True)
class YearFigures:
    year: int
    figures: Figures


@dataclass(frozen=True, slots=True)
class MemberFigures:
    member: Member
    figures: Figures
    years: tuple[YearFigures, ...]


@dataclass(frozen=True, slots=True)
class YearNeed:
    """Planned needs of a year (tranches of milestones due then) against what is pledged."""

    year: int
    committed: Money
    needed: Money

    @property
    def gap(self) -> Money:
        """How much of the year's needs is not pledged; zero when pledges cover them."""
        shortfall = self.needed - self.committed
        return shortfall if shortfall.is_positive else _ZERO


@dataclass(frozen=True, slots=True)
class TrancheLine:
    """A milestone's tranche: planned until its gate is passed, then released for spending."""

    milestone_id: UUID
    title: str
    due_date: date
    amount: Money
    status: str  # planned, released or cancelled (the consortium stopped at this gate)
    spent: Money


@dataclass(frozen=True, slots=True)
class BudgetView:
    totals: Figures
    years: tuple[YearFigures, ...]
    members: tuple[MemberFigures, ...]
    last_committed_year: int | None
    needs: tuple[YearNeed, ...]
    tranches: tuple[TrancheLine, ...] = ()

    @property
    def tranches_released(self) -> Money:
        return sum((t.amount for t in self.tranches if t.status == "released"), _ZERO)

    @property
    def tranches_planned(self) -> Money:
        return sum((t.amount for t in self.tranches if t.status == "planned"), _ZERO)


def tranche_lines(
    milestones: Iterable[Milestone], ledger: Ledger, *, consortium_finished: bool = False
) -> tuple[TrancheLine, ...]:
    """Every tranche: released once its gate passed; cancelled when its milestone or the whole
    consortium stopped (or closed) before that; planned otherwise."""
    lines = []
    for m in milestones:
        if m.tranche is None:
            continue
        status = (
            "released"
            if m.is_passed
            else "cancelled"
            if m.last_decision is Decision.STOP or consortium_finished
            else "planned"
        )
        spent = sum((e.amount for e in ledger.expenditures if e.milestone_id == m.id), _ZERO)
        lines.append(TrancheLine(m.id, m.title, m.due_date, m.tranche, status, spent))
    return tuple(lines)


def budget_view(
    ledger: Ledger,
    members: Iterable[Member],
    needs_per_year: Mapping[int, Money] | None = None,
    tranches: tuple[TrancheLine, ...] = (),
) -> BudgetView:
    per_member_year: dict[tuple[UUID, int], Figures] = defaultdict(Figures)
    spent_per_year: dict[int, Money] = {}
    for member_id, year, amount in ledger.pledges():
        f = per_member_year[member_id, year]
        per_member_year[member_id, year] = Figures(
            amount, f.received_cash, f.received_in_kind, f.spent
        )
    for member_id, year, kind, amount in ledger.receipts():
        f = per_member_year[member_id, year]
        if kind is ContributionKind.CASH:
            f = Figures(f.committed, f.received_cash + amount, f.received_in_kind, f.spent)
        else:
            f = Figures(f.committed, f.received_cash, f.received_in_kind + amount, f.spent)
        per_member_year[member_id, year] = f
    for year, amount in ledger.spending():
        spent_per_year[year] = amount

    years: dict[int, Figures] = defaultdict(Figures)
    for (_, year), figures in per_member_year.items():
        years[year] = years[year].plus(figures)
    for year, amount in spent_per_year.items():
        years[year] = years[year].plus(Figures(spent=amount))

    member_rows = []
    for member in members:
        rows = sorted((y, f) for (m, y), f in per_member_year.items() if m == member.id)
        total = Figures.total(f for _, f in rows)
        member_rows.append(MemberFigures(member, total, tuple(YearFigures(y, f) for y, f in rows)))

    totals = Figures.total(years.values())
    pledged_years = [y for y, f in years.items() if f.committed.is_positive]
    needs = needs_per_year or {}
    return BudgetView(
        totals=totals,
        years=tuple(YearFigures(y, years[y]) for y in sorted(years)),
        members=tuple(member_rows),
        last_committed_year=max(pledged_years) if pledged_years else None,
        needs=tuple(
            YearNeed(y, years[y].committed if y in years else _ZERO, needs[y])
            for y in sorted(needs)
        ),
        tranches=tranches,
    )
