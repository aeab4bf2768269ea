"""The ledger of a consortium: pledges, contributions, reversals and spending, with totals.

Entries are facts: a pledge is revised by a new revision with a reason, a contribution is
corrected by a reversal that points at it; nothing is edited or removed. Totals are kept up to
date with every entry, so reading the budget never needs a pass over all entries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from typing import Final
from uuid import UUID, uuid5

from consortium.money import CENT, Money

_ZERO: Final = Money.zero()


class ContributionKind(Enum):
    CASH = "cash"
    IN_KIND = "in_kind"


@dataclass(frozen=True, slots=True)
class Commitment:
    """One revision of a member's pledge for a calendar year (revision 1: the first pledge)."""

    member_id: UUID
    year: int
    amount: Money
    revision: int
    reason: str | None
    recorded_at: datetime
    recorded_by: str

    @property
    def id(self) -> UUID:
        """Member, year and revision name a commitment; its id is derived from them."""
        return uuid5(self.member_id, f"commitment/{self.year}/{self.revision}")


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


def _key(*parts: object) -> str:
    # Mapping keys are text so the state can be written as JSON in snapshots.
    return "/".join(str(p) for p in parts)


def _add(totals: Mapping[str, Money], key: str, amount: Money) -> dict[str, Money]:
    return {**totals, key: totals.get(key, _ZERO) + amount}


@dataclass(frozen=True, slots=True)
class Ledger:
    """Every money fact of one consortium, and running totals derived from them."""

    commitments: tuple[Commitment, ...] = ()
    contributions: tuple[Contribution, ...] = ()
    reversals: Mapping[str, Reversal] = field(default_factory=dict)
    expenditures: tuple[Expenditure, ...] = ()
    # Running totals: the current pledge per member and year, received per member, year and
    # kind (reversals subtracted), spent per year.
    pledged: Mapping[str, Money] = field(default_factory=dict)
    received: Mapping[str, Money] = field(default_factory=dict)
    spent: Mapping[str, Money] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Read back from JSON, sequences arrive as lists; keep them immutable tuples.
        for name in ("commitments", "contributions", "expenditures"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    # -- recording (each returns a new ledger) ----------------------------------------------

    def with_commitment(self, commitment: Commitment) -> Ledger:
        return replace(
            self,
            commitments=(*self.commitments, commitment),
            pledged={
                **self.pledged,
                _key(commitment.member_id, commitment.year): commitment.amount,
            },
        )

    def with_contribution(self, contribution: Contribution) -> Ledger:
        key = _key(contribution.member_id, contribution.year, contribution.kind.value)
        return replace(
            self,
            contributions=(*self.contributions, contribution),
            received=_add(self.received, key, contribution.amount),
        )

    def with_reversal(self, reversal: Reversal) -> Ledger:
        original = self.contribution(reversal.contribution_id)
        if original is None:  # pragma: no cover - the command checks before recording
            raise LookupError(f"no contribution {reversal.contribution_id} to reverse")
        key = _key(original.member_id, original.year, original.kind.value)
        return replace(
            self,
            reversals={**self.reversals, str(reversal.contribution_id): reversal},
            received=_add(self.received, key, -original.amount),
        )

    def with_expenditure(self, expenditure: Expenditure) -> Ledger:
        return replace(
            self,
            expenditures=(*self.expenditures, expenditure),
            spent=_add(self.spent, _key(expenditure.year), expenditure.amount),
        )

    # -- reading ------------------------------------------------------------------------------

    def contribution(self, contribution_id: UUID) -> Contribution | None:
        for contribution in reversed(self.contributions):
            if contribution.id == contribution_id:
                return contribution
        return None

    def reversal_of(self, contribution_id: UUID) -> Reversal | None:
        return self.reversals.get(str(contribution_id))

    def pledge(self, member_id: UUID, year: int) -> Money | None:
        return self.pledged.get(_key(member_id, year))

    def commitment(self, commitment_id: UUID) -> Commitment | None:
        for commitment in self.commitments:
            if commitment.id == commitment_id:
                return commitment
        return None

    def revisions(self, member_id: UUID, year: int) -> list[Commitment]:
        return [c for c in self.commitments if c.member_id == member_id and c.year == year]

    def pledges(self) -> Iterable[tuple[UUID, int, Money]]:
        for key, amount in self.pledged.items():
            member, year = key.split("/")
            yield UUID(member), int(year), amount

    def receipts(self) -> Iterable[tuple[UUID, int, ContributionKind, Money]]:
        for key, amount in self.received.items():
            member, year, kind = key.split("/")
            yield UUID(member), int(year), ContributionKind(kind), amount

    def spending(self) -> Iterable[tuple[int, Money]]:
        for year, amount in self.spent.items():
            yield int(year), amount

    @property
    def cash_received(self) -> Money:
        return sum(
            (amount for _, _, kind, amount in self.receipts() if kind is ContributionKind.CASH),
            _ZERO,
        )

    @property
    def total_spent(self) -> Money:
        return sum(self.spent.values(), _ZERO)

    @property
    def available(self) -> Money:
        """Cash in the pool: received in cash, minus what was spent."""
        return self.cash_received - self.total_spent
