"""Recording an expenditure and reversing a contribution on their pages: amounts the
Dutch way, the domain's refusals at their fields, and each act only for those who may."""

from __future__ import annotations

from decimal import Decimal

from events.bootstrap import Store
from events.caller import Caller
from events.readmodel.records import ContributionFilter
from tests.pages.conftest import Visitor, text_of
from tests.pages.world import MANAGER, OFFICER, World

MANAGER_CALLER = Caller(actor=MANAGER, request_id="check")


def _totals(store: Store, world: World) -> tuple[Decimal, Decimal, Decimal]:
    totals = store.consortia.budget(world.consortium_id, MANAGER_CALLER).totals
    return totals.committed.amount, totals.received.amount, totals.spent.amount


def test_a_programme_manager_records_an_expenditure(
    visitor: Visitor, world: World, store: Store
) -> None:
    visitor.log_in(MANAGER)
    answer = visitor.send(
        f"/consortia/{world.consortium_id}/expenditures/new",
        {"amount": "2.500,00", "date": "02-03-2026", "description": "Werkplaats",
         "milestone_id": ""},
    )  # fmt: skip
    assert answer.status_code == 302
    assert _totals(store, world)[2] == Decimal("2500.00")


def test_spending_on_a_milestone_before_its_gate_is_refused_in_dutch(
    visitor: Visitor, world: World, store: Store
) -> None:
    visitor.log_in(MANAGER)
    answer = visitor.send(
        f"/consortia/{world.consortium_id}/expenditures/new",
        {"amount": "2.500,00", "date": "02-03-2026", "description": "Werkplaats",
         "milestone_id": str(world.milestone_id)},
    )  # fmt: skip
    assert answer.status_code == 422
    assert "is nog niet gehaald; er kan nog niets op worden besteed" in text_of(answer)
    assert _totals(store, world)[2] == Decimal("0.00")


def test_a_representative_may_not_record_an_expenditure(visitor: Visitor, world: World) -> None:
    visitor.log_in(OFFICER)
    assert visitor.get(f"/consortia/{world.consortium_id}/expenditures/new").status_code == 403


def _first_contribution(store: Store, world: World) -> str:
    page = store.consortia.contributions(
        world.consortium_id, MANAGER_CALLER, ContributionFilter(), start=0, limit=1
    )
    return str(page.items[0].contribution.id)


def test_a_representative_reverses_their_members_contribution(
    visitor: Visitor, world: World, store: Store
) -> None:
    visitor.log_in(OFFICER)
    path = f"/consortia/{world.consortium_id}/contributions/{_first_contribution(store, world)}"
    assert f'href="{path}/reversal"' in text_of(
        visitor.get(f"/consortia/{world.consortium_id}/contributions")
    )
    answer = visitor.send(f"{path}/reversal", {"reason": "Dubbel geboekt"})
    assert answer.status_code == 302
    assert _totals(store, world)[1] == Decimal("0.00")
    assert "Dubbel geboekt" in text_of(visitor.get(answer.headers["Location"]))


def test_a_reversal_without_a_reason_is_refused(
    visitor: Visitor, world: World, store: Store
) -> None:
    visitor.log_in(OFFICER)
    path = f"/consortia/{world.consortium_id}/contributions/{_first_contribution(store, world)}"
    answer = visitor.send(f"{path}/reversal", {"reason": ""})
    assert answer.status_code == 422
    assert _totals(store, world)[1] == Decimal("12500.00")
