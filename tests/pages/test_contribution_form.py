"""Logging a contribution on its page: amounts and dates typed the Dutch way, work in kind as
hours × rate with the amount computed, errors summarised at the top with links to the fields,
and only one's own member to choose."""

from __future__ import annotations

import re
from decimal import Decimal

from events.bootstrap import Store
from events.caller import Caller
from tests.pages.conftest import Visitor, text_of
from tests.pages.world import MANAGER, OFFICER, World


def _form(world: World) -> str:
    return f"/consortia/{world.consortium_id}/contributions/new"


def _received(store: Store, world: World) -> Decimal:
    caller = Caller(actor=MANAGER, request_id="check")
    return store.consortia.budget(world.consortium_id, caller).totals.received.amount


def test_a_representative_may_choose_only_their_own_member(visitor: Visitor, world: World) -> None:
    visitor.log_in(OFFICER)
    page = text_of(visitor.get(_form(world)))
    assert "Gemeente Utrecht" in page
    assert "Universiteit Utrecht" not in page


def test_a_programme_manager_may_choose_every_current_member(
    visitor: Visitor, world: World
) -> None:
    visitor.log_in(MANAGER)
    page = text_of(visitor.get(_form(world)))
    assert "Gemeente Utrecht" in page
    assert "Universiteit Utrecht" in page


def test_cash_typed_the_dutch_way_is_logged(visitor: Visitor, world: World, store: Store) -> None:
    visitor.log_in(OFFICER)
    before = _received(store, world)
    answer = visitor.send(
        _form(world),
        {"member_id": str(world.municipality_id), "kind": "cash", "amount": "1.250,00",
         "date": "02-03-2026", "reference": "F-2"},
    )  # fmt: skip
    assert answer.status_code == 302
    assert _received(store, world) == before + Decimal("1250.00")
    assert "Bijdrage van €\xa01.250,00 vastgelegd voor 2026." in text_of(visitor.get("/me"))


def test_work_in_kind_is_valued_as_hours_times_rate(
    visitor: Visitor, world: World, store: Store
) -> None:
    visitor.log_in(OFFICER)
    before = _received(store, world)
    answer = visitor.send(
        _form(world),
        {"member_id": str(world.municipality_id), "kind": "in_kind", "hours": "12,5",
         "rate": "95,00", "date": "2-3-2026"},
    )  # fmt: skip
    assert answer.status_code == 302
    assert _received(store, world) == before + Decimal("12.5") * Decimal("95.00")


def test_errors_are_summarised_at_the_top_with_links_to_their_fields(
    visitor: Visitor, world: World, store: Store
) -> None:
    visitor.log_in(OFFICER)
    before = _received(store, world)
    answer = visitor.send(
        _form(world),
        {"member_id": str(world.municipality_id), "kind": "cash", "amount": "veel",
         "date": "31-02-2026"},
    )  # fmt: skip
    page = text_of(answer)
    assert answer.status_code == 422
    summary = page[
        page.index('id="error-summary-title"') : page.index('<form method="post" novalidate')
    ]
    assert 'href="#amount"' in summary
    assert "Vul een bedrag in euro in, bijvoorbeeld 1.250,00." in summary
    assert 'href="#date"' in summary
    assert 'aria-invalid="true"' in page
    assert _received(store, world) == before  # nothing stored


def test_a_refusal_of_the_domain_is_shown_at_its_field(
    visitor: Visitor, world: World, store: Store
) -> None:
    visitor.log_in(OFFICER)
    answer = visitor.send(
        _form(world),
        {"member_id": str(world.municipality_id), "kind": "cash", "amount": "10,00",
         "date": "03-03-2027"},
    )  # fmt: skip
    page = text_of(answer)
    assert answer.status_code == 422
    assert 'href="#date">Een bijdrage kan niet na vandaag' in page


def test_a_form_sent_twice_books_once(visitor: Visitor, world: World, store: Store) -> None:
    visitor.log_in(OFFICER)
    page = text_of(visitor.get(_form(world)))
    once = re.search(r'name="once" type="hidden" value="([0-9a-f]{32})"', page)
    assert once is not None
    before = _received(store, world)
    form = {"member_id": str(world.municipality_id), "kind": "cash", "amount": "100,00",
            "date": "02-03-2026", "once": once.group(1)}  # fmt: skip
    first = visitor.send(_form(world), form)
    again = visitor.send(_form(world), form)  # a reload, or the back button and send again
    assert (first.status_code, again.status_code) == (302, 302)
    assert _received(store, world) == before + Decimal("100.00")
    assert "Dit formulier was al verstuurd" in text_of(visitor.get("/me"))
