"""The financing plan of a consortium: what each year needs, and whether the pledges cover it.

Joint initiatives die after the pilot when nobody pays for running and spreading a proven
solution. The plan states, per year and purpose (pilot, scale-up, and the structural years
after adoption: running costs, licences, maintenance, support), what is needed; it is revised
with a reason, like a pledge. Needs minus pledges is the year's gap; the horizon is the last
year, counting from this one, up to which every year's need is pledged. A running consortium
whose horizon is too near, or whose next year's gap is too large, is at risk (financiering in
gevaar): how near and how large is its own watch (``FinancingWatch``).

Whether it is at risk is also a fact of its own: a judgement on a given day (the clock comes in
with the cause) records ``FinancingAtRisk`` when the financing falls short and
``FinancingSecured`` when it holds again, once per change, never on a judgement that finds
nothing changed. Days pass without any write (the year rolls over), so the service judges
every running consortium at intervals (``judge_financing``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from consortium import figures
from consortium.cause import Cause
from consortium.errors import InvalidValue, NothingToRevise
from consortium.figures import Figures, NeedCategory
from consortium.ledger import Ledger
from consortium.money import MAX_AMOUNT, Money
from consortium.phases import Phase, check_finished
from consortium.recording import ConsortiumEvent
from consortium.text import MAX_REASON, optional_text

DEFAULT_YEARS_AHEAD: Final = 2
_ZERO: Final = Money.zero()
MAX_YEARS_WATCHED: Final = 10


@dataclass(frozen=True, slots=True)
class Need:
    """One revision of what the plan says a year needs for one purpose."""

    year: int
    category: NeedCategory
    amount: Money
    revision: int
    reason: str | None


@dataclass(frozen=True, slots=True)
class FinancingWatch:
    """When a consortium counts as at risk: its pledges cover fewer than ``years_ahead`` years
    counting from this one, or next year's gap is larger than ``gap_threshold``."""

    years_ahead: int = DEFAULT_YEARS_AHEAD
    gap_threshold: Money = field(default_factory=Money.zero)


@dataclass(frozen=True, slots=True)
class FinancingStatus:
    """Whether the financing holds, on a given day: the horizon and what is wrong, if anything."""

    horizon: int | None  # the last year fully pledged, counting on from this year
    years_covered: int
    next_year_gap: Money
    at_risk: bool
    reasons: tuple[str, ...] = ()


def figures_per_year(ledger: Ledger) -> dict[int, Figures]:
    """The figures of each year, every member (and the plan's needs) together."""
    rows: dict[int, list[tuple[str, Money]]] = defaultdict(list)
    for _, year, kind, amount in ledger.rows():
        rows[year].append((kind, amount))
    return {year: Figures.of_rows(found) for year, found in rows.items()}


def needs_by_year(
    years: Mapping[int, Figures], tranches: Mapping[int, Money] | None = None
) -> dict[int, Money]:
    """What each year needs: the financing plan's needs; a consortium without a plan needs,
    each year, the tranches of its milestones due then (``tranches``: released, or still to be
    decided), as its budget shows them."""
    planned = {year: f.needed for year, f in years.items() if f.has_need}
    return planned or dict(tranches or {})


@dataclass(frozen=True, slots=True)
class YearCover:
    """One year's need beside its pledges: the gap, and whether the year counts as covered
    (it has a need or a pledge, and its need is pledged)."""

    year: int
    needed: Money
    pledged: Money
    has_need_or_pledge: bool

    @property
    def gap(self) -> Money:
        shortfall = self.needed - self.pledged
        return shortfall if shortfall.is_positive else _ZERO

    @property
    def covered(self) -> bool:
        return self.has_need_or_pledge and not self.gap.is_positive


def year_covers(years: Mapping[int, Figures], needs: Mapping[int, Money]) -> dict[int, YearCover]:
    """Each year that has figures or a need (``needs``: see :func:`needs_by_year`), covered
    or not."""
    return {
        year: YearCover(
            year,
            needs.get(year, _ZERO),
            years[year].committed if year in years else _ZERO,
            year in needs or (year in years and years[year].has_pledge),
        )
        for year in sorted({*years, *needs})
    }


