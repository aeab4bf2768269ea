"""The one fold of money: how each money fact changes a consortium's figures.

A figure is an amount keyed by (member, year, kind). The kinds are ``committed:<kind>`` (the
pledge in force, per contribution kind: a member pledges cash, work in kind, or both), each
contribution kind (``cash``, ``in_kind``: what was received, reversals subtracted) and ``spent``
(money spent from the pool, no member). A pledge of a kind is paid off by contributions of that
kind. Every money event turns into
a few :class:`Change` s; the aggregate folds them into its running totals, the read model into
rows of the same key, and the budget view reads those totals: the rules of money are written
once, here and in :class:`~consortium.ledger.ContributionKind`.

Adding a contribution kind is a new member of :class:`ContributionKind` (saying whether it
counts as cash in the pool, and whether it is valued by hours × rate); nothing else here names a
kind.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Final
from uuid import UUID

from consortium.money import Money

COMMITTED: Final = "committed"  # the prefix of the pledge figures: committed:cash, ...
NEEDED: Final = "needed"  # the prefix of the financing plan's figures: needed:pilot, ...
SPENT: Final = "spent"
POOL: Final = "pool"  # the member key of figures of the pool as a whole (spending)
_ZERO: Final = Money.zero()


class ContributionKind(Enum):
    """How a member contributes: money into the pool, or work (or a service) given in kind."""

    CASH = "cash"
    IN_KIND = "in_kind"

    @property
    def counts_as_cash(self) -> bool:
        """Money the pool can spend (and that pays a pledge off)."""
        return self is ContributionKind.CASH

    @property
    def may_be_valued_by_hours(self) -> bool:
        return self is ContributionKind.IN_KIND


class NeedCategory(Enum):
    """What a year of the financing plan needs money for: the phases of trying a solution, and
    the structural years after adoption, when it must keep running."""

    EXPLORATION = "exploration"
    PILOT = "pilot"
    SCALE_UP = "scale_up"
    RUNNING_COSTS = "running_costs"
    LICENCES = "licences"
    MAINTENANCE = "maintenance"
    SUPPORT = "support"


@dataclass(frozen=True, slots=True)
class Change:
    """One figure changes: by ``amount``, or (``replaces``) to ``amount``."""

    member_id: UUID | None
    year: int
    kind: str
    amount: Money
    replaces: bool = False


def committed(kind: ContributionKind) -> str:
    """The figure of what is pledged in that kind."""
    return f"{COMMITTED}:{kind.value}"


def is_pledge(figure: str) -> bool:
    return figure.startswith(f"{COMMITTED}:")


def pledged(
    member_id: UUID, year: int, amount: Money, kind: ContributionKind | None = None
) -> Change:
    """A pledge (or its revision) replaces the member's pledge of that kind for that year
    (a pledge recorded before pledges had a kind is one of cash)."""
    return Change(member_id, year, committed(kind or ContributionKind.CASH), amount, replaces=True)


def need(category: NeedCategory) -> str:
    """The figure of what the plan says a year needs for that purpose."""
    return f"{NEEDED}:{category.value}"


def is_need(figure: str) -> bool:
    return figure.startswith(f"{NEEDED}:")


def needed(year: int, category: NeedCategory, amount: Money) -> Change:
    """The plan's need of a year for a purpose (or its revision) replaces the earlier one."""
    return Change(None, year, need(category), amount, replaces=True)


def received(member_id: UUID, year: int, kind: ContributionKind, amount: Money) -> Change:
    return Change(member_id, year, kind.value, amount)


def reversed_(member_id: UUID, year: int, kind: ContributionKind, amount: Money) -> Change:
    return Change(member_id, year, kind.value, -amount)


def spent(year: int, amount: Money) -> Change:
    return Change(None, year, SPENT, amount)


@dataclass(frozen=True, slots=True)
class Figures:
    """Amounts of one member, year, or the whole consortium, by kind."""

    amounts: Mapping[str, Money] = field(default_factory=dict)

    def of(self, kind: str) -> Money:
        return self.amounts.get(kind, _ZERO)

    @property
    def committed(self) -> Money:
        """Pledged, every kind together."""
        return sum((self.of(committed(k)) for k in ContributionKind), _ZERO)

    def committed_as(self, kind: ContributionKind) -> Money:
        return self.of(committed(kind))

    @property
    def committed_cash(self) -> Money:
        return sum((self.of(committed(k)) for k in ContributionKind if k.counts_as_cash), _ZERO)

    @property
    def committed_in_kind(self) -> Money:
        return sum((self.of(committed(k)) for k in ContributionKind if not k.counts_as_cash), _ZERO)

    @property
    def needed(self) -> Money:
        """What the financing plan says is needed, every purpose together."""
        return sum((self.of(need(c)) for c in NeedCategory), _ZERO)

    def needed_for(self, category: NeedCategory) -> Money:
        return self.of(need(category))

    @property
    def gap(self) -> Money:
        """Needed but not pledged (zero when the pledges cover the need)."""
        shortfall = self.needed - self.committed
        return shortfall if shortfall.is_positive else _ZERO

    @property
    def has_need(self) -> bool:
        return any(is_need(kind) for kind in self.amounts)

    @property
    def has_pledge(self) -> bool:
        """A pledge was recorded (possibly revised to zero)."""
        return any(is_pledge(kind) for kind in self.amounts)

    @property
    def spent(self) -> Money:
        return self.of(SPENT)

    def received_as(self, kind: ContributionKind) -> Money:
        return self.of(kind.value)

    @property
    def received(self) -> Money:
        return sum((self.of(k.value) for k in ContributionKind), _ZERO)

    @property
    def received_cash(self) -> Money:
        """What came in as money the pool can spend (every kind that counts as cash)."""
        return sum((self.of(k.value) for k in ContributionKind if k.counts_as_cash), _ZERO)

    @property
    def received_in_kind(self) -> Money:
        return sum((self.of(k.value) for k in ContributionKind if not k.counts_as_cash), _ZERO)

    @property
    def available(self) -> Money:
        """Cash in hand: received as cash, minus spent."""
        return self.received_cash - self.spent

    @property
    def outstanding(self) -> Money:
        """Pledged in cash but not (yet) paid in cash; negative when more was paid."""
        return self.committed_cash - self.received_cash

    @property
    def outstanding_in_kind(self) -> Money:
        """Pledged in kind but not (yet) given in kind; negative when more was given."""
        return self.committed_in_kind - self.received_in_kind

    def outstanding_as(self, kind: ContributionKind) -> Money:
        return self.committed_as(kind) - self.received_as(kind)

    def plus(self, other: Figures) -> Figures:
        amounts = dict(self.amounts)
        for kind, amount in other.amounts.items():
            amounts[kind] = amounts.get(kind, _ZERO) + amount
        return Figures(amounts)

    @staticmethod
    def total(many: Iterable[Figures]) -> Figures:
        result = Figures()
        for figures in many:
            result = result.plus(figures)
        return result

    @staticmethod
    def of_rows(rows: Iterable[tuple[str, Money]]) -> Figures:
        """Figures from (kind, amount) rows, amounts of the same kind added up."""
        amounts: dict[str, Money] = {}
        for kind, amount in rows:
            amounts[kind] = amounts.get(kind, _ZERO) + amount
        return Figures(amounts)


def member_key(member_id: UUID | None) -> str:
    """How a member (or the pool) is named in totals kept as JSON and in read-model rows."""
    return POOL if member_id is None else member_id.hex


def member_of(key: str) -> UUID | None:
    return None if key == POOL else UUID(key)
