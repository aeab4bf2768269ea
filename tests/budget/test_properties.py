"""Whatever the commands, the budget is what the events say (hypothesis, domain, no I/O).

A sequence of money commands is generated (pledges and revisions, contributions in cash and in
kind, reversals of earlier contributions, spending, cost shares pledged by a key, members
leaving), many of them refused by some rule. After running it:

- a refused command recorded nothing, an accepted one exactly one event;
- spending never exceeded the cash available at the time;
- the budget view equals a straightforward recomputation from the events (no running totals);
- replaying the events builds the same budget, and after every prefix of them the replayed
  budget equals the recomputation of that prefix (the budget "as of" any moment).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any, Final
from uuid import UUID, uuid4

from hypothesis import given, settings
from hypothesis import strategies as st

from consortium.aggregate import Consortium
from consortium.cause import Cause
from consortium.cost_sharing import KeyKind
from consortium.errors import ContributionNotFound, DomainError
from consortium.ledger import (
    Contribution,
    ContributionKind,
    Expenditure,
    Reversal,
    value_of_hours,
)
from consortium.money import Money
from tests.budget.support import (
    FIRST_YEAR,
    LAST_YEAR,
    PM,
    TODAY,
    Facts,
    Recomputed,
    budget_now,
    found_with_members,
    recompute_from_events,
)
from tests.clock import StepClock

MEMBERS: Final = 4
YEARS: Final = st.integers(min_value=FIRST_YEAR - 1, max_value=LAST_YEAR + 1)
CENTS: Final = st.integers(min_value=-100, max_value=5_000_000)
PICK: Final = st.integers(min_value=0, max_value=10_000)
MEMBER: Final = st.integers(min_value=0, max_value=MEMBERS - 1)


@dataclass(frozen=True)
class Pledge:
    member: int
    year: int
    cents: int
    reason: str | None


@dataclass(frozen=True)
class Give:
    member: int
    cash: bool
    cents: int
    days_back: int
    year: int | None
    quarter_hours: int | None  # in kind, valued by hours × rate
    rate_cents: int
    off_by: int  # cents the amount differs from hours × rate (0: right)


@dataclass(frozen=True)
class Reverse:
    pick: int
    reason: str


@dataclass(frozen=True)
class Spend:
    cents: int
    days_back: int


@dataclass(frozen=True)
class ShareCosts:
    key: KeyKind
    cents: int
    year: int
    members: tuple[int, ...] | None
    weights: tuple[int, ...]


@dataclass(frozen=True)
class Leave:
    member: int


Command = Pledge | Give | Reverse | Spend | ShareCosts | Leave

PLEDGES: Final = st.builds(Pledge, MEMBER, YEARS, CENTS, st.sampled_from([None, "Herzien", " "]))
GIFTS: Final = st.builds(
    Give,
    MEMBER,
    st.booleans(),
    CENTS,
    st.integers(min_value=-1, max_value=90),
    st.one_of(st.none(), YEARS),
    st.one_of(st.none(), st.integers(min_value=1, max_value=800)),
    st.integers(min_value=1, max_value=20_000),
    st.sampled_from([0, 0, 0, 1]),
)
REVERSALS: Final = st.builds(Reverse, PICK, st.sampled_from(["Dubbel geboekt", "Fout", ""]))
SPENDING: Final = st.builds(
    Spend, st.integers(min_value=-100, max_value=200_000), st.integers(min_value=-1, max_value=90)
)
SHARES: Final = st.builds(
    ShareCosts,
    st.sampled_from(KeyKind),
    CENTS,
    YEARS,
    st.one_of(st.none(), st.lists(MEMBER, max_size=MEMBERS).map(tuple)),
    st.lists(st.integers(min_value=0, max_value=5), min_size=MEMBERS, max_size=MEMBERS).map(tuple),
)
LEAVING: Final = st.builds(Leave, MEMBER)
# Weighted by repetition: mostly money coming in and going out, now and then a member leaving.
COMMANDS: Final = st.sampled_from(
    [PLEDGES, PLEDGES, GIFTS, GIFTS, GIFTS, GIFTS, REVERSALS, SPENDING, SPENDING, SHARES, LEAVING]
).flatmap(lambda strategy: strategy)


def money(cents: int) -> Money:
    return Money(Decimal(cents) / 100)


class Run:
    """Runs commands on a consortium in memory, keeping what the properties need."""

    def __init__(self) -> None:
        self.clock = StepClock()
        self.consortium = found_with_members(self.cause)
        self.members = list(self.consortium.members)
        self.ids = [m.id for m in self.members]
        self.accepted = 0
        # The ledger's entries, as the store's records keep them (the aggregate keeps totals).
        self.contributions: list[Contribution] = []
        self.reversals: dict[UUID, Reversal] = {}
        self.spent: list[Money] = []

    def cause(self) -> Cause:
        return Cause(actor=PM, request_id="req-hypothesis", at=self.clock())

    def do(self, command: Command) -> None:
        consortium = self.consortium
        version = consortium.version
        available = consortium.ledger.available
        try:
            self._do(command)
        except DomainError:
            assert consortium.version == version, f"{command} was refused but recorded"
            return
        assert consortium.version == version + 1, f"{command} recorded more than one event"
        self.accepted += 1
        if isinstance(command, Spend):
            assert money(command.cents) <= available, "spent more than was available"

    def budget(self, consortium: Consortium | None = None) -> Recomputed:
        return budget_now(consortium or self.consortium, self.members)

    def _do(self, command: Command) -> Any:
        done = self._act(command)
        if isinstance(done, Contribution):
            self.contributions.append(done)
        elif isinstance(done, Reversal):
            self.reversals[done.contribution_id] = done
        elif isinstance(done, Expenditure):
            self.spent.append(done.amount)

    def _act(self, command: Command) -> Any:
        c, cause = self.consortium, self.cause
        if isinstance(command, Pledge):
            return c.pledge(
                member_id=self.ids[command.member],
                year=command.year,
                amount=money(command.cents),
                reason=command.reason,
                cause=cause(),
            )
        if isinstance(command, Give):
            hours = rate = None
            amount = money(command.cents)
            if not command.cash and command.quarter_hours is not None:
                hours = Decimal(command.quarter_hours) / 4
                rate = money(command.rate_cents)
                amount = Money(value_of_hours(hours, rate).amount + Decimal(command.off_by) / 100)
            return c.log_contribution(
                member_id=self.ids[command.member],
                kind=ContributionKind.CASH if command.cash else ContributionKind.IN_KIND,
                amount=amount,
                on=TODAY - timedelta(days=command.days_back),
                year=command.year,
                hours=hours,
                rate=rate,
                cause=cause(),
            )
        if isinstance(command, Reverse):
            if not self.contributions:  # nothing to reverse yet: refused as not found
                raise ContributionNotFound(uuid4())
            target = self.contributions[command.pick % len(self.contributions)]
            return c.reverse_contribution(
                target,
                earlier=self.reversals.get(target.id),
                reason=command.reason,
                cause=cause(),
            )
        if isinstance(command, Spend):
            return c.record_expenditure(
                amount=money(command.cents),
                on=TODAY - timedelta(days=command.days_back),
                description="Inzet",
                cause=cause(),
            )
        if isinstance(command, ShareCosts):
            members = None if command.members is None else [self.ids[i] for i in command.members]
            weights = None
            if command.key is KeyKind.WEIGHTS:
                chosen = range(MEMBERS) if command.members is None else command.members
                weights = {self.ids[i]: Decimal(command.weights[i]) for i in chosen}
            return c.pledge_cost_shares(
                amount=money(command.cents),
                key=command.key,
                year=command.year,
                member_ids=members,
                weights=weights,
                cause=cause(),
            )
        left = c.member_leaves(self.ids[command.member], reason=None, cause=cause())
        self.members = [left if m.id == left.id else m for m in self.members]
        return left


@settings(max_examples=150, derandomize=True, deadline=None)
@given(st.lists(COMMANDS, min_size=10, max_size=60))
def test_the_budget_after_any_commands_is_what_the_events_say(commands: list[Command]) -> None:
    run = Run()
    for command in commands:
        run.do(command)

    consortium = run.consortium
    events = consortium.collect_events()
    assert len(events) == 5 + run.accepted  # founded, four members admitted, then one each
    assert run.budget() == recompute_from_events(events)
    assert consortium.ledger.available == money_of(run)
    assert run.budget().totals["available"] == str(money_of(run))

    replayed: Consortium | None = None
    facts = Facts()
    for event in events:
        replayed = event.mutate(replayed)
        facts.apply(type(event).__name__, vars(event))
        assert replayed is not None
        assert run.budget(replayed) == facts.recompute(), f"after version {replayed.version}"
    assert replayed is not None
    assert replayed.ledger == consortium.ledger


def money_of(run: Run) -> Money:
    """Cash received minus spent, summed from the ledger's entries rather than its totals."""
    cash = sum(
        (
            c.amount
            for c in run.contributions
            if c.kind is ContributionKind.CASH and c.id not in run.reversals
        ),
        Money.zero(),
    )
    return cash - sum(run.spent, Money.zero())
