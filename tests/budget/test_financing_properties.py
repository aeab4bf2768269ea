"""Whatever the order of the facts, each year's gap is its needs less its pledges (hypothesis,
domain, no I/O).

A consortium that began in 2023 is in its pilot on 2 March 2026; a sequence of commands is
generated: needs per year and purpose (and revisions), pledges in cash and in kind about any
day (and revisions), contributions on any day, members joining on an earlier day; many are
refused by some rule. After running it, per year, needed, pledged (cash, in kind), received and
the gap equal a plain recomputation from the events (:mod:`tests.budget.plan_facts`), and so do
the horizon and whether the financing is at risk; the same holds after every prefix of the
events (the financing as of any moment), and whatever order the commands came in. Facts that
each say something of their own (no revisions) give the same figures in any order.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Final

from hypothesis import given, settings
from hypothesis import strategies as st

from consortium.aggregate import Consortium
from consortium.budget_view import budget_of
from consortium.cause import Cause
from consortium.errors import DomainError
from consortium.figures import NeedCategory
from consortium.members import MemberRole, Sector
from consortium.phases import Phase
from tests.budget.plan_commands import (
    BEGAN,
    COMMANDS,
    DAYS_SINCE_BEGAN,
    LAST_YEAR,
    Command,
    Give,
    Plan,
    Pledge,
    kind,
    money,
)
from tests.budget.plan_facts import PlanFacts, from_events, recomputed, view_years
from tests.budget.support import PM, TODAY
from tests.clock import StepClock


class Run:
    """A consortium of 2023, with a lead and a partner, in its pilot; runs commands on it."""

    def __init__(self) -> None:
        self.clock = StepClock()
        c = Consortium.found(
            name="Zorg op afstand",
            challenge="Thuiszorg",
            description=None,
            start_year=BEGAN,
            cause=self.cause(),
        )
        for party, role, joined_on in (
            ("Gemeente Utrecht", MemberRole.LEAD, date(BEGAN, 1, 10)),
            ("Gemeente Zeist", MemberRole.PARTNER, date(BEGAN, 6, 1)),
        ):
            c.admit_member(
                party=party,
                sector=Sector.MUNICIPALITY,
                role=role,
                joined_on=joined_on,
                cause=self.cause(),
            )
        c.move_to_phase(Phase.PILOT, reason=None, cause=self.cause())
        self.consortium = c
        self.joined = 0

    def cause(self) -> Cause:
        return Cause(actor=PM, request_id="req-hypothesis", at=self.clock())

    def do(self, command: Command) -> None:
        version = self.consortium.version
        try:
            self._act(command)
        except DomainError:
            assert self.consortium.version == version, f"{command} was refused but recorded"

    def _act(self, command: Command) -> Any:
        c = self.consortium
        members = [m.id for m in c.members]
        if isinstance(command, Plan):
            return c.plan_need(
                year=command.year,
                category=command.category,
                amount=money(command.cents),
                reason=command.reason,
                cause=self.cause(),
            )
        if isinstance(command, Pledge):
            return c.pledge(
                member_id=members[command.member % len(members)],
                year=command.year,
                amount=money(command.cents),
                reason=command.reason,
                kind=kind(command.in_kind),
                pledged_on=TODAY - timedelta(days=command.days_back),
                cause=self.cause(),
            )
        if isinstance(command, Give):
            return c.log_contribution(
                member_id=members[command.member % len(members)],
                kind=kind(command.in_kind),
                amount=money(command.cents),
                on=TODAY - timedelta(days=command.days_back),
                year=command.year,
                cause=self.cause(),
            )
        self.joined += 1
        return c.admit_member(
            party=f"Partner {self.joined}",
            sector=Sector.MARKET,
            role=MemberRole.PARTNER,
            joined_on=TODAY - timedelta(days=command.days_back),
            cause=self.cause(),
        )


def run(commands: list[Command]) -> Run:
    done = Run()
    for command in commands:
        done.do(command)
    return done


def status_of(facts: PlanFacts) -> tuple[int | None, bool]:
    """The horizon and whether a consortium in its pilot is at risk by the default watch:
    fewer than two years covered, or a gap next year."""
    horizon = facts.horizon(TODAY.year)
    covered = 0 if horizon is None else horizon - TODAY.year + 1
    next_year = facts.years().get(TODAY.year + 1)
    return horizon, covered < 2 or bool(next_year and next_year.gap)


@settings(max_examples=150, derandomize=True, deadline=None)
@given(st.lists(COMMANDS, min_size=5, max_size=50).flatmap(st.permutations))
def test_each_year_s_gap_is_its_needs_less_its_pledges_as_the_events_say(
    commands: list[Command],
) -> None:
    consortium = run(commands).consortium

    facts = from_events(consortium.collect_events())
    view = budget_of(consortium, today=TODAY)

    assert view_years(view) == recomputed(facts)
    assert view.financing is not None
    assert (view.financing.horizon, view.financing.at_risk) == status_of(facts)


@settings(max_examples=100, derandomize=True, deadline=None)
@given(st.lists(COMMANDS, min_size=5, max_size=40))
def test_the_financing_as_of_every_moment_is_what_was_recorded_by_then(
    commands: list[Command],
) -> None:
    events = run(commands).consortium.collect_events()

    replayed: Consortium | None = None
    facts = PlanFacts()
    for event in events:
        replayed = event.mutate(replayed)
        facts.apply(type(event).__name__, vars(event), event.timestamp.date())
        assert replayed is not None
        view = budget_of(replayed, today=TODAY)
        assert view_years(view) == recomputed(facts), f"as of version {replayed.version}"


# Facts that each say something of their own: one need per year and purpose, one pledge per
# member, year and kind, each valid.
FIRST_PLANS: Final = st.builds(
    Plan,
    st.integers(min_value=BEGAN, max_value=LAST_YEAR),
    st.sampled_from(NeedCategory),
    st.integers(min_value=1, max_value=10_000_000),
    st.none(),
)
FIRST_PLEDGES: Final = st.builds(
    Pledge,
    st.integers(min_value=0, max_value=1),
    st.integers(min_value=BEGAN, max_value=LAST_YEAR),
    st.booleans(),
    st.integers(min_value=1, max_value=10_000_000),
    st.none(),
    st.integers(min_value=0, max_value=DAYS_SINCE_BEGAN - 200),
)


def key(command: Plan | Pledge) -> tuple[Any, ...]:
    if isinstance(command, Plan):
        return ("need", command.year, command.category)
    return ("pledge", command.member, command.year, command.in_kind)


@settings(max_examples=100, derandomize=True, deadline=None)
@given(
    st.lists(st.one_of(FIRST_PLANS, FIRST_PLEDGES), min_size=1, max_size=30, unique_by=key).flatmap(
        lambda facts: st.tuples(st.just(facts), st.permutations(facts))
    )
)
def test_facts_of_their_own_give_the_same_financing_in_any_order(
    orders: tuple[list[Command], list[Command]],
) -> None:
    first, second = (run(order).consortium for order in orders)

    one, other = (view_years(budget_of(c, today=TODAY)) for c in (first, second))

    assert one == other
    assert first.version == second.version == 4 + len(orders[0])  # every fact accepted
