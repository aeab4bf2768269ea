"""The ledger of a consortium: its entries as records, and the running totals it keeps.

Entries are facts: a pledge is revised by a new revision with a reason, a contribution is
corrected by a reversal that points at it; nothing is edited or removed. The aggregate keeps
only what its rules need (the totals, and how many revisions each pledge had), so its state is
bounded by the consortium's present size, not by how many entries it has booked; the entries
themselves are its events, listed by the read model.
"""

from __future__ import annotations

from collections.abc import Callable, ItemsView, Iterable, Iterator, Mapping, Sequence
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
    "Deferred",
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
    key_version: int | None = None  # the version of the cost-sharing key that made it

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


_Nested = Mapping[str, Mapping[str, Mapping[str, int]]]
_ZERO: Final = Money.zero()
# A member's figures as one flat run of whole numbers, four per figure: year, kind (its index
# in the ledger's ``kinds``), cents, and how many revisions (pledges and needs) it had.
_CELL: Final = 4


def _cents(money: Money) -> int:
    return int(money.amount * 100)


def _money(cents: int) -> Money:
    return Money(Decimal(cents) / 100)


def _slot(cells: Sequence[int], year: int, kind: int) -> int:
    """Where that year's figure of that kind starts in a member's cells, or -1."""
    for i in range(0, len(cells), _CELL):
        if cells[i] == year and cells[i + 1] == kind:
            return i
    return -1


def _new_slot(cells: list[int], year: int, kind: int) -> int:
    """Add a zero figure after the member's last figure of that year (or at the end), so that
    the figures stay grouped by year in the order their years first appeared."""
    at = len(cells)
    for i in range(0, len(cells), _CELL):
        if cells[i] == year:
            at = i + _CELL
    cells[at:at] = [year, kind, 0, 0]
    return at


class Deferred(Mapping[str, Sequence[int]]):
    """Runs of figures handed over by storage, read the first time one of them is needed.

    Members who left keep their figures (the budget shows their lines, the totals count them),
    but nothing a command checks reads them; a snapshot hands them over this way, so that
    loading a consortium with a long past does not unpack that past. ``load`` gives the runs
    of ``keys`` (it is called at most once, however many ledgers share it); ``extra`` holds
    runs added or changed since, which win over the stored ones."""

    __slots__ = ("_extra", "_key_set", "_keys", "_load", "_loaded")

    def __init__(
        self,
        keys: Sequence[str],
        load: Callable[[], Mapping[str, Sequence[int]]],
        extra: Mapping[str, Sequence[int]] | None = None,
    ) -> None:
        self._keys = keys
        self._load = load if isinstance(load, _Once) else _Once(load)
        self._extra: Mapping[str, Sequence[int]] = extra or {}
        self._key_set: frozenset[str] | None = None
        self._loaded: Mapping[str, Sequence[int]] | None = None

    def with_run(self, key: str, run: Sequence[int]) -> Deferred:
        return Deferred(self._keys, self._load, {**self._extra, key: run})

    def _stored_keys(self) -> frozenset[str]:
        if self._key_set is None:
            self._key_set = frozenset(self._keys)
        return self._key_set

    def _runs(self) -> Mapping[str, Sequence[int]]:
        if self._loaded is None:
            self._loaded = {**self._load(), **self._extra}
        return self._loaded

    def __getitem__(self, key: str) -> Sequence[int]:
        found = self._extra.get(key)
        if found is not None:
            return found
        if key not in self._stored_keys():
            raise KeyError(key)
        return self._runs()[key]

    def __contains__(self, key: object) -> bool:
        return key in self._extra or key in self._stored_keys()

    def __iter__(self) -> Iterator[str]:
        return iter(self._runs())

    def items(self) -> ItemsView[str, Sequence[int]]:
        return self._runs().items()  # at once, not a lookup per key

    def __len__(self) -> int:
        return len(self._runs())


class _Once:
    """A loader called once, its answer shared by every ledger made from the same snapshot."""

    __slots__ = ("_answer", "_load")

    def __init__(self, load: Callable[[], Mapping[str, Sequence[int]]]) -> None:
        self._load = load
        self._answer: Mapping[str, Sequence[int]] | None = None

    def __call__(self) -> Mapping[str, Sequence[int]]:
        if self._answer is None:
            self._answer = self._load()
        return self._answer


def _with_run(
    runs: Mapping[str, Sequence[int]], key: str, run: Sequence[int]
) -> Mapping[str, Sequence[int]]:
    if isinstance(runs, Deferred):
        return runs.with_run(key, run)
    return {**runs, key: run}


