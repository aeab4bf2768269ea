"""The financing horizon as a page shows it: from the year judged on, each year's need beside
its pledges and the gap, and a line after the last year fully pledged (the horizon). The
figures and the horizon are the domain's (``consortium.financing``); this only lays them out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from consortium.budget_view import BudgetView
from consortium.financing import year_covers
from web.pages.chart import Chart, YearRow, year_chart

HORIZON_SERIES: Final = ("needed", "pledged")


@dataclass(frozen=True, slots=True)
class HorizonYear:
    year: int
    needed: Decimal
    pledged: Decimal
    gap: Decimal
    covered: bool


@dataclass(frozen=True, slots=True)
class Horizon:
    years: tuple[HorizonYear, ...]
    chart: Chart
    line_x: float  # where the horizon's line is drawn: after its year, or at the start (none)
    horizon: int | None
    at_risk: bool
    reasons: tuple[str, ...]


def horizon_of(
    view: BudgetView, from_year: int, amount_label: Callable[[Decimal], str]
) -> Horizon | None:
    """The years from ``from_year`` on that have a need or a pledge, up to the last of them;
    None when the budget has no financing judgement or nothing lies ahead. A year's need is
    the view's (the plan's, or without a plan the tranches due that year), as judged."""
    status = view.financing
    if status is None:
        return None
    covers = year_covers(
        {line.year: line.figures for line in view.years}, {n.year: n.needed for n in view.needs}
    )
    ahead = [c for c in covers.values() if c.year >= from_year and c.has_need_or_pledge]
    if not ahead:
        return None
    years = [
        HorizonYear(c.year, c.needed.amount, c.pledged.amount, c.gap.amount, c.covered)
        for c in covers.values()
        if from_year <= c.year <= ahead[-1].year
    ]
    chart = year_chart(
        [YearRow(y.year, y.needed, y.pledged, Decimal(0), Decimal(0)) for y in years],
        amount_label,
        HORIZON_SERIES,
    )
    return Horizon(
        tuple(years),
        chart,
        horizon_line_x(chart, status.horizon),
        status.horizon,
        status.at_risk,
        status.reasons,
    )


def horizon_line_x(chart: Chart, horizon: int | None) -> float:
    """Half-way between the horizon year's last bar and the next year's first, or at the left
    edge of the plot when no year is covered."""
    groups = chart.groups
    for index, group in enumerate(groups):
        if group.year != horizon:
            continue
        end = group.bars[-1].x + group.bars[-1].width
        start = groups[index + 1].bars[0].x if index + 1 < len(groups) else float(chart.width)
        return round((end + start) / 2, 2)
    return float(chart.left)
