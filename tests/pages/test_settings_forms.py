"""A programme manager re-plans a milestone, grants a role and sets the reminder policy on
their pages; refusals are shown at their field; others may not."""

from __future__ import annotations

from datetime import date

import pytest

from consortium.access import Role
from events.bootstrap import Store
from events.caller import Caller
from tests.pages.conftest import Visitor, text_of
from tests.pages.world import FUNDER, MANAGER, OFFICER, OUTSIDER, World

MANAGER_CALLER = Caller(actor=MANAGER, request_id="check")


def replan(world: World) -> str:
    return f"/consortia/{world.consortium_id}/milestones/{world.milestone_id}/replan"


def roles(world: World) -> str:
    return f"/consortia/{world.consortium_id}/roles/new"


def policy(world: World) -> str:
    return f"/consortia/{world.consortium_id}/reminder-policy"


def test_a_programme_manager_moves_a_checkpoint_to_a_dutch_date_with_a_reason(
    visitor: Visitor, world: World, store: Store
) -> None:
    visitor.log_in(MANAGER)
    answer = visitor.send(replan(world), {"due_date": "15-12-2026", "reason": "Zaal niet vrij"})

    assert answer.status_code == 302
    consortium = store.consortia.consortium(world.consortium_id, MANAGER_CALLER)
    assert consortium.milestone(world.milestone_id).due_date == date(2026, 12, 15)
    assert "15 december 2026" in text_of(visitor.get(f"/consortia/{world.consortium_id}"))


def test_a_replan_without_a_reason_is_summarised_with_a_link_to_the_field(
    visitor: Visitor, world: World
) -> None:
    visitor.log_in(MANAGER)
    answer = visitor.send(replan(world), {"due_date": "15-12-2026", "reason": ""})

    assert answer.status_code == 422
    assert 'href="#reason"' in text_of(answer)


def test_a_checkpoint_cannot_move_into_the_past(visitor: Visitor, world: World) -> None:
    visitor.log_in(MANAGER)
    answer = visitor.send(replan(world), {"due_date": "01-01-2026", "reason": "Eerder"})

    assert answer.status_code == 422
    assert 'href="#due_date"' in text_of(answer)
    assert "in het verleden" in text_of(answer)


def test_replanning_a_milestone_of_another_consortium_is_not_there(
    visitor: Visitor, world: World
) -> None:
    visitor.log_in(MANAGER)
    other = f"/consortia/{world.other_consortium_id}/milestones/{world.milestone_id}/replan"

    assert visitor.get(other).status_code == 404


def test_a_programme_manager_makes_an_account_representative_of_a_member(
    visitor: Visitor, world: World, store: Store
) -> None:
    visitor.log_in(MANAGER)
    answer = visitor.send(
        roles(world),
        {"account": OUTSIDER, "role": "member_representative",
         "member_id": str(world.university_id)},
    )  # fmt: skip

    assert answer.status_code == 302
    consortium = store.consortia.consortium(world.consortium_id, MANAGER_CALLER)
    assert world.university_id in consortium.represented_members(OUTSIDER)
    assert Role.MEMBER_REPRESENTATIVE in consortium.roles_of(OUTSIDER)


def test_a_representative_without_a_member_is_refused_at_the_member_field(
    visitor: Visitor, world: World
) -> None:
    visitor.log_in(MANAGER)
    answer = visitor.send(
        roles(world), {"account": OUTSIDER, "role": "member_representative", "member_id": ""}
    )

    assert answer.status_code == 422
    assert 'href="#member_id"' in text_of(answer)
    assert "Kies de deelnemer voor wie deze vertegenwoordiger optreedt." in text_of(answer)


def test_a_funder_bound_to_a_member_is_refused_in_words_at_the_member_field(
    visitor: Visitor, world: World
) -> None:
    visitor.log_in(MANAGER)
    answer = visitor.send(
        roles(world),
        {"account": OUTSIDER, "role": "funder", "member_id": str(world.municipality_id)},
    )

    assert answer.status_code == 422
    assert "kies geen deelnemer" in text_of(answer)


def test_a_role_for_an_address_without_an_account_is_refused_at_the_address(
    visitor: Visitor, world: World
) -> None:
    visitor.log_in(MANAGER)
    answer = visitor.send(roles(world), {"account": "niemand@nergens.example", "role": "funder"})

    assert answer.status_code == 422
    assert 'href="#account"' in text_of(answer)


def test_a_role_held_already_is_refused_above_the_form(visitor: Visitor, world: World) -> None:
    visitor.log_in(MANAGER)
    answer = visitor.send(roles(world), {"account": FUNDER, "role": "funder", "member_id": ""})

    assert answer.status_code == 422
    assert "error-summary" in text_of(answer)


def test_a_programme_manager_sets_the_reminder_days_and_escalation(
    visitor: Visitor, world: World, store: Store
) -> None:
    visitor.log_in(MANAGER)
    answer = visitor.send(policy(world), {"offsets": "21, 7 0", "escalate_to_funders": "y"})

    assert answer.status_code == 302
    set_policy = store.consortia.consortium(world.consortium_id, MANAGER_CALLER).reminder_policy
    assert set(set_policy.offsets) == {21, 7, 0}
    assert set_policy.escalate_to_funders is True


def test_the_policy_form_shows_the_policy_in_force(visitor: Visitor, world: World) -> None:
    visitor.log_in(MANAGER)
    visitor.send(policy(world), {"offsets": "10, 1"})

    assert 'value="10, 1"' in text_of(visitor.get(policy(world)))


@pytest.mark.parametrize(("typed", "message"), [("veertien", "hele dagen"), ("90", "tussen 0 en")])
def test_reminder_days_that_are_no_days_are_refused_at_their_field(
    visitor: Visitor, world: World, typed: str, message: str
) -> None:
    visitor.log_in(MANAGER)
    answer = visitor.send(policy(world), {"offsets": typed})

    assert answer.status_code == 422
    assert 'href="#offsets"' in text_of(answer)
    assert message in text_of(answer)


@pytest.mark.parametrize("path", [replan, roles, policy])
def test_a_representative_may_not_open_these_forms(
    visitor: Visitor, world: World, path: object
) -> None:
    visitor.log_in(OFFICER)

    assert visitor.get(path(world)).status_code == 403  # type: ignore[operator]
