"""Tracing a figure of the budget to the events that make it up.

A figure of the budget view (``received`` of a member in a year, ``available`` in total, ...) is
a sum over the ledger's kinds of figure (``cash``, ``committed:in_kind``, ``spent``, ...), each
counted once, added or subtracted. How much each kind counts is read from
:class:`~consortium.figures.Figures` itself (the figure of one euro of that kind), so a trace
follows the budget's own definitions. The events are folded as the aggregate folds them (by
their ``changes``): an amount added (a contribution, a reversal, a spending) is a line of its
own; a pledge or a need replaces the one before it, so only the one in force is a line. The
lines' ``counted`` amounts add up to the figure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, Final
from uuid import UUID

from consortium.errors import InvalidValue
from consortium.figures import Change, Figures
from consortium.money import Money

# The figures of the budget view a trace can explain: every one that is a sum of the ledger's
# kinds. (The gap is not: it is the need minus the pledges, or nothing when they cover it.)
TRACEABLE: Final = (
    "committed",
    "committed_cash",
    "committed_in_kind",
    "received",
    "received_cash",
    "received_in_kind",
    "spent",
    "available",
    "outstanding",
    "outstanding_in_kind",
    "needed",
)
_ONE: Final = Money(Decimal(1))
_ZERO: Final = Money.zero()


@dataclass(frozen=True, slots=True)
class Selection:
    """Which figure: of a member (None: every member and the pool) in a year (None: every
    year)."""

    figure: str
    member_id: UUID | None = None
    year: int | None = None

    def __post_init__(self) -> None:
        if self.figure not in TRACEABLE:
            raise InvalidValue(
                f"{self.figure!r} is not a figure that can be traced; choose one of "
                f"{', '.join(TRACEABLE)}.",
                field="figure",
            )

    def counts(self, change: Change) -> int:
        """How often the change counts towards the figure: 1, -1 or 0 (not at all)."""
        if self.member_id is not None and change.member_id != self.member_id:
            return 0
        if self.year is not None and change.year != self.year:
            return 0
        return sign(self.figure, change.kind)


@cache
def sign(figure: str, kind: str) -> int:
    """How a kind of the ledger counts in a figure of the budget view: 1, -1 or 0."""
    unit: Money = getattr(Figures({kind: _ONE}), figure)
    return int(unit.amount)


@dataclass(frozen=True, slots=True)
class TracedLine:
    """One event's part in a figure: how it changed its kind of the ledger (``amount``: a
    reversal's is below zero) and what it adds to the figure (``counted``)."""

    version: int
    event: str
    occurred_at: datetime
    actor: str
    request_id: str
    about: date | None
    member_id: UUID | None
    year: int
    kind: str
    amount: Money
    counted: Money


@dataclass(frozen=True, slots=True)
class Trace:
    selection: Selection
    lines: tuple[TracedLine, ...]

    @property
    def total(self) -> Money:
        return sum((line.counted for line in self.lines), _ZERO)


def trace(
    events: Iterable[Any],
    selection: Selection,
    about: Callable[[Any], date | None] = lambda _: None,
) -> Trace:
    """The lines of a figure from a consortium's events, oldest first: every event with
    ``changes`` is folded (others are passed over); ``about`` gives an event's day."""
    added: list[TracedLine] = []
    in_force: dict[tuple[UUID | None, int, str], TracedLine] = {}
    for event in events:
        changes = getattr(event, "changes", None)
        if changes is None:
            continue
        for change in changes():
            counts = selection.counts(change)
            if not counts:
                continue
            line = TracedLine(
                version=event.originator_version,
                event=type(event).__name__,
                occurred_at=event.timestamp,
                actor=event.actor,
                request_id=event.request_id,
                about=about(event),
                member_id=change.member_id,
                year=change.year,
                kind=change.kind,
                amount=change.amount,
                counted=change.amount if counts > 0 else -change.amount,
            )
            if change.replaces:
                in_force[change.member_id, change.year, change.kind] = line
            else:
                added.append(line)
    lines = sorted([*added, *in_force.values()], key=lambda line: line.version)
    return Trace(selection, tuple(lines))
