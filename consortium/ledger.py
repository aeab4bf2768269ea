"""The ledger of a consortium: its entries as records, and the running totals it keeps.

Entries are facts: a pledge is revised by a new revision with a reason, a contribution is
corrected by a reversal that points at it; nothing is edited or removed. The aggregate keeps
only what its rules need (the totals, and how many revisions each pledge had), so its state is
bounded by the consortium's present size, not by how many entries it has booked; the entries
themselves are its events, listed by the read model.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Final
from uuid import UUID, uuid5

from consortium.figures import (
    SPENT,
    Change,
    ContributionKind,
    Figures,
    NeedCategory,
    committed,
    is_pledge,
    member_key,
    member_of,
    need,
)
from consortium.money import CENT, Money

__all__ = [
    "Commitment",
    "Contribution",
    "ContributionKind",
    "Expenditure",
    "Ledger",
    "Reversal",
    "value_of_hours",
]


@dataclass(frozen=True, slots=True)
class Commitment:
    """One revision of a member's pledge of one kind for a calendar year (revision 1: the
    first pledge). ``pledged_on``: the day the pledge was made (a council decision, a letter),
    which may lie before the day it was recorded here."""

    member_id: UUID
    year: int
    amount: Money
    revision: int
    reason: str | None
    recorded_at: datetime
    recorded_by: str
    kind: ContributionKind = ContributionKind.CASH
    pledged_on: date | None = None

    @property
    def id(self) -> UUID:
        """Member, year, kind and revision name a commitment; its id is derived from them."""
        return commitment_id(self.member_id, self.year, self.revision, self.kind)


def commitment_id(
    member_id: UUID, year: int, revision: int, kind: ContributionKind = ContributionKind.CASH
) -> UUID:
    # Pledges of cash keep the ids they had before pledges had a kind.
    of_kind = "" if kind is ContributionKind.CASH else f"{kind.value}/"
    return uuid5(member_id, f"commitment/{year}/{of_kind}{revision}")


@dataclass(frozen=True, slots=True)
class Contribution:
    """Money received from a member, or work it gave in kind, booked against a year."""

    id: UUID
    member_id: UUID
    kind: ContributionKind
    amount: Money
    date: date
    year: int
    reference: str | None
    hours: Decimal | None
    rate: Money | None
    logged_at: datetime
    logged_by: str


@dataclass(frozen=True, slots=True)
class Reversal:
    """The correction of a contribution booked by mistake."""

    contribution_id: UUID
    reason: str
    reversed_at: datetime
    reversed_by: str


@dataclass(frozen=True, slots=True)
class Expenditure:
    """Money spent from the pool, optionally against a milestone."""

    id: UUID
    amount: Money
    date: date
    year: int
    description: str
    milestone_id: UUID | None
    recorded_at: datetime
    recorded_by: str


def value_of_hours(hours: Decimal, rate: Money) -> Money:
    """Hours × rate, rounded half up to the cent, as accountants do."""
    return Money((hours * rate.amount).quantize(CENT, rounding=ROUND_HALF_UP))


_Cents = Mapping[str, Mapping[str, Mapping[str, int]]]
_ZERO: Final = Money.zero()


def _copy(nested: _Cents) -> dict[str, dict[str, dict[str, int]]]:
    return {m: {y: dict(k) for y, k in years.items()} for m, years in nested.items()}


def _cents(money: Money) -> int:
    return int(money.amount * 100)


def _money(cents: int) -> Money:
    return Money(Decimal(cents) / 100)


@dataclass(frozen=True, slots=True)
class Ledger:
    """The running totals of one consortium's money, folded from its money events.

    ``totals`` holds whole cents by member (hex id, or ``pool``), year and kind, nested so that a
    snapshot writes each member and year once; ``revisions`` how many revisions each member's
    pledge of each kind for a year has had (the next one is numbered after them).
    """

    totals: _Cents = field(default_factory=dict)
    revisions: _Cents = field(default_factory=dict)

    # -- folding ------------------------------------------------------------------------------

    def changed(self, changes: Iterable[Change]) -> Ledger:
        # Copy on write: only the member and year a change touches are copied, the rest is
        # shared with this ledger (whose mappings nobody changes), so folding an event costs
        # the same however many members and years the totals hold.
        totals = dict(self.totals)
        revisions = dict(self.revisions)
        for change in changes:
            member, year = member_key(change.member_id), str(change.year)
            years = dict(totals.get(member, {}))
            kinds = dict(years.get(year, {}))
            before = 0 if change.replaces else kinds.get(change.kind, 0)
            kinds[change.kind] = before + _cents(change.amount)
            years[year] = kinds
            totals[member] = years
            if change.replaces:  # a pledge or a need of the plan: revised, counted
                counted = dict(revisions.get(member, {}))
                count = dict(counted.get(year, {}))
                count[change.kind] = count.get(change.kind, 0) + 1
                counted[year] = count
                revisions[member] = counted
        return Ledger(totals, revisions)

    # -- reading ------------------------------------------------------------------------------

    def pledge(
        self, member_id: UUID, year: int, kind: ContributionKind = ContributionKind.CASH
    ) -> Money | None:
        """The pledge of that kind in force, or None if the member never pledged it for that
        year."""
        if not self.revision_count(member_id, year, kind):
            return None
        return self.figure(member_id, year, committed(kind))

    def revision_count(
        self, member_id: UUID, year: int, kind: ContributionKind = ContributionKind.CASH
    ) -> int:
        years = self.revisions.get(member_key(member_id), {})
        return years.get(str(year), {}).get(committed(kind), 0)

    def need(self, year: int, category: NeedCategory) -> Money | None:
        """The plan's need of a year for a purpose, or None if none was ever planned."""
        if not self.need_revision_count(year, category):
            return None
        return self.figure(None, year, need(category))

    def need_revision_count(self, year: int, category: NeedCategory) -> int:
        return self.revisions.get(member_key(None), {}).get(str(year), {}).get(need(category), 0)

    def figure(self, member_id: UUID | None, year: int, kind: str) -> Money:
        cents = self.totals.get(member_key(member_id), {}).get(str(year), {}).get(kind, 0)
        return _money(cents)

    def rows(self) -> Iterator[tuple[UUID | None, int, str, Money]]:
        """Every figure: (member or None for the pool, year, kind, amount)."""
        for member, years in self.totals.items():
            for year, kinds in years.items():
                for kind, cents in kinds.items():
                    yield member_of(member), int(year), kind, _money(cents)

    def pledges(self) -> Iterator[tuple[UUID, int, Money]]:
        """Every member's pledge per year, its kinds together."""
        for member, year, kind, amount in self.rows():
            if is_pledge(kind) and member is not None:
                yield member, year, amount

    @property
    def figures(self) -> Figures:
        return Figures.of_rows((kind, amount) for _, _, kind, amount in self.rows())

    @property
    def cash_received(self) -> Money:
        return self.figures.received_cash

    @property
    def total_spent(self) -> Money:
        return self.figures.of(SPENT)

    @property
    def available(self) -> Money:
        """Cash in the pool: received as cash, minus what was spent."""
        return self.figures.available
