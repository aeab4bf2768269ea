"""Milestones in the budget: spending against a milestone needs its gate passed and stays within
its tranche; the budget view shows tranches planned and released, and the needs per year
(domain rules, no I/O)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest

from consortium.aggregate import Consortium
from consortium.budget_view import BudgetView, budget_of
from consortium.cause import Cause
from consortium.errors import InvalidValue, RuleViolation
from consortium.ledger import ContributionKind
from consortium.milestones import Decision, Milestone
from consortium.money import Money
from tests.milestones.support import TODAY, yes_to_all

Act = Callable[[], Cause]
DUE = TODAY + timedelta(days=30)
NEXT_YEAR = date(TODAY.year + 1, 3, 1)


def euro(amount: str) -> Money:
    return Money(Decimal(amount))


@pytest.fixture
def funded(consortium: Consortium, cause: Act) -> Consortium:
    """The consortium with 100,000 euro cash in the pool, pledged for this year."""
    lead = consortium.members[0]
    consortium.pledge(
        member_id=lead.id, year=TODAY.year, amount=euro("100000.00"), reason=None, cause=cause()
    )
    consortium.log_contribution(
        member_id=lead.id,
        kind=ContributionKind.CASH,
        amount=euro("100000.00"),
        on=TODAY,
        cause=cause(),
    )
    return consortium


def gate(consortium: Consortium, cause: Act, tranche: str | None, due: date = DUE) -> Milestone:
    return consortium.plan_milestone(
        title=f"Poort {len(consortium.milestones) + 1}",
        due_date=due,
        tranche=None if tranche is None else euro(tranche),
        cause=cause(),
    )


def decide(
    consortium: Consortium, milestone: Milestone, cause: Act, decision: Decision, **fields: Any
) -> None:
    consortium.evaluate_checkpoint(
        milestone.id, answers=yes_to_all(milestone), decision=decision, **fields, cause=cause()
    )


def spend(consortium: Consortium, cause: Act, amount: str, milestone: Milestone) -> None:
    consortium.record_expenditure(
        amount=euro(amount),
        on=TODAY,
        description="Inzet projectteam",
        milestone_id=milestone.id,
        cause=cause(),
    )


def tranche_statuses(view: BudgetView) -> list[tuple[str, str, str]]:
    return [(t.title, str(t.amount), t.status) for t in view.tranches]


# -- spending against a milestone ---------------------------------------------------------------


def test_nothing_is_spent_against_a_milestone_whose_gate_is_not_passed(
    funded: Consortium, cause: Act
) -> None:
    milestone = gate(funded, cause, "40000.00")

    with pytest.raises(RuleViolation, match="has not been passed"):
        spend(funded, cause, "1000.00", milestone)


def test_nothing_is_spent_against_a_milestone_told_to_redo(funded: Consortium, cause: Act) -> None:
    milestone = gate(funded, cause, "40000.00")
    decide(funded, milestone, cause, Decision.REDO, new_due_date=DUE + timedelta(days=30))

    with pytest.raises(RuleViolation, match="has not been passed"):
        spend(funded, cause, "1000.00", milestone)


@pytest.mark.parametrize(
    ("decision", "conditions"),
    [(Decision.GO, None), (Decision.GO_WITH_CONDITIONS, "Privacytoets afronden")],
)
def test_a_passed_gate_may_be_spent_against_up_to_its_tranche(
    funded: Consortium, cause: Act, decision: Decision, conditions: str | None
) -> None:
    milestone = gate(funded, cause, "40000.00")
    decide(funded, milestone, cause, decision, conditions=conditions)

    spend(funded, cause, "40000.00", milestone)

    assert funded.spent_against(milestone.id) == euro("40000.00")


def test_spending_beyond_what_is_left_of_the_tranche_is_refused_with_what_is_left(
    funded: Consortium, cause: Act
) -> None:
    milestone = gate(funded, cause, "40000.00")
    decide(funded, milestone, cause, Decision.GO)
    spend(funded, cause, "30000.00", milestone)

    with pytest.raises(RuleViolation) as refused:
        spend(funded, cause, "10000.01", milestone)

    assert refused.value.context == {"available": "10000.00"}


def test_a_passed_gate_without_tranche_is_limited_by_the_cash_only(
    funded: Consortium, cause: Act
) -> None:
    milestone = gate(funded, cause, None)
    decide(funded, milestone, cause, Decision.GO)

    spend(funded, cause, "100000.00", milestone)

    assert funded.ledger.available == Money.zero()


def test_spending_against_an_unknown_milestone_is_an_invalid_milestone_id(
    funded: Consortium, cause: Act
) -> None:
    with pytest.raises(InvalidValue) as refused:
        funded.record_expenditure(
            amount=euro("10.00"), on=TODAY, description="?", milestone_id=uuid4(), cause=cause()
        )

    assert refused.value.field == "milestone_id"


# -- the budget view ----------------------------------------------------------------------------


def test_a_tranche_is_planned_until_its_gate_is_passed(funded: Consortium, cause: Act) -> None:
    gate(funded, cause, "40000.00")

    view = budget_of(funded)

    assert (tranche_statuses(view), view.tranches_planned, view.tranches_released) == (
        [("Poort 1", "40000.00", "planned")],
        euro("40000.00"),
        Money.zero(),
    )


def test_a_tranche_is_released_when_its_gate_is_passed(funded: Consortium, cause: Act) -> None:
    first, _ = gate(funded, cause, "40000.00"), gate(funded, cause, "25000.00")
    decide(funded, first, cause, Decision.GO)

    view = budget_of(funded)

    assert (view.tranches_released, view.tranches_planned) == (
        euro("40000.00"),
        euro("25000.00"),
    )


def test_a_redo_leaves_the_tranche_planned(funded: Consortium, cause: Act) -> None:
    milestone = gate(funded, cause, "40000.00")
    decide(funded, milestone, cause, Decision.REDO, new_due_date=DUE + timedelta(days=30))

    assert tranche_statuses(budget_of(funded)) == [("Poort 1", "40000.00", "planned")]


def test_the_tranche_of_the_gate_the_consortium_stopped_at_is_cancelled(
    funded: Consortium, cause: Act
) -> None:
    milestone = gate(funded, cause, "40000.00")
    decide(funded, milestone, cause, Decision.STOP)

    view = budget_of(funded)

    assert (tranche_statuses(view), view.tranches_planned, view.tranches_released) == (
        [("Poort 1", "40000.00", "cancelled")],
        Money.zero(),
        Money.zero(),
    )


def test_a_tranche_shows_what_was_spent_against_it(funded: Consortium, cause: Act) -> None:
    milestone = gate(funded, cause, "40000.00")
    decide(funded, milestone, cause, Decision.GO)
    spend(funded, cause, "12500.00", milestone)

    assert [t.spent for t in budget_of(funded).tranches] == [euro("12500.00")]


def test_the_horizon_needs_the_tranches_in_the_year_they_are_due(
    funded: Consortium, cause: Act
) -> None:
    gate(funded, cause, "40000.00")
    gate(funded, cause, "25000.00", due=NEXT_YEAR)
    gate(funded, cause, "35000.00", due=NEXT_YEAR)

    needs = budget_of(funded).needs

    assert [(n.year, str(n.committed), str(n.needed), str(n.gap)) for n in needs] == [
        (TODAY.year, "100000.00", "40000.00", "0.00"),
        (TODAY.year + 1, "0.00", "60000.00", "60000.00"),
    ]


def test_a_redo_into_next_year_moves_the_need_to_that_year(funded: Consortium, cause: Act) -> None:
    milestone = gate(funded, cause, "40000.00")
    decide(funded, milestone, cause, Decision.REDO, new_due_date=NEXT_YEAR)

    assert [(n.year, str(n.needed)) for n in budget_of(funded).needs] == [
        (TODAY.year + 1, "40000.00")
    ]


def test_the_tranche_of_a_stopped_gate_is_no_longer_needed(funded: Consortium, cause: Act) -> None:
    milestone = gate(funded, cause, "40000.00")
    decide(funded, milestone, cause, Decision.STOP)

    assert budget_of(funded).needs == ()


def test_after_a_stop_no_tranche_of_the_consortium_is_planned_or_needed_any_more(
    funded: Consortium, cause: Act
) -> None:
    stopped_at = gate(funded, cause, "40000.00")
    gate(funded, cause, "25000.00", due=NEXT_YEAR)
    decide(funded, stopped_at, cause, Decision.STOP)

    view = budget_of(funded)

    assert (view.tranches_planned, view.needs) == (Money.zero(), ())
