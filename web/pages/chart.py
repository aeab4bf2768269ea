"""A bar chart per year of needed, pledged, received and spent money, drawn on the server as
SVG geometry (no script, no library): the template draws the rectangles and the same figures
go into a table beside it, which is what a screen reader reads."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_UP, Decimal
from typing import Final

SERIES: Final = ("needed", "pledged", "received", "spent")
WIDTH: Final = 640
HEIGHT: Final = 280
_LEFT: Final = 96  # room for the amounts on the axis
_BOTTOM: Final = 32  # room for the years
_TOP: Final = 12
_TICKS: Final = 4


@dataclass(frozen=True, slots=True)
class YearRow:
    year: int
    needed: Decimal
    pledged: Decimal
    received: Decimal
    spent: Decimal

    def value(self, series: str) -> Decimal:
        amount: Decimal = getattr(self, series)
        return amount


@dataclass(frozen=True, slots=True)
class Bar:
    series: str
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True, slots=True)
class YearGroup:
    year: int
    label_x: float
    bars: tuple[Bar, ...]


@dataclass(frozen=True, slots=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    left: int
    baseline: float
    groups: tuple[YearGroup, ...]
    ticks: tuple[Tick, ...]


def nice_maximum(largest: Decimal) -> Decimal:
    """The top of the axis: the largest amount rounded up to 1, 2, 2.5 or 5 times a power of
    ten, so that the ticks fall on round amounts."""
    if largest <= 0:
        return Decimal(1)
    power = Decimal(10) ** (largest.adjusted())
    for step in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)):
        if largest <= step * power:
            return (step * power).quantize(Decimal(1), rounding=ROUND_UP)
    return 10 * power  # pragma: no cover - the last step always holds


def year_chart(
    rows: Sequence[YearRow],
    amount_label: Callable[[Decimal], str],
    series: Sequence[str] = SERIES,
) -> Chart:
    """The chart's geometry: one group of bars per year (one per series), scaled to the
    largest amount."""
    largest = max((row.value(s) for row in rows for s in series), default=Decimal(0))
    top = nice_maximum(largest)
    plot_height = HEIGHT - _TOP - _BOTTOM
    baseline = float(HEIGHT - _BOTTOM)
    group_width = (WIDTH - _LEFT) / max(len(rows), 1)
    bar_width = group_width * 0.8 / len(series)
    groups = []
    for index, row in enumerate(rows):
        start = _LEFT + index * group_width + group_width * 0.1
        bars = []
        for position, name in enumerate(series):
            value = max(row.value(name), Decimal(0))
            height = float(value / top) * plot_height
            bars.append(
                Bar(
                    name,
                    round(start + position * bar_width, 2),
                    round(baseline - height, 2),
                    round(bar_width, 2),
                    round(height, 2),
                )
            )
        groups.append(YearGroup(row.year, round(start + group_width * 0.4, 2), tuple(bars)))
    ticks = tuple(
        Tick(round(baseline - plot_height * n / _TICKS, 2), amount_label(top * n / _TICKS))
        for n in range(_TICKS + 1)
    )
    return Chart(WIDTH, HEIGHT, _LEFT, baseline, tuple(groups), ticks)
