"""Reading the financing now, ``as_of`` an instant and ``on`` a day agrees with a plain
recomputation from the recorded events (hypothesis, a real store: SQLite and PostgreSQL).

The commands of :mod:`tests.budget.plan_commands` run through the use cases on a
consortium of 2023, each example its own consortium in one store. Then, per year, needed,
pledged (cash, in kind), received and the gap:

- now (the budget and the financing) are what every event says;
- as of the instant of any event, what the events recorded up to it say;
- on any day, what the facts about a day up to it say (a pledge in force on a day is its
  revision about the latest day up to it), the plan as it stands; and so is the horizon then.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consortium.errors import DomainError
from consortium.members import MemberRole, Sector
from consortium.phases import Phase
from events.bootstrap import Store
from events.caller import Caller
from tests.budget.plan_commands import (
    BEGAN,
    COMMANDS,
    DAYS_SINCE_BEGAN,
    Command,
    Give,
    Plan,
    Pledge,
    kind,
    money,
)
from tests.budget.plan_facts import from_events, recomputed, view_years
from tests.budget.support import TODAY

SLOW_STORE = settings(
    max_examples=40,
    derandomize=True,
    deadline=None,
    # One store for the test, a new consortium per example: nothing carries over.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


class StoreRun:
    """A consortium of 2023 in the store, with a lead and a partner, in its pilot."""

    def __init__(self, store: Store, caller: Caller) -> None:
        self.app = store.consortia
        self.caller = caller
        self.id = self.app.found(
            name="Zorg op afstand",
            challenge="Thuiszorg",
            description=None,
            start_year=BEGAN,
            caller=caller,
        ).id
        self.members = [
            self.app.admit_member(
                self.id,
                party=party,
                sector=Sector.MUNICIPALITY,
                role=role,
                contact_email=None,
                population=None,
                joined_on=joined_on,
                caller=caller,
            ).id
            for party, role, joined_on in (
                ("Gemeente Utrecht", MemberRole.LEAD, date(BEGAN, 1, 10)),
                ("Gemeente Zeist", MemberRole.PARTNER, date(BEGAN, 6, 1)),
            )
        ]
        self.app.move_to_phase(self.id, Phase.PILOT, reason=None, caller=caller)

    def do(self, command: Command) -> None:
        # A refusal records nothing (the domain properties check that); the run goes on.
        with suppress(DomainError):
            self._act(command)

    def _act(self, command: Command) -> Any:
        app, caller = self.app, self.caller
        if isinstance(command, Plan):
            return app.plan_need(
                self.id,
                year=command.year,
                category=command.category,
                amount=money(command.cents),
                reason=command.reason,
                caller=caller,
            )
        if isinstance(command, Pledge):
            return app.pledge(
                self.id,
                member_id=self.members[command.member % len(self.members)],
                year=command.year,
                amount=money(command.cents),
                reason=command.reason,
                kind=kind(command.in_kind),
                pledged_on=TODAY - timedelta(days=command.days_back),
                caller=caller,
            )
        if isinstance(command, Give):
            return app.log_contribution(
                self.id,
                member_id=self.members[command.member % len(self.members)],
                kind=kind(command.in_kind),
                amount=money(command.cents),
                on=TODAY - timedelta(days=command.days_back),
                year=command.year,
                reference=None,
                hours=None,
                rate=None,
                caller=caller,
            )
        member = app.admit_member(
            self.id,
            party=f"Partner {len(self.members)}",
            sector=Sector.MARKET,
            role=MemberRole.PARTNER,
            contact_email=None,
            population=None,
            joined_on=TODAY - timedelta(days=command.days_back),
            caller=caller,
        )
        self.members.append(member.id)
        return member

    def events(self) -> list[Any]:
        return list(self.app.events.get(self.id))


def consortium_after(store: Store, caller: Caller, commands: list[Command]) -> StoreRun:
    run = StoreRun(store, caller)
    for command in commands:
        run.do(command)
    return run


@SLOW_STORE
@given(commands=st.lists(COMMANDS, min_size=5, max_size=30), pick=st.integers(min_value=0))
def test_as_of_any_instant_is_what_was_recorded_by_then(
    store: Store, caller: Caller, commands: list[Command], pick: int
) -> None:
    run = consortium_after(store, caller, commands)
    events = run.events()
    upto = pick % len(events) + 1
    instant = events[upto - 1].timestamp

    now = run.app.budget(run.id, caller)
    financing_now = run.app.financing(run.id, caller).budget
    then = run.app.budget(run.id, caller, as_of=instant)

    assert view_years(now) == view_years(financing_now) == recomputed(from_events(events))
    assert view_years(then) == recomputed(from_events(events[:upto]))


@SLOW_STORE
@given(
    commands=st.lists(COMMANDS, min_size=5, max_size=30),
    days_back=st.integers(min_value=0, max_value=DAYS_SINCE_BEGAN + 5),
)
def test_on_any_day_is_what_was_booked_for_the_days_up_to_it(
    store: Store, caller: Caller, commands: list[Command], days_back: int
) -> None:
    run = consortium_after(store, caller, commands)
    facts = from_events(run.events())
    day = TODAY - timedelta(days=days_back)

    view = run.app.budget_on(run.id, caller, day)

    assert view_years(view) == recomputed(facts, on=day)
    assert view.financing is not None
    assert view.financing.horizon == facts.horizon(day.year, on=day)


# Revisions of few pledges, each about any day: later entries may be about earlier days.
REVISIONS = st.lists(
    st.builds(
        Pledge,
        st.just(0),
        st.sampled_from([2025, 2026]),
        st.booleans(),
        st.integers(min_value=1, max_value=1_000_000),
        st.just("Herzien"),
        st.integers(min_value=0, max_value=DAYS_SINCE_BEGAN),
    ),
    min_size=2,
    max_size=12,
)


@SLOW_STORE
@given(
    commands=REVISIONS,
    days_back=st.integers(min_value=0, max_value=DAYS_SINCE_BEGAN),
)
def test_a_pledge_in_force_on_a_day_is_its_revision_about_the_latest_day_up_to_it(
    store: Store, caller: Caller, commands: list[Command], days_back: int
) -> None:
    run = consortium_after(store, caller, commands)
    facts = from_events(run.events())
    day = TODAY - timedelta(days=days_back)

    on_the_day = run.app.budget_on(run.id, caller, day)
    on_today = run.app.budget_on(run.id, caller, TODAY)

    assert view_years(on_the_day) == recomputed(facts, on=day)
    assert view_years(on_today) == view_years(run.app.budget(run.id, caller))
