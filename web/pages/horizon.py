"""The financing horizon as a page shows it: from the year judged on, each year's need beside
its pledges and the gap, and a line after the last year fully pledged (the horizon). The
figures and the horizon are the domain's (``consortium.financing``); this only lays them out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from consortium.budget_view import BudgetView
from consortium.money import Money
from web.pages.chart import Chart, YearRow, year_chart

HORIZON_SERIES: Final = ("needed", "pledged")
_ZERO: Final = Money.zero()


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
    needs = {n.year: n.needed for n in view.needs if n.year >= from_year}
    figures = {line.year: line.figures for line in view.years if line.year >= from_year}
    ahead = [y for y in {*needs, *figures} if y in needs or figures[y].has_pledge]
    if not ahead:
        return None
    years = []
    for year in range(from_year, max(ahead) + 1):
        if year not in needs and year not in figures:
            continue
        needed = needs.get(year, _ZERO)
        pledged = figures[year].committed if year in figures else _ZERO
        gap = needed - pledged if needed > pledged else _ZERO
        counts = year in needs or figures[year].has_pledge
        years.append(
            HorizonYear(
                year, needed.amount, pledged.amount, gap.amount, counts and not gap.is_positive
            )
        )
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
