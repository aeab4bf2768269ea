"""The budget of a consortium as users read it: totals, per year, per member, and the horizon.

Computed from the ledger's running totals only (folded by ``consortium.figures``), so it costs
the same for ten entries as for ten thousand. Every figure can be explained from the ledger's
entries (the tests check that).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Final
from uuid import UUID

from consortium.aggregate import Consortium
from consortium.cause import about_day
from consortium.figures import Figures
from consortium.financing import FinancingStatus, financing_status, needs_by_year
from consortium.ledger import Ledger
from consortium.members import Member
from consortium.milestones import Decision, Milestone
from consortium.money import Money

__all__ = [
    "BudgetView",
    "Figures",
    "MemberFigures",
    "TrancheLine",
    "YearFigures",
    "YearNeed",
    "budget_of",
    "with_key_versions",
]

_ZERO: Final = Money.zero()


@dataclass(frozen=True, slots=True)
class YearFigures:
    year: int
    figures: Figures
    key_version: int | None = None  # a member's year: the key version that made its pledge


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
    financing: FinancingStatus | None = None
    needs_from: str = "tranches"  # "plan" once the consortium has a financing plan

    @property
    def tranches_released(self) -> Money:
        return sum((t.amount for t in self.tranches if t.status == "released"), _ZERO)

    @property
    def tranches_planned(self) -> Money:
        return sum((t.amount for t in self.tranches if t.status == "planned"), _ZERO)


def tranche_lines(
    milestones: Iterable[Milestone], *, consortium_finished: bool = False
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
        lines.append(TrancheLine(m.id, m.title, m.due_date, m.tranche, status, m.spent))
    return tuple(lines)


def budget_view(
    ledger: Ledger,
    members: Iterable[Member],
    needs_per_year: Mapping[int, Money] | None = None,
    tranches: tuple[TrancheLine, ...] = (),
    status: Callable[[Mapping[int, Figures], Mapping[int, Money]], FinancingStatus] | None = None,
) -> BudgetView:
    """The budget from the ledger's totals; ``members`` are every membership to show a line
    for (those who left included), in the order they joined.

    The needs per year are the financing plan's; a consortium without a plan shows the
    tranches of its milestones due each year instead (what earlier releases called needs).
    ``status`` judges the financing from the figures per year and the tranches due each
    year (which it counts as needs when there is no plan, as this view shows them)."""
    rows: dict[tuple[UUID | None, int], list[tuple[str, Money]]] = defaultdict(list)
    for member_id, year, kind, amount in ledger.rows():
        rows[member_id, year].append((kind, amount))
    per_member_year = {key: Figures.of_rows(found) for key, found in rows.items()}

    years: dict[int, Figures] = defaultdict(Figures)
    for (_, year), figures in per_member_year.items():
        years[year] = years[year].plus(figures)

    # Grouped by member once: a view of thousands of memberships stays linear in its rows.
    per_member: dict[UUID | None, list[tuple[int, Figures]]] = defaultdict(list)
    for (member_id, year), figures in per_member_year.items():
        per_member[member_id].append((year, figures))
    member_rows = []
    for member in members:
        lines = sorted(per_member.get(member.id, ()))
        total = Figures.total(f for _, f in lines)
        member_rows.append(MemberFigures(member, total, tuple(YearFigures(y, f) for y, f in lines)))

    totals = Figures.total(years.values())
    pledged_years = [y for y, f in years.items() if f.committed.is_positive]
    planned = any(f.has_need for f in years.values())
    needs = needs_by_year(years, needs_per_year)
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
        financing=None if status is None else status(years, needs_per_year or {}),
        needs_from="plan" if planned else "tranches",
    )


def with_key_versions(view: BudgetView, versions: Mapping[tuple[UUID, int], int]) -> BudgetView:
    """The view with each member's years naming the version of the cost-sharing key that made
    the pledge in force (``versions``: per member and year)."""
    if not versions:
        return view
    members = tuple(
        replace(
            line,
            years=tuple(
                replace(y, key_version=versions.get((line.member.id, y.year))) for y in line.years
            ),
        )
        for line in view.members
    )
    return replace(view, members=members)


def budget_of(
    consortium: Consortium, members: Iterable[Member] | None = None, today: date | None = None
) -> BudgetView:
    """The budget of a consortium in memory; ``members`` are the memberships to show a line
    for (by default its current members: the store also shows those who left); ``today`` the
    day its financing is judged on (by default the day of its last change)."""
    day = today or about_day(consortium.modified_on)
    members = consortium.members if members is None else members
    return consortium_budget(consortium, consortium.ledger, members, day)


def consortium_budget(
    consortium: Consortium, ledger: Ledger, members: Iterable[Member], day: date
) -> BudgetView:
    """The budget of ``ledger`` and ``members`` with the consortium's tranches, its watch and
    its phase (as they stand in ``consortium``), its financing judged on ``day``."""
    return budget_view(
        ledger,
        members,
        needs_per_year=consortium.tranches_due_per_year(),
        tranches=tranche_lines(
            consortium.milestones, consortium_finished=consortium.phase.is_finished
        ),
        status=lambda years, tranches: financing_status(
            years,
            today=day,
            watch=consortium.financing_watch,
            phase=consortium.phase,
            tranches=tranches,
        ),
    )
