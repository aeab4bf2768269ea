"""The chart's geometry: bars in proportion to their amounts on one scale, every year a group
of four, the axis on round amounts (no I/O)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from web.pages.chart import SERIES, YearRow, nice_maximum, year_chart

ROWS = [
    YearRow(2026, Decimal("20000"), Decimal("50000"), Decimal("12500"), Decimal("0")),
    YearRow(2027, Decimal("30000"), Decimal("0"), Decimal("0"), Decimal("0")),
]


def test_each_year_is_a_group_of_the_four_series() -> None:
    chart = year_chart(ROWS, str)
    assert [g.year for g in chart.groups] == [2026, 2027]
    assert all(tuple(b.series for b in g.bars) == SERIES for g in chart.groups)


def test_bars_stand_on_the_baseline_in_proportion_to_their_amounts() -> None:
    chart = year_chart(ROWS, str)
    bars = {(g.year, b.series): b for g in chart.groups for b in g.bars}
    pledged, received = bars[2026, "pledged"], bars[2026, "received"]
    assert pledged.y + pledged.height == pytest.approx(chart.baseline)
    assert received.height / pledged.height == pytest.approx(12500 / 50000, rel=1e-3)
    assert bars[2027, "spent"].height == 0


def test_the_largest_bar_stays_within_the_chart() -> None:
    chart = year_chart(ROWS, str)
    assert min(b.y for g in chart.groups for b in g.bars) >= 0


@pytest.mark.parametrize(
    ("largest", "top"),
    [("50000", "50000"), ("12500", "20000"), ("0.5", "1"), ("230", "250"), ("0", "1")],
)
def test_the_axis_ends_on_a_round_amount_at_or_above_the_largest(largest: str, top: str) -> None:
    assert nice_maximum(Decimal(largest)) == Decimal(top)


def test_the_ticks_are_labelled_by_the_function_given() -> None:
    chart = year_chart(ROWS, lambda amount: f"€{amount:.0f}")
    assert [t.label for t in chart.ticks] == ["€0", "€12500", "€25000", "€37500", "€50000"]
