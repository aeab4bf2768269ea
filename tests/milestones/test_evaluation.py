"""Evaluating a checkpoint: an answer to every question, then a decision that fits the answers
(domain rules, no I/O)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from consortium.aggregate import Consortium
from consortium.cause import Cause
from consortium.errors import ConsortiumIsFinished, InvalidValue, RuleViolation
from consortium.milestones import AnswerValue, Decision, Evaluation, Milestone
from tests.milestones.support import PM, TODAY, answering, yes_to_all

Act = Callable[[], Cause]
DUE = TODAY + timedelta(days=30)
LATER = DUE + timedelta(days=30)
YES, PARTLY, NO = AnswerValue.YES, AnswerValue.PARTLY, AnswerValue.NO


@pytest.fixture
def milestone(consortium: Consortium, cause: Act) -> Milestone:
    return consortium.plan_milestone(
        title="Pilot in twee wijken",
        due_date=DUE,
        questions=["Zijn de bewoners tevreden?"],
        cause=cause(),
    )


def evaluate(
    consortium: Consortium, milestone: Milestone, cause: Act, **fields: Any
) -> tuple[Milestone, Evaluation]:
    """The milestone after the evaluation, and the evaluation as recorded."""
    given: dict[str, Any] = {"answers": yes_to_all(milestone), "decision": Decision.GO, **fields}
    return consortium.evaluate_checkpoint(milestone.id, **given, cause=cause())


def refusal(consortium: Consortium, milestone: Milestone, cause: Act, **fields: Any) -> str | None:
    """The field an invalid evaluation is refused on; the milestone stays unevaluated."""
    with pytest.raises(InvalidValue) as refused:
        evaluate(consortium, milestone, cause, **fields)
    assert consortium.milestone(milestone.id).evaluation_count == 0
    return refused.value.field


# -- the answers --------------------------------------------------------------------------------


def test_no_decision_without_an_answer_to_every_question(
    consortium: Consortium, milestone: Milestone, cause: Act
) -> None:
    two_of_three = [("works", YES, None), ("next_step", YES, None)]

    assert refusal(consortium, milestone, cause, answers=two_of_three) == "answers"


def test_a_question_of_the_consortium_s_own_needs_an_answer_too(
    consortium: Consortium, milestone: Milestone, cause: Act
) -> None:
    the_three = [(k, YES, None) for k in ("works", "next_step", "infrastructure")]

    assert refusal(consortium, milestone, cause, answers=the_three) == "answers"


def test_a_question_answered_twice_is_refused(
    consortium: Consortium, milestone: Milestone, cause: Act
) -> None:
    twice = [*yes_to_all(milestone), ("works", NO, None)]

    assert refusal(consortium, milestone, cause, answers=twice) == "answers"


def test_an_answer_to_a_question_the_checkpoint_does_not_ask_is_refused(
    consortium: Consortium, milestone: Milestone, cause: Act
) -> None:
    extra = [*yes_to_all(milestone), ("Is het weer mooi?", YES, None)]

    assert refusal(consortium, milestone, cause, answers=extra) == "answers"


def test_a_question_may_be_answered_by_its_text(
    consortium: Consortium, milestone: Milestone, cause: Act
) -> None:
    by_text = [(q.text, YES, None) for q in milestone.questions]

    _, evaluation = evaluate(consortium, milestone, cause, answers=by_text)

    assert [a.question for a in evaluation.answers] == [
        "works",
        "next_step",
        "infrastructure",
        "q1",
    ]


def test_the_evaluation_keeps_each_answer_with_its_note_the_decision_and_the_actor(
    consortium: Consortium, milestone: Milestone, cause: Act
) -> None:
    answers = [
        ("works", YES, "Werkt in beide wijken"),
        ("next_step", PARTLY, "Budget 2027 nog open"),
        ("infrastructure", YES, None),
        ("q1", YES, None),
    ]

    _, evaluation = evaluate(consortium, milestone, cause, answers=answers)

    assert [(a.question, a.answer, a.note) for a in evaluation.answers] == answers
    assert (evaluation.number, evaluation.decision, evaluation.evaluated_by) == (
        1,
        Decision.GO,
        PM,
    )


# -- the decision -------------------------------------------------------------------------------


def test_no_go_when_the_solution_does_not_work(
    consortium: Consortium, milestone: Milestone, cause: Act
) -> None:
    answers = answering(milestone, works=NO)

    assert refusal(consortium, milestone, cause, answers=answers) == "decision"


def test_a_go_when_the_solution_partly_works(
    consortium: Consortium, milestone: Milestone, cause: Act
) -> None:
    evaluated, _ = evaluate(
        consortium, milestone, cause, answers=answering(milestone, works=PARTLY)
    )

    assert evaluated.last_decision is Decision.GO


@pytest.mark.parametrize("conditions", [None, "  "])
def test_a_go_with_conditions_needs_the_conditions(
    consortium: Consortium, milestone: Milestone, cause: Act, conditions: str | None
) -> None:
    field = refusal(
        consortium, milestone, cause, decision=Decision.GO_WITH_CONDITIONS, conditions=conditions
    )

    assert field == "conditions"


def test_a_go_with_conditions_keeps_its_conditions(
    consortium: Consortium, milestone: Milestone, cause: Act
) -> None:
    evaluated, evaluation = evaluate(
        consortium,
        milestone,
        cause,
        decision=Decision.GO_WITH_CONDITIONS,
        conditions="Privacytoets afronden",
    )

    assert evaluation.conditions == "Privacytoets afronden"
    assert evaluated.open_conditions == "Privacytoets afronden"


@pytest.mark.parametrize("decision", [Decision.GO, Decision.STOP])
def test_only_a_go_with_conditions_has_conditions(
    consortium: Consortium, milestone: Milestone, cause: Act, decision: Decision
) -> None:
    field = refusal(consortium, milestone, cause, decision=decision, conditions="Iets")

    assert field == "conditions"


def test_a_redo_needs_a_new_due_date(
    consortium: Consortium, milestone: Milestone, cause: Act
) -> None:
    assert refusal(consortium, milestone, cause, decision=Decision.REDO) == "new_due_date"


@pytest.mark.parametrize("days_from_today", [-1, 0])
def test_the_new_due_date_of_a_redo_lies_after_today(
    consortium: Consortium, milestone: Milestone, cause: Act, days_from_today: int
) -> None:
    new_date = TODAY + timedelta(days=days_from_today)

    field = refusal(consortium, milestone, cause, decision=Decision.REDO, new_due_date=new_date)

    assert field == "new_due_date"


def test_only_a_redo_has_a_new_due_date(
    consortium: Consortium, milestone: Milestone, cause: Act
) -> None:
    assert refusal(consortium, milestone, cause, new_due_date=LATER) == "new_due_date"


def test_a_redo_keeps_the_checkpoint_open_on_its_new_date(
    consortium: Consortium, milestone: Milestone, cause: Act
) -> None:
    redone, _ = evaluate(consortium, milestone, cause, decision=Decision.REDO, new_due_date=LATER)

    assert (redone.is_open, redone.due_date) == (True, LATER)


# -- once, unless redo --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decision", "conditions"),
    [(Decision.GO, None), (Decision.GO_WITH_CONDITIONS, "Privacytoets afronden")],
)
def test_a_milestone_is_evaluated_once(
    consortium: Consortium,
    milestone: Milestone,
    cause: Act,
    decision: Decision,
    conditions: str | None,
) -> None:
    evaluate(consortium, milestone, cause, decision=decision, conditions=conditions)

    with pytest.raises(RuleViolation):
        evaluate(consortium, milestone, cause)


def test_after_a_redo_the_milestone_is_evaluated_again(
    consortium: Consortium, milestone: Milestone, cause: Act
) -> None:
    _, first = evaluate(consortium, milestone, cause, decision=Decision.REDO, new_due_date=LATER)

    again, second = evaluate(consortium, milestone, cause)

    assert [(e.number, e.decision) for e in (first, second)] == [
        (1, Decision.REDO),
        (2, Decision.GO),
    ]
    assert (again.evaluation_count, again.last_decision) == (2, Decision.GO)


def test_nothing_is_evaluated_after_a_stop(
    consortium: Consortium, milestone: Milestone, cause: Act
) -> None:
    other = consortium.plan_milestone(title="Opschaling", due_date=LATER, cause=cause())
    evaluate(consortium, milestone, cause, decision=Decision.STOP)

    with pytest.raises(ConsortiumIsFinished):
        evaluate(consortium, other, cause)


def test_nothing_is_planned_after_a_stop(
    consortium: Consortium, milestone: Milestone, cause: Act
) -> None:
    evaluate(consortium, milestone, cause, decision=Decision.STOP)

    with pytest.raises(ConsortiumIsFinished):
        consortium.plan_milestone(title="Doorstart", due_date=LATER, cause=cause())
