"""The figures a page shows of a budget: rows per year (needed, pledged, received, spent), as a
table and as the chart beside it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from consortium.budget_view import BudgetView
from web.i18n import language
from web.pages.chart import Chart, YearRow, year_chart
from web.pages.dutch import amount_text
from web.schemas.fields import AMSTERDAM


def year_rows(view: BudgetView) -> list[YearRow]:
    needed = {need.year: need.needed.amount for need in view.needs}
    figures = {line.year: line.figures for line in view.years}
    rows = []
    for year in sorted(set(needed) | set(figures)):
        f = figures.get(year)
        rows.append(
            YearRow(
                year,
                needed.get(year, Decimal("0.00")),
                f.committed.amount if f else Decimal("0.00"),
                f.received.amount if f else Decimal("0.00"),
                f.spent.amount if f else Decimal("0.00"),
            )
        )
    return rows


def axis_label(amount: Decimal) -> str:
    """An amount on a chart's axis: whole euros, in the page's language."""
    return amount_text(amount.quantize(Decimal(1)), language())


def chart_of(rows: list[YearRow]) -> Chart:
    return year_chart(rows, axis_label)


def end_of_day(day: date) -> datetime:
    """The last instant of that day in the Netherlands (as the API reads ``as_of=2026-05-01``)."""
    end = datetime.combine(day + timedelta(days=1), time(), AMSTERDAM)
    return (end - timedelta(microseconds=1)).astimezone(UTC)
