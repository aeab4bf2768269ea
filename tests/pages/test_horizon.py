"""The financing horizon on the budget page: each year's need beside its pledges, a line
after the last year fully pledged, and the same figures in a table."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from consortium.figures import NeedCategory
from consortium.money import Money
from events.bootstrap import Store
from events.caller import Caller
from tests.pages.conftest import Visitor, text_of
from tests.pages.world import FUNDER, MANAGER, World
from web.pages.chart import Bar, Chart, YearGroup
from web.pages.horizon import horizon_line_x

MANAGER_CALLER = Caller(actor=MANAGER, request_id="check")


def test_the_budget_page_shows_the_horizon_and_the_gap_after_it(
    visitor: Visitor, world: World, store: Store
) -> None:
    store.consortia.plan_need(
        world.consortium_id, year=2027, category=NeedCategory.RUNNING_COSTS,
        amount=Money(Decimal("30000.00")), reason=None, caller=MANAGER_CALLER,
    )  # fmt: skip
    visitor.log_in(FUNDER)
    page = text_of(visitor.get(f"/consortia/{world.consortium_id}/budget"))

    assert "Financieringshorizon" in page
    assert "tot en met 2026" in page
    assert 'class="chart-horizon"' in page
    row_2027 = page.split('scope="row">2027</th>')[-1].split("</tr>")[0]
    assert row_2027.count("€\xa030.000,00") == 2  # needed, and all of it the gap
    assert "Nee" in row_2027


def test_the_horizons_line_falls_between_its_year_and_the_next() -> None:
    def group(year: int, x: float) -> YearGroup:
        return YearGroup(year, x, (Bar("needed", x, 0, 10, 5), Bar("pledged", x + 10, 0, 10, 5)))

    chart = Chart(300, 100, 50, 80.0, (group(2026, 60), group(2027, 160)), ())

    assert horizon_line_x(chart, 2026) == (80 + 160) / 2
    assert horizon_line_x(chart, 2027) == (180 + 300) / 2
    assert horizon_line_x(chart, None) == 50


def test_without_a_plan_the_horizon_shows_the_tranches_as_the_needs_it_judges(
    visitor: Visitor, world: World, store: Store
) -> None:
    store.consortia.plan_milestone(
        world.consortium_id, title="Opschalen", due_date=date(2027, 6, 1), description=None,
        questions=None, tranche=Money(Decimal("20000.00")), closes_phase=None,
        responsible_member_ids=None, caller=MANAGER_CALLER,
    )  # fmt: skip
    visitor.log_in(FUNDER)
    page = text_of(visitor.get(f"/consortia/{world.consortium_id}/budget"))

    horizon = page.split("Financieringshorizon")[1]
    row_2027 = horizon.split('scope="row">2027</th>')[1].split("</tr>")[0]
    assert row_2027.count("€\xa020.000,00") == 2  # needed, and all of it the gap
    assert "Nee" in row_2027