def financing_status(
    years: Mapping[int, Figures],
    *,
    today: date,
    watch: FinancingWatch,
    phase: Phase,
    tranches: Mapping[int, Money] | None = None,
) -> FinancingStatus:
    """The one rule for a consortium's financing, used by the budget view and the scan alike.

    A year's need is the plan's, or without a plan the tranches due that year
    (:func:`needs_by_year`). A year counts as covered when it has a need or a pledge and its
    need is pledged (:class:`YearCover`). A consortium still exploring, or finished, is never
    at risk: there is nothing to carry on."""
    covers = year_covers(years, needs_by_year(years, tranches))
    this_year = today.year
    horizon = None
    year = this_year
    while (cover := covers.get(year)) is not None and cover.covered:
        horizon = year
        year += 1
    covered = 0 if horizon is None else horizon - this_year + 1
    next_gap = covers[this_year + 1].gap if this_year + 1 in covers else _ZERO
    reasons: list[str] = []
    if phase not in (Phase.EXPLORATION, Phase.CLOSED, Phase.STOPPED):
        if covered < watch.years_ahead:
            reasons.append(
                f"The pledges cover {covered} {'year' if covered == 1 else 'years'} from "
                f"{this_year}; "
                f"{watch.years_ahead} are needed."
            )
        if next_gap > watch.gap_threshold:
            reasons.append(f"{this_year + 1} lacks {next_gap} euro of what it needs.")
    return FinancingStatus(horizon, covered, next_gap, bool(reasons), tuple(reasons))


