"""The financing scan's standings from the read model agree with the consortium's own view of
what it needs: without a financing plan, the tranches of its milestones due from this year on
(released once their gate passed, or still to be decided; put off by a redo to their new day)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import partial
from uuid import UUID

from consortium.figures import NeedCategory
from consortium.milestones import AnswerValue, Decision
from consortium.money import Money
from consortium.phases import Phase
from events.bootstrap import Store
from events.caller import Caller
from events.readmodel import financing
from events.readmodel.financing import Standing
from tests.clock import StepClock


def euro(amount: str) -> Money:
    return Money(Decimal(amount))


def standing_of(store: Store, consortium_id: UUID, this_year: int) -> Standing:
    found = store.read.read(partial(financing.standings, this_year=this_year))
    (standing,) = (s for s in found if s.consortium_id == consortium_id)
    return standing


def plan(store: Store, caller: Caller, consortium_id: UUID, due: date, tranche: str) -> UUID:
    return store.consortia.plan_milestone(
        consortium_id,
        title=f"Mijlpaal {due}",
        due_date=due,
        description=None,
        questions=None,
        tranche=euro(tranche),
        closes_phase=None,
        responsible_member_ids=None,
        caller=caller,
    ).id


def decide(
    store: Store, caller: Caller, consortium_id: UUID, milestone_id: UUID, decision: Decision,
    new_due_date: date | None = None,
) -> None:  # fmt: skip
    questions = store.consortia.consortium(consortium_id, caller).milestone(milestone_id).questions
    store.consortia.evaluate_checkpoint(
        consortium_id,
        milestone_id,
        answers=[(q.key, AnswerValue.YES, None) for q in questions],
        decision=decision,
        conditions=None,
        new_due_date=new_due_date,
        clears_conditions_of=None,
        caller=caller,
    )


def in_pilot(store: Store, caller: Caller) -> UUID:
    """A consortium founded and moved on to its pilot: running, so the scan judges it."""
    consortium_id = store.consortia.found(
        name="Langer thuis", challenge="Zorg", description=None, caller=caller
    ).id
    store.consortia.move_to_phase(consortium_id, Phase.PILOT, reason=None, caller=caller)
    return consortium_id


def test_the_standings_tranches_are_the_consortiums_own_needs_without_a_plan(
    store: Store, caller: Caller, clock: StepClock
) -> None:
    this_year = clock.peek().year
    consortium_id = in_pilot(store, caller)
    passed = plan(store, caller, consortium_id, date(this_year + 1, 3, 1), "1000.00")
    plan(store, caller, consortium_id, date(this_year + 1, 9, 1), "2000.00")
    redone = plan(store, caller, consortium_id, date(this_year + 1, 10, 1), "4000.00")
    plan(store, caller, consortium_id, date(this_year + 3, 1, 1), "8000.00")
    decide(store, caller, consortium_id, passed, Decision.GO)
    decide(store, caller, consortium_id, redone, Decision.REDO, date(this_year + 2, 5, 1))

    standing = standing_of(store, consortium_id, this_year)

    expected = store.consortia.consortium(consortium_id, caller).tranches_due_per_year()
    assert standing.tranches == expected
    assert standing.tranches == {
        this_year + 1: euro("3000.00"),
        this_year + 2: euro("4000.00"),
        this_year + 3: euro("8000.00"),
    }
    assert standing_of(store, consortium_id, this_year + 2).tranches == {
        this_year + 2: euro("4000.00"),
        this_year + 3: euro("8000.00"),
    }


def test_a_consortium_with_a_financing_plan_has_no_tranches_in_its_standing(
    store: Store, caller: Caller, clock: StepClock
) -> None:
    this_year = clock.peek().year
    consortium_id = in_pilot(store, caller)
    plan(store, caller, consortium_id, date(this_year + 1, 3, 1), "1000.00")
    store.consortia.plan_need(
        consortium_id,
        year=this_year,
        category=NeedCategory.PILOT,
        amount=euro("500.00"),
        reason=None,
        caller=caller,
    )

    assert standing_of(store, consortium_id, this_year).tranches == {}
