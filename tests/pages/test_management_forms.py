"""A programme manager admits a member and plans a milestone on their pages; others may not."""

from __future__ import annotations

from events.bootstrap import Store
from events.caller import Caller
from tests.pages.conftest import Visitor, text_of
from tests.pages.world import MANAGER, OFFICER, World

MANAGER_CALLER = Caller(actor=MANAGER, request_id="check")


def test_a_programme_manager_admits_a_municipality_with_its_population_typed_the_dutch_way(
    visitor: Visitor, world: World, store: Store
) -> None:
    visitor.log_in(MANAGER)
    answer = visitor.send(
        f"/consortia/{world.consortium_id}/members/new",
        {"party": "Gemeente Zeist", "sector": "municipality", "role": "adopter",
         "population": "66.000", "joined_on": "02-03-2026"},
    )  # fmt: skip
    assert answer.status_code == 302
    members = store.consortia.members(world.consortium_id, MANAGER_CALLER)
    (zeist,) = [m for m in members if m.party == "Gemeente Zeist"]
    assert zeist.population == 66000


def test_a_bad_date_and_a_bad_address_of_a_new_member_are_shown_at_once(
    visitor: Visitor, world: World
) -> None:
    visitor.log_in(MANAGER)

    answer = visitor.send(
        f"/consortia/{world.consortium_id}/members/new",
        {"party": "Gemeente Zeist", "sector": "municipality", "role": "partner",
         "contact_email": "zeist.nl", "joined_on": "31-02-2026"},
    )  # fmt: skip

    page = text_of(answer)
    assert answer.status_code == 422
    assert 'href="#contact_email"' in page
    assert 'href="#joined_on"' in page
    assert "is geen e-mailadres" in page


def test_a_programme_manager_plans_a_milestone_due_on_a_dutch_date(
    visitor: Visitor, world: World, store: Store
) -> None:
    visitor.log_in(MANAGER)
    answer = visitor.send(
        f"/consortia/{world.consortium_id}/milestones/new",
        {"title": "Opschalen naar vijf wijken", "due_date": "01-06-2026", "tranche": "10.000,00",
         "closes_phase": "exploration"},
    )  # fmt: skip
    assert answer.status_code == 302
    page = text_of(visitor.get(f"/consortia/{world.consortium_id}"))
    assert "Opschalen naar vijf wijken" in page
    assert "1 juni 2026" in page


def test_a_milestone_due_in_the_past_is_refused_at_its_date(visitor: Visitor, world: World) -> None:
    visitor.log_in(MANAGER)
    answer = visitor.send(
        f"/consortia/{world.consortium_id}/milestones/new",
        {"title": "Te laat", "due_date": "01-01-2026"},
    )
    assert answer.status_code == 422
    assert 'href="#due_date"' in text_of(answer)


def test_a_representative_may_neither_admit_nor_plan(visitor: Visitor, world: World) -> None:
    visitor.log_in(OFFICER)
    for path in ("members/new", "milestones/new"):
        assert visitor.get(f"/consortia/{world.consortium_id}/{path}").status_code == 403