@dataclass(frozen=True, slots=True)
class Ledger:
    """The running totals of one consortium's money, folded from its money events.

    ``cells`` holds, by member (hex id, or ``pool``), the member's figures as one flat run of
    whole numbers, four per figure: year, kind (its index in ``kinds``), whole cents, and how
    many revisions that figure had (pledges and needs: the next one is numbered after them;
    zero for received and spent money). Whole numbers only, so that a snapshot can pack them
    (``events.transcodings.LedgerAsCells``) and read them back without a step per figure.

    ``former`` holds the runs of members who left, in the same form: they still count in every
    total and line, but no rule reads them, so a snapshot may hand them over unread
    (:class:`Deferred`).
    """

    kinds: tuple[str, ...] = ()
    cells: Mapping[str, Sequence[int]] = field(default_factory=dict)
    former: Mapping[str, Sequence[int]] = field(default_factory=dict)

    @classmethod
    def of_totals(cls, totals: _Nested, revisions: _Nested) -> Ledger:
        """A ledger from totals and revision counts nested by member, year and kind (as
        snapshots kept them before ``cells``)."""
        kinds: list[str] = []
        cells: dict[str, list[int]] = {}
        for member, years in totals.items():
            counted = revisions.get(member, {})
            run = cells[member] = []
            for year, figures in years.items():
                for kind, cents in figures.items():
                    if kind not in kinds:
                        kinds.append(kind)
                    count = counted.get(year, {}).get(kind, 0)
                    run += [int(year), kinds.index(kind), cents, count]
        return cls(tuple(kinds), cells)

    # -- folding ------------------------------------------------------------------------------

    def changed(self, changes: Iterable[Change]) -> Ledger:
        # Copy on write: only the members a change touches are copied, the rest is shared
        # with this ledger (whose cells nobody changes), so folding an event costs the same
        # however many members and years the totals hold.
        kinds = self.kinds
        cells = dict(self.cells)
        former = self.former
        copied: dict[str, list[int]] = {}
        for change in changes:
            member = member_key(change.member_id)
            if change.kind in kinds:
                kind = kinds.index(change.kind)
            else:
                kinds, kind = (*kinds, change.kind), len(kinds)
            run = copied.get(member)
            if run is None:
                if member not in cells and member in former:
                    # A member who left (the reversal of one of its contributions): its
                    # figures change where they are kept.
                    run = copied[member] = list(former[member])
                    former = _with_run(former, member, run)
                else:
                    run = copied[member] = list(cells.get(member, ()))
                    cells[member] = run
            at = _slot(run, change.year, kind)
            if at < 0:
                at = _new_slot(run, change.year, kind)
            cents = _cents(change.amount)
            if change.replaces:  # a pledge or a need of the plan: revised, counted
                run[at + 2] = cents
                run[at + 3] += 1
            else:
                run[at + 2] += cents
        return Ledger(kinds, cells, former)

    def retired(self, member_id: UUID) -> Ledger:
        """The ledger once that member left: its figures kept with those of former members."""
        member = member_key(member_id)
        run = self.cells.get(member)
        if run is None:
            return self
        cells = {key: found for key, found in self.cells.items() if key != member}
        return Ledger(self.kinds, cells, _with_run(self.former, member, run))

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
        return self._cell(member_key(member_id), year, committed(kind), 3)

    def need(self, year: int, category: NeedCategory) -> Money | None:
        """The plan's need of a year for a purpose, or None if none was ever planned."""
        if not self.need_revision_count(year, category):
            return None
        return self.figure(None, year, need(category))

    def need_revision_count(self, year: int, category: NeedCategory) -> int:
        return self._cell(member_key(None), year, need(category), 3)

    def figure(self, member_id: UUID | None, year: int, kind: str) -> Money:
        return _money(self._cell(member_key(member_id), year, kind, 2))

    def _cell(self, member: str, year: int, kind: str, part: int) -> int:
        if kind not in self.kinds:
            return 0
        run = self._run(member)
        at = _slot(run, year, self.kinds.index(kind))
        return 0 if at < 0 else run[at + part]

    def rows(self) -> Iterator[tuple[UUID | None, int, str, Money]]:
        """Every figure: (member or None for the pool, year, kind, amount), by member (the
        pool and current members, then those who left), then year, in the order they were
        first booked."""
        kinds = self.kinds
        for member, run in self._runs():
            member_id = member_of(member)
            for i in range(0, len(run), _CELL):
                yield member_id, run[i], kinds[run[i + 1]], _money(run[i + 2])

    def _run(self, member: str) -> Sequence[int]:
        found = self.cells.get(member)
        if found is None:
            found = self.former.get(member, ())
        return found

    def _runs(self) -> Iterator[tuple[str, Sequence[int]]]:
        """Every member's run: the pool and current members first, then those who left."""
        yield from self.cells.items()
        yield from self.former.items()

    def pledges_in_force(self, kind: ContributionKind = ContributionKind.CASH) -> Iterator[UUID]:
        """The ids of the pledges of that kind in force: the last revision of each member's
        pledge for each year (one revised to zero included)."""
        figure = committed(kind)
        if figure not in self.kinds:
            return
        wanted = self.kinds.index(figure)
        for member, run in self._runs():
            member_id = member_of(member)
            if member_id is None:
                continue
            for i in range(0, len(run), _CELL):
                if run[i + 1] == wanted and run[i + 3]:
                    yield commitment_id(member_id, run[i], run[i + 3], kind)

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
