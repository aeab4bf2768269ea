"""Pledging for several years at once: a grid of years by kinds of pledge, amounts typed the
Dutch way, each cell showing the pledge in force; the changed cells are recorded all together
or, when any is refused, none, with each refusal at its cell and linked from the summary."""

from __future__ import annotations

import re
from decimal import Decimal

from consortium.ledger import ContributionKind
from consortium.money import Money
from events.bootstrap import Store
from events.caller import Caller
from tests.pages.conftest import Visitor, text_of
from tests.pages.world import MANAGER, OFFICER, World

MANAGER_CALLER = Caller(actor=MANAGER, request_id="check")


def grid(world: World) -> str:
    return f"/consortia/{world.consortium_id}/commitments/new"


def pledged(
    store: Store, world: World, member: str = "municipality"
) -> dict[tuple[int, str], Decimal]:
    member_id = world.municipality_id if member == "municipality" else world.university_id
    consortium = store.consortia.consortium(world.consortium_id, MANAGER_CALLER)
    found = {}
    for year in range(2026, 2034):
        for kind in ContributionKind:
            amount = consortium.ledger.pledge(member_id, year, kind)
            if amount is not None:
                found[year, kind.value] = amount.amount
    return found


def test_a_representative_pledges_for_several_years_and_kinds_at_once(
    visitor: Visitor, world: World, store: Store
) -> None:
    visitor.log_in(OFFICER)

    answer = visitor.send(
        grid(world), {"pledge_2027_cash": "25.000,00", "pledge_2028_in_kind": "10.000"}
    )

    assert answer.status_code == 302
    assert pledged(store, world) == {
        (2026, "cash"): Decimal("50000.00"),
        (2027, "cash"): Decimal("25000.00"),
        (2028, "in_kind"): Decimal("10000.00"),
    }


def test_each_cell_shows_the_pledge_in_force_the_dutch_way(visitor: Visitor, world: World) -> None:
    visitor.log_in(OFFICER)

    page = text_of(visitor.get(grid(world)))

    assert 'id="pledge_2026_cash"' in page
    assert 'value="50.000,00"' in page
    assert 'id="pledge_2029_in_kind"' in page  # three years ahead at least


def test_a_cell_left_as_it_was_records_nothing(
    visitor: Visitor, world: World, store: Store
) -> None:
    visitor.log_in(OFFICER)

    # The form comes back with 2026 as shown (50.000,00): no revision, so no reason needed.
    answer = visitor.send(grid(world), {"pledge_2026_cash": "50.000,00", "pledge_2027_cash": "1"})

    assert answer.status_code == 302
    consortium = store.consortia.consortium(world.consortium_id, MANAGER_CALLER)
    assert consortium.ledger.revision_count(world.municipality_id, 2026) == 1


def test_a_cell_that_is_no_amount_records_none_of_the_cells(
    visitor: Visitor, world: World, store: Store
) -> None:
    visitor.log_in(OFFICER)

    answer = visitor.send(
        grid(world), {"pledge_2027_cash": "25.000,00", "pledge_2028_cash": "veel"}
    )

    assert answer.status_code == 422
    assert 'href="#pledge_2028_cash"' in text_of(answer)
    assert "2028, Geld: Vul een bedrag in euro in" in text_of(answer)
    assert pledged(store, world) == {(2026, "cash"): Decimal("50000.00")}


def test_a_cell_the_domain_refuses_records_none_of_the_cells(
    visitor: Visitor, world: World, store: Store
) -> None:
    visitor.log_in(OFFICER)

    # 2026 is revised without a reason: refused, and 2027 is not recorded either.
    answer = visitor.send(grid(world), {"pledge_2026_cash": "40.000,00", "pledge_2027_cash": "5"})

    assert answer.status_code == 422
    assert 'href="#reason"' in text_of(answer)
    assert pledged(store, world) == {(2026, "cash"): Decimal("50000.00")}


def test_revisions_with_their_reason_are_recorded(
    visitor: Visitor, world: World, store: Store
) -> None:
    visitor.log_in(OFFICER)

    answer = visitor.send(
        grid(world), {"pledge_2026_cash": "40.000,00", "reason": "Raadsbesluit van maart"}
    )

    assert answer.status_code == 302
    assert pledged(store, world) == {(2026, "cash"): Decimal("40000.00")}


def test_a_grid_without_changes_is_refused_with_a_message(visitor: Visitor, world: World) -> None:
    visitor.log_in(OFFICER)

    answer = visitor.send(grid(world), {})

    assert answer.status_code == 422
    assert "Niets vast te leggen" in text_of(answer)


def test_a_programme_manager_chooses_the_member_to_pledge_for(
    visitor: Visitor, world: World, store: Store
) -> None:
    visitor.log_in(MANAGER)
    chosen = f"{grid(world)}?member_id={world.university_id}"
    assert "Universiteit Utrecht" in text_of(visitor.get(chosen))

    answer = visitor.send(grid(world), {"pledge_2027_in_kind": "7.500,00"}, form_on=chosen)

    assert answer.status_code == 302
    assert pledged(store, world, "university") == {(2027, "in_kind"): Decimal("7500.00")}


