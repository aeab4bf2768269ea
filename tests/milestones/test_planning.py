"""Planning a milestone with its validation checkpoint, and re-planning it until it is evaluated
(domain rules, no I/O)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest

from consortium.aggregate import Consortium
from consortium.cause import Cause
from consortium.errors import InvalidValue, NotFound, RuleViolation
from consortium.members import MemberRole, Sector
from consortium.milestones import THREE_QUESTIONS, Decision, Milestone, Question
from consortium.money import Money
from consortium.phases import Phase
from tests.milestones.support import PM, TODAY, yes_to_all

Act = Callable[[], Cause]
IN_A_MONTH = TODAY + timedelta(days=30)


def planned(consortium: Consortium, cause: Act, **fields: Any) -> Milestone:
    given: dict[str, Any] = {"title": "Pilot in twee wijken", "due_date": IN_A_MONTH, **fields}
    return consortium.plan_milestone(**given, cause=cause())


# -- planning -----------------------------------------------------------------------------------


def test_a_checkpoint_asks_the_three_questions_by_default(
    consortium: Consortium, cause: Act
) -> None:
    milestone = planned(consortium, cause)

    assert [q.text for q in milestone.questions] == [
        "Does the solution really work?",
        "Can we take the next step?",
        "Is the shared infrastructure in order?",
    ]


def test_a_consortium_adds_its_own_questions_after_the_three(
    consortium: Consortium, cause: Act
) -> None:
    milestone = planned(consortium, cause, questions=["Zijn de bewoners tevreden?"])

    assert milestone.questions == (*THREE_QUESTIONS, Question("q1", "Zijn de bewoners tevreden?"))


def test_one_of_the_three_questions_given_again_is_asked_once(
    consortium: Consortium, cause: Act
) -> None:
    milestone = planned(consortium, cause, questions=["Does the solution really work?"])

    assert milestone.questions == THREE_QUESTIONS


@pytest.mark.parametrize("given", ["works", "Next_Step", "infrastructure"])
def test_a_question_named_by_one_of_the_threes_keys_is_that_one(
    consortium: Consortium, cause: Act, given: str
) -> None:
    milestone = planned(consortium, cause, questions=[given])

    assert milestone.questions == THREE_QUESTIONS


@pytest.mark.parametrize("given", ["q5", "Q2", "q10"])
def test_a_question_that_reads_like_a_key_is_refused(
    consortium: Consortium, cause: Act, given: str
) -> None:
    with pytest.raises(InvalidValue) as refused:
        planned(consortium, cause, questions=["Zijn de bewoners tevreden?", given])

    assert refused.value.field == "questions"


def test_a_milestone_keeps_what_was_planned(consortium: Consortium, cause: Act) -> None:
    lead = consortium.members[0]

    milestone = planned(
        consortium,
        cause,
        description="Twee wijken, zes maanden",
        tranche=Money(Decimal("50000.00")),
        closes_phase=Phase.EXPLORATION,
        responsible_member_ids=[lead.id],
    )

    assert (
        milestone.title,
        milestone.description,
        milestone.due_date,
        milestone.tranche,
        milestone.closes_phase,
        milestone.responsible_member_ids,
    ) == (
        "Pilot in twee wijken",
        "Twee wijken, zes maanden",
        IN_A_MONTH,
        Money(Decimal("50000.00")),
        Phase.EXPLORATION,
        (lead.id,),
    )


def test_a_milestone_records_who_planned_it(consortium: Consortium, cause: Act) -> None:
    assert planned(consortium, cause).planned_by == PM


def test_a_checkpoint_may_be_due_today(consortium: Consortium, cause: Act) -> None:
    assert planned(consortium, cause, due_date=TODAY).due_date == TODAY


def test_a_checkpoint_cannot_be_due_in_the_past(consortium: Consortium, cause: Act) -> None:
    with pytest.raises(InvalidValue) as refused:
        planned(consortium, cause, due_date=TODAY - timedelta(days=1))

    assert refused.value.field == "due_date"


def test_a_milestone_needs_a_title(consortium: Consortium, cause: Act) -> None:
    with pytest.raises(InvalidValue) as refused:
        planned(consortium, cause, title="   ")

    assert refused.value.field == "title"


def test_a_tranche_is_more_than_zero(consortium: Consortium, cause: Act) -> None:
    with pytest.raises(InvalidValue) as refused:
        planned(consortium, cause, tranche=Money.zero())

    assert refused.value.field == "tranche"


@pytest.mark.parametrize("phase", [Phase.ADOPTION, Phase.CLOSED, Phase.STOPPED])
def test_a_milestone_closes_exploration_pilot_or_scale_up_only(
    consortium: Consortium, cause: Act, phase: Phase
) -> None:
    with pytest.raises(InvalidValue) as refused:
        planned(consortium, cause, closes_phase=phase)

    assert refused.value.field == "closes_phase"


def test_the_responsible_members_are_members(consortium: Consortium, cause: Act) -> None:
    with pytest.raises(InvalidValue) as refused:
        planned(consortium, cause, responsible_member_ids=[uuid4()])

    assert refused.value.field == "responsible_member_ids"


def test_a_member_who_left_cannot_be_responsible(consortium: Consortium, cause: Act) -> None:
    partner = consortium.admit_member(
        party="Zorgtech BV", sector=Sector.MARKET, role=MemberRole.PARTNER, cause=cause()
    )
    consortium.member_leaves(partner.id, reason=None, cause=cause())

    with pytest.raises(InvalidValue) as refused:
        planned(consortium, cause, responsible_member_ids=[partner.id])

    assert refused.value.field == "responsible_member_ids"


def test_a_refused_plan_records_nothing(consortium: Consortium, cause: Act) -> None:
    with pytest.raises(InvalidValue):
        planned(consortium, cause, due_date=TODAY - timedelta(days=1))

    assert consortium.milestones == ()


# -- re-planning --------------------------------------------------------------------------------


def test_a_replan_moves_the_checkpoint_to_the_new_date(consortium: Consortium, cause: Act) -> None:
    milestone = planned(consortium, cause)

    moved, _ = consortium.replan_milestone(
        milestone.id,
        due_date=IN_A_MONTH + timedelta(days=14),
        reason="Zomervakantie",
        cause=cause(),
    )

    assert moved.due_date == IN_A_MONTH + timedelta(days=14)


def test_every_replan_records_its_dates_reason_and_actor(
    consortium: Consortium, cause: Act
) -> None:
    milestone = planned(consortium, cause)
    first, second = IN_A_MONTH + timedelta(days=7), IN_A_MONTH + timedelta(days=21)
    replans = [
        consortium.replan_milestone(milestone.id, due_date=d, reason=r, cause=cause())[1]
        for d, r in ((first, "Zomervakantie"), (second, "Leverancier"))
    ]

    assert [(r.from_date, r.to_date, r.reason, r.replanned_by) for r in replans] == [
        (IN_A_MONTH, first, "Zomervakantie", PM),
        (first, second, "Leverancier", PM),
    ]


def test_a_replan_needs_a_reason(consortium: Consortium, cause: Act) -> None:
    milestone = planned(consortium, cause)

    with pytest.raises(InvalidValue) as refused:
        consortium.replan_milestone(
            milestone.id, due_date=IN_A_MONTH + timedelta(days=1), reason=" ", cause=cause()
        )

    assert refused.value.field == "reason"


def test_a_replan_cannot_move_the_checkpoint_into_the_past(
    consortium: Consortium, cause: Act
) -> None:
    milestone = planned(consortium, cause)

    with pytest.raises(InvalidValue) as refused:
        consortium.replan_milestone(
            milestone.id, due_date=TODAY - timedelta(days=1), reason="Eerder", cause=cause()
        )

    assert refused.value.field == "due_date"


def test_a_replan_to_the_date_it_has_is_refused(consortium: Consortium, cause: Act) -> None:
    milestone = planned(consortium, cause)

    with pytest.raises(RuleViolation):
        consortium.replan_milestone(
            milestone.id, due_date=IN_A_MONTH, reason="Zelfde", cause=cause()
        )


@pytest.mark.parametrize(
    ("decision", "conditions"),
    [(Decision.GO, None), (Decision.GO_WITH_CONDITIONS, "Privacytoets afronden")],
)
def test_an_evaluated_milestone_can_no_longer_be_replanned(
    consortium: Consortium, cause: Act, decision: Decision, conditions: str | None
) -> None:
    milestone = planned(consortium, cause)
    consortium.evaluate_checkpoint(
        milestone.id,
        answers=yes_to_all(milestone),
        decision=decision,
        conditions=conditions,
        cause=cause(),
    )

    with pytest.raises(RuleViolation):
        consortium.replan_milestone(
            milestone.id, due_date=IN_A_MONTH + timedelta(days=1), reason="Later", cause=cause()
        )


def test_a_milestone_told_to_redo_can_still_be_replanned(
    consortium: Consortium, cause: Act
) -> None:
    milestone = planned(consortium, cause)
    redo_date = IN_A_MONTH + timedelta(days=30)
    consortium.evaluate_checkpoint(
        milestone.id,
        answers=yes_to_all(milestone),
        decision=Decision.REDO,
        new_due_date=redo_date,
        cause=cause(),
    )

    _, replan = consortium.replan_milestone(
        milestone.id, due_date=redo_date + timedelta(days=7), reason="Meer tijd", cause=cause()
    )

    assert replan.from_date == redo_date


def test_an_unknown_milestone_is_not_found(consortium: Consortium, cause: Act) -> None:
    with pytest.raises(NotFound):
        consortium.replan_milestone(uuid4(), due_date=IN_A_MONTH, reason="?", cause=cause())
