"""A plain recomputation of the financing per year from the events, to hold the service's
figures against (domain events or the history the API shows).

It knows nothing of the ledger: it keeps every revision of every need and pledge with the day
it is about and the order it was recorded in, and every contribution with its date, and then
sums. The need of a year and purpose in force is its last revision; the pledge in force is
its last revision, or, for the books as booked up to a day (``on``), its last revision about
a day up to then. What a year lacks (the gap) is its need less its pledges, never below zero;
the horizon is the last year, counting on from this one, whose need is fully pledged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from consortium.budget_view import BudgetView
from consortium.money import Money

ZERO: Final = Decimal("0.00")


@dataclass(frozen=True)
class Year:
    """What a funder reads of one year."""

    needed: Decimal = ZERO
    committed_cash: Decimal = ZERO
    committed_in_kind: Decimal = ZERO
    received: Decimal = ZERO

    @property
    def committed(self) -> Decimal:
        return self.committed_cash + self.committed_in_kind

    @property
    def gap(self) -> Decimal:
        return max(self.needed - self.committed, ZERO)

    def as_json(self) -> dict[str, str]:
        figures = {
            "needed": self.needed,
            "committed": self.committed,
            "committed_cash": self.committed_cash,
            "committed_in_kind": self.committed_in_kind,
            "received": self.received,
            "gap": self.gap,
        }
        return {name: f"{value:.2f}" for name, value in figures.items()}


YEAR_FIGURES: Final = tuple(Year().as_json())


@dataclass
class PlanFacts:
    """The needs, pledges and contributions of a consortium, in the order they were recorded."""

    needs: dict[tuple[int, str], Decimal] = field(default_factory=dict)
    # (member, year, kind) -> every revision: (the day it is about, recorded as nth, amount)
    pledges: dict[tuple[str, int, str], list[tuple[date, int, Decimal]]] = field(
        default_factory=dict
    )
    contributions: dict[str, tuple[int, str, Decimal, date]] = field(default_factory=dict)
    reversed: set[str] = field(default_factory=set)
    recorded: int = 0

    def apply(self, kind: str, data: Mapping[str, Any], recorded_on: date) -> None:
        """One event: its type name, its fields (JSON or domain values), the day recorded."""
        self.recorded += 1
        if kind == "NeedPlanned":
            self.needs[int(data["year"]), _text(data["category"])] = _amount(data["amount"])
        elif kind == "CommitmentPledged":
            key = (str(data["member_id"]), int(data["year"]), _text(data.get("kind") or "cash"))
            day = _day(data.get("pledged_on")) or recorded_on
            self.pledges.setdefault(key, []).append((day, self.recorded, _amount(data["amount"])))
        elif kind == "ContributionLogged":
            self.contributions[str(data["contribution_id"])] = (
                int(data["year"]),
                _text(data["kind"]),
                _amount(data["amount"]),
                _day(data["date"]) or recorded_on,
            )
        elif kind == "ContributionReversed":
            self.reversed.add(str(data["contribution_id"]))

    def years(self, on: date | None = None) -> dict[int, Year]:
        """Every year with a need, a pledge or a contribution; with ``on`` the pledges and
        contributions about a day up to then (the plan as it stands)."""
        needed: dict[int, Decimal] = {}
        for (year, _), amount in self.needs.items():
            needed[year] = needed.get(year, ZERO) + amount
        cash: dict[int, Decimal] = {}
        in_kind: dict[int, Decimal] = {}
        for (_, year, kind), revisions in self.pledges.items():
            made = [r for r in revisions if on is None or r[0] <= on]
            if not made:
                continue
            in_force = made[-1] if on is None else max(made, key=lambda r: (r[0], r[1]))
            target = cash if kind == "cash" else in_kind
            target[year] = target.get(year, ZERO) + in_force[2]
        received: dict[int, Decimal] = {}
        for contribution_id, (year, _, amount, day) in self.contributions.items():
            if contribution_id not in self.reversed and (on is None or day <= on):
                received[year] = received.get(year, ZERO) + amount
        return {
            year: Year(
                needed.get(year, ZERO),
                cash.get(year, ZERO),
                in_kind.get(year, ZERO),
                received.get(year, ZERO),
            )
            for year in sorted({*needed, *cash, *in_kind, *received})
        }

    def horizon(self, this_year: int, on: date | None = None) -> int | None:
        """The last year, from ``this_year`` on, up to which every year has a need or a pledge
        and its need is pledged."""
        years = self.years(on)
        planned = {y for y, _ in self.needs} | {
            y for (_, y, _), revisions in self.pledges.items() if _made(revisions, on)
        }
        horizon = None
        year = this_year
        while year in planned and not years[year].gap:
            horizon = year
            year += 1
        return horizon


def _made(revisions: list[tuple[date, int, Decimal]], on: date | None) -> bool:
    return any(on is None or day <= on for day, _, _ in revisions)


def shown(years: Mapping[int, Mapping[str, str]]) -> dict[int, dict[str, str]]:
    """The years of an answer (or a recomputation) with a figure other than zero, in the
    shape of :meth:`Year.as_json`."""
    return {
        year: {name: row[name] for name in YEAR_FIGURES}
        for year, row in years.items()
        if any(Decimal(row[name]) for name in YEAR_FIGURES)
    }


def recomputed(facts: PlanFacts, on: date | None = None) -> dict[int, dict[str, str]]:
    return shown({year: y.as_json() for year, y in facts.years(on).items()})


def from_events(events: Iterable[Any]) -> PlanFacts:
    """From the aggregate's own events (domain objects)."""
    facts = PlanFacts()
    for event in events:
        facts.apply(type(event).__name__, vars(event), event.timestamp.date())
    return facts


def from_history(entries: Iterable[Mapping[str, Any]], as_of: datetime | None = None) -> PlanFacts:
    """From the history the API shows; with ``as_of`` only what was recorded by then."""
    facts = PlanFacts()
    for e in entries:
        occurred = datetime.fromisoformat(e["occurred_at"])
        if as_of is None or occurred <= as_of:
            facts.apply(e["type"], e["data"], occurred.date())
    return facts


def _amount(value: Any) -> Decimal:
    if isinstance(value, Money):
        return value.amount
    return Decimal(str(value))


def _text(value: Any) -> str:
    return str(getattr(value, "value", value))


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


# -- the service's figures in the same shape ----------------------------------------------------


def view_years(view: BudgetView) -> dict[int, dict[str, str]]:
    """The years of a domain budget view."""
    return shown(
        {y.year: {name: str(getattr(y.figures, name)) for name in YEAR_FIGURES} for y in view.years}
    )


def answered_years(body: Mapping[str, Any]) -> dict[int, dict[str, str]]:
    """The years of a budget or financing answer (JSON)."""
    return shown({y["year"]: y for y in body["years"]})
