"""Evaluating a milestone on its page: an answer to each of the three questions and a decision;
what the decision needs (a new date for a redo) is asked for at its field."""

from __future__ import annotations

import re

from events.bootstrap import Store
from events.caller import Caller
from tests.pages.conftest import Visitor, text_of
from tests.pages.world import MANAGER, OFFICER, World


def _path(world: World) -> str:
    return f"/consortia/{world.consortium_id}/milestones/{world.milestone_id}/evaluation"


def _answers(answer: str = "yes") -> dict[str, str]:
    return {f"answer_{n}": answer for n in range(3)}


def test_the_form_asks_the_three_questions_in_dutch(visitor: Visitor, world: World) -> None:
    visitor.log_in(MANAGER)
    page = text_of(visitor.get(_path(world)))
    assert "Werkt de oplossing echt?" in page
    assert "Kunnen we de volgende stap zetten?" in page
    assert "Is de gedeelde infrastructuur op orde?" in page


def test_a_go_is_recorded_and_releases_the_tranche(
    visitor: Visitor, world: World, store: Store
) -> None:
    visitor.log_in(MANAGER)
    answer = visitor.send(_path(world), {**_answers(), "decision": "go"})
    assert answer.status_code == 302
    consortium = store.consortia.consortium(
        world.consortium_id, Caller(actor=MANAGER, request_id="check")
    )
    assert consortium.milestone(world.milestone_id).is_passed


def test_a_redo_without_a_new_date_is_refused_at_that_field(visitor: Visitor, world: World) -> None:
    visitor.log_in(MANAGER)
    answer = visitor.send(_path(world), {**_answers("partly"), "decision": "redo"})
    assert answer.status_code == 422
    assert 'href="#new_due_date"' in text_of(answer)


def test_an_unanswered_question_is_named_in_the_summary(visitor: Visitor, world: World) -> None:
    visitor.log_in(MANAGER)
    answer = visitor.send(_path(world), {"answer_0": "yes", "decision": "go"})
    assert answer.status_code == 422
    assert 'href="#answer_1-0"' in text_of(answer)


def test_the_summary_lists_the_errors_in_the_order_of_the_page(
    visitor: Visitor, world: World
) -> None:
    visitor.log_in(MANAGER)

    page = text_of(visitor.send(_path(world), {}))

    links = re.findall(r'<li><a class="utrecht-link" href="#([\w-]+)"', page)
    assert links == ["answer_0-0", "answer_1-0", "answer_2-0", "decision-0"]


def test_a_missing_answer_and_missing_conditions_are_shown_at_once(
    visitor: Visitor, world: World
) -> None:
    visitor.log_in(MANAGER)

    page = text_of(
        visitor.send(
            _path(world), {"answer_0": "yes", "answer_1": "yes", "decision": "go_with_conditions"}
        )
    )

    links = re.findall(r'<li><a class="utrecht-link" href="#([\w-]+)"', page)
    assert links == ["answer_2-0", "conditions"]
    assert "Geef de voorwaarden bij deze beslissing." in page


def test_a_new_date_with_a_go_is_refused_at_that_field(visitor: Visitor, world: World) -> None:
    visitor.log_in(MANAGER)

    answer = visitor.send(
        _path(world), {**_answers(), "decision": "go", "new_due_date": "01-06-2026"}
    )

    assert answer.status_code == 422
    assert "Overdoen\u2019 hoort een nieuwe datum" in text_of(answer)


def test_a_representative_may_not_evaluate(visitor: Visitor, world: World) -> None:
    visitor.log_in(OFFICER)
    assert visitor.get(_path(world)).status_code == 403