class Financing:
    """Mixin of the Consortium aggregate: its financing plan and its watch."""

    _ledger: Ledger
    _phase: Phase
    start_year: int
    # On the class, so snapshots of consortia from before plans existed still read.
    _financing_watch: FinancingWatch = FinancingWatch()
    # The version of the FinancingAtRisk in force, or None: the financing holds (or was never
    # judged). On the class, as the watch, for snapshots from before judgements existed.
    _financing_at_risk_since: int | None = None

    if TYPE_CHECKING:

        def _record(self, event_class: type[Any], cause: Cause, **fields: Any) -> Any: ...
        def _check_year(self, year: int, cause: Cause, field: str = "year") -> None: ...
        def tranches_due_per_year(self) -> dict[int, Money]: ...

    class NeedPlanned(ConsortiumEvent):
        """The plan's need of a year for one purpose, or (revision > 1) its revision."""

        year: int
        category: NeedCategory
        amount: Money
        revision: int
        reason: str | None

        def changes(self) -> list[figures.Change]:
            return [figures.needed(self.year, self.category, self.amount)]

        def apply(self, consortium: Financing) -> None:
            consortium._ledger = consortium._ledger.changed(self.changes())

    class FinancingWatchChanged(ConsortiumEvent):
        years_ahead: int
        gap_threshold: Money

        def apply(self, consortium: Financing) -> None:
            consortium._financing_watch = FinancingWatch(self.years_ahead, self.gap_threshold)

    class FinancingAtRisk(ConsortiumEvent):
        """Judged on that day, the financing falls short: the pledges cover fewer years than
        the watch asks, or next year's gap is above its threshold (the watch as it was then)."""

        judged_on: date
        horizon: int | None
        years_covered: int
        years_ahead: int
        next_year_gap: Money
        gap_threshold: Money

        def apply(self, consortium: Financing) -> None:
            consortium._financing_at_risk_since = self.originator_version

    class FinancingSecured(ConsortiumEvent):
        """Judged on that day, the financing of a consortium at risk holds again."""

        judged_on: date
        horizon: int | None
        years_covered: int
        years_ahead: int
        next_year_gap: Money
        gap_threshold: Money

        def apply(self, consortium: Financing) -> None:
            consortium._financing_at_risk_since = None

    # -- commands -----------------------------------------------------------------------------

    def plan_need(
        self,
        *,
        year: int,
        category: NeedCategory,
        amount: Money,
        reason: str | None,
        cause: Cause,
    ) -> Need:
        """Say what a year needs for a purpose, or revise it (a reason is then needed)."""
        check_finished(self._phase)
        self._check_year(year, cause)
        reason = optional_text(reason, "reason", MAX_REASON)
        if amount.amount < 0:
            raise InvalidValue("A need cannot be negative.", field="amount")
        if amount.amount > MAX_AMOUNT:
            raise InvalidValue(f"The amount may not exceed {MAX_AMOUNT:,.2f} euro.", field="amount")
        current = self._ledger.need(year, category)
        if current is None and not amount.is_positive:
            raise InvalidValue("A first need is more than zero.", field="amount")
        if current is not None:
            if amount == current:
                raise NothingToRevise(
                    f"{year} needs exactly {amount} euro for {category.value} already.",
                    current=str(current),
                )
            if reason is None:
                raise InvalidValue(
                    f"{year} needs {current} euro for {category.value}; a revision needs a reason.",
                    field="reason",
                )
        event = self._record(
            self.NeedPlanned,
            cause,
            year=year,
            category=category,
            amount=amount,
            revision=self._ledger.need_revision_count(year, category) + 1,
            reason=reason,
        )
        return need_of(event)

    def watch_financing(
        self, *, years_ahead: int, gap_threshold: Money, cause: Cause
    ) -> FinancingWatch:
        check_finished(self._phase)
        if isinstance(years_ahead, bool) or not 1 <= years_ahead <= MAX_YEARS_WATCHED:
            raise InvalidValue(
                f"Years ahead lie between 1 and {MAX_YEARS_WATCHED}.", field="years_ahead"
            )
        if gap_threshold.amount < Decimal(0):
            raise InvalidValue("The threshold cannot be negative.", field="gap_threshold")
        self._record(
            self.FinancingWatchChanged,
            cause,
            years_ahead=years_ahead,
            gap_threshold=gap_threshold,
        )
        return self._financing_watch

    def judge_financing(self, cause: Cause) -> FinancingStatus | None:
        """Judge the financing on the day of ``cause``, and record it when that changed whether
        the consortium is at risk; None for a finished consortium (its last judgement stands,
        and it is not shown at risk any more). Judging again without a change records nothing."""
        if self._phase.is_finished:
            return None
        status = self.financing_on(cause.today)
        if status.at_risk == (self._financing_at_risk_since is not None):
            return status
        self._record(
            self.FinancingAtRisk if status.at_risk else self.FinancingSecured,
            cause,
            judged_on=cause.today,
            horizon=status.horizon,
            years_covered=status.years_covered,
            years_ahead=self._financing_watch.years_ahead,
            next_year_gap=status.next_year_gap,
            gap_threshold=self._financing_watch.gap_threshold,
        )
        return status

    # -- queries ------------------------------------------------------------------------------

    def financing_on(self, today: date) -> FinancingStatus:
        """How the financing stands, judged on ``today`` (not recorded)."""
        return financing_status(
            figures_per_year(self._ledger),
            today=today,
            watch=self._financing_watch,
            phase=self._phase,
            tranches=self.tranches_due_per_year(),
        )

    @property
    def financing_at_risk(self) -> bool:
        """At risk by the last judgement recorded; a finished consortium never is."""
        return self._financing_at_risk_since is not None and not self._phase.is_finished

    @property
    def financing_at_risk_since(self) -> int | None:
        """The version of the FinancingAtRisk in force (what its warnings are about)."""
        return self._financing_at_risk_since if self.financing_at_risk else None

    @property
    def financing_watch(self) -> FinancingWatch:
        return self._financing_watch

    @property
    def has_financing_plan(self) -> bool:
        return any(figures.is_need(kind) for _, _, kind, _ in self._ledger.rows())


def need_of(event: Financing.NeedPlanned) -> Need:
    return Need(event.year, event.category, event.amount, event.revision, event.reason)
