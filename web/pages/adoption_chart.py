"""The adopters of a solution per year as bars, drawn on the server as SVG geometry (no
script); the page's table beside it holds the same figures, which is what a screen reader
reads. The geometry's shapes are those of the budget chart (``web.pages.chart``)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Final

from consortium.catalogue import YearFigure
from web.pages.chart import HEIGHT, WIDTH, Bar, Chart, Tick, YearGroup, nice_maximum

_LEFT: Final = 48
_BOTTOM: Final = 32
_TOP: Final = 12
_TICKS: Final = 4


def adopters_chart(years: Sequence[YearFigure]) -> Chart:
    """One bar per year: the adopters at its end."""
    top = nice_maximum(Decimal(max((y.adopters for y in years), default=0)))
    top = max(top, Decimal(_TICKS))  # whole adopters on every tick
    plot_height = HEIGHT - _TOP - _BOTTOM
    baseline = float(HEIGHT - _BOTTOM)
    group_width = (WIDTH - _LEFT) / max(len(years), 1)
    groups = []
    for index, figure in enumerate(years):
        start = _LEFT + index * group_width + group_width * 0.2
        height = float(Decimal(figure.adopters) / top) * plot_height
        bar = Bar(
            "adopters",
            round(start, 2),
            round(baseline - height, 2),
            round(group_width * 0.6, 2),
            round(height, 2),
        )
        groups.append(YearGroup(figure.year, round(start + group_width * 0.3, 2), (bar,)))
    ticks = tuple(
        Tick(round(baseline - plot_height * n / _TICKS, 2), f"{top * n / _TICKS:g}")
        for n in range(_TICKS + 1)
    )
    return Chart(WIDTH, HEIGHT, _LEFT, baseline, tuple(groups), ticks)