def test_a_grid_recorded_after_choosing_another_member_records_nothing_yet(
    visitor: Visitor, world: World, store: Store
) -> None:
    visitor.log_in(MANAGER)  # the grid shows the municipality's pledges first
    chosen = {"chosen_member_id": str(world.university_id), "pledge_2028_cash": "5.000"}

    answer = visitor.send(grid(world), chosen)

    page = text_of(answer)
    assert answer.status_code == 422
    assert pledged(store, world, "university") == {}
    assert pledged(store, world)[2026, "cash"] == Decimal("50000.00")  # and nothing of its own
    assert "Toezeggingen van Universiteit Utrecht per jaar" in page
    # What was typed, now in the chosen member's grid.
    assert re.search(r'<input[^>]*id="pledge_2028_cash"[^>]*value="5\.000"', page)
    assert "Gemeente Utrecht, maar Universiteit Utrecht is gekozen" in page


def test_the_amounts_carried_to_the_member_chosen_are_recorded_for_it(
    visitor: Visitor, world: World, store: Store
) -> None:
    visitor.log_in(MANAGER)
    visitor.send(
        grid(world), {"chosen_member_id": str(world.university_id), "pledge_2028_cash": "5.000"}
    )

    answer = visitor.send(
        grid(world),
        {"chosen_member_id": str(world.university_id), "pledge_2028_cash": "5.000"},
        form_on=f"{grid(world)}?member_id={world.university_id}",
    )

    assert answer.status_code == 302
    assert pledged(store, world, "university") == {(2028, "cash"): Decimal("5000.00")}
    page = text_of(visitor.get(answer.headers["Location"]))
    assert "Toezegging van €\xa05.000,00 van Universiteit Utrecht vastgelegd voor 2028" in page


def test_showing_another_members_pledges_records_nothing_and_drops_what_was_typed(
    visitor: Visitor, world: World, store: Store
) -> None:
    visitor.log_in(MANAGER)

    answer = visitor.send(
        grid(world),
        {"chosen_member_id": str(world.university_id), "show": "1", "pledge_2028_cash": "5.000"},
    )

    page = text_of(answer)
    assert answer.status_code == 200
    assert "Toezeggingen van Universiteit Utrecht per jaar" in page
    assert 'value="5.000"' not in page
    assert pledged(store, world, "university") == {}


def test_revising_a_pledge_in_kind_without_a_reason_is_refused_in_dutch(
    visitor: Visitor, world: World
) -> None:
    visitor.log_in(OFFICER)
    assert visitor.send(grid(world), {"pledge_2027_in_kind": "5.000"}).status_code == 302

    answer = visitor.send(grid(world), {"pledge_2027_in_kind": "6.000"})

    assert answer.status_code == 422
    assert "heeft voor 2027 5.000,00 euro in natura toegezegd" in text_of(answer)


def test_a_grid_sent_twice_is_recorded_once_and_says_so(
    visitor: Visitor, world: World, store: Store
) -> None:
    visitor.log_in(OFFICER)
    form = {**visitor.hidden(grid(world)), "pledge_2027_cash": "25.000,00"}
    form.pop("next", None)  # the language form's

    first = visitor.client.post(grid(world), data=form)
    again = visitor.client.post(grid(world), data=form)

    assert (first.status_code, again.status_code) == (302, 302)
    assert pledged(store, world)[2027, "cash"] == Decimal("25000.00")
    assert "één keer geboekt" in text_of(visitor.get(again.headers["Location"]))


def test_an_amount_carried_past_the_chosen_members_years_is_recorded_too(
    visitor: Visitor, world: World, store: Store
) -> None:
    store.consortia.pledge(
        world.consortium_id,
        member_id=world.municipality_id,
        year=2031,
        amount=Money(Decimal("1000.00")),
        reason=None,
        caller=MANAGER_CALLER,
    )  # fmt: skip  (the municipality's grid now reaches 2031; the university's 2029)
    visitor.log_in(MANAGER)
    typed = {"pledge_2031_cash": "7.000", "pledge_2028_cash": "5.000"}
    carried = visitor.send(grid(world), {"chosen_member_id": str(world.university_id), **typed})
    assert carried.status_code == 422

    answer = visitor.send(
        grid(world),
        {"chosen_member_id": str(world.university_id), **typed},
        form_on=f"{grid(world)}?member_id={world.university_id}",
    )

    assert answer.status_code == 302
    assert pledged(store, world, "university") == {
        (2028, "cash"): Decimal("5000.00"),
        (2031, "cash"): Decimal("7000.00"),
    }


def test_a_cell_emptied_before_choosing_another_member_carries_nothing(
    visitor: Visitor, world: World
) -> None:
    visitor.log_in(MANAGER)  # the municipality pledged 50.000,00 for 2026

    answer = visitor.send(
        grid(world), {"chosen_member_id": str(world.university_id), "pledge_2026_cash": ""}
    )

    assert answer.status_code == 200
    assert "Toezeggingen van Universiteit Utrecht per jaar" in text_of(answer)
