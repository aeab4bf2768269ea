"""The financing plan and its judgement, in the domain (no I/O): needs per year and purpose,
revised with a reason; the gap and the horizon; when a consortium counts as at risk."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from consortium.aggregate import Consortium
from consortium.budget_view import budget_of
from consortium.cause import Cause
from consortium.errors import InvalidValue, NothingToRevise
from consortium.figures import ContributionKind, Figures, NeedCategory, committed, need
from consortium.financing import FinancingStatus, FinancingWatch, financing_status
from consortium.money import Money
from consortium.phases import Phase
from tests.budget.support import TODAY, euro

Act = Callable[[], Cause]
THIS_YEAR = TODAY.year
PILOT, RUNNING = NeedCategory.PILOT, NeedCategory.RUNNING_COSTS


def year(needed: str = "0.00", pledged: str = "0.00") -> Figures:
    amounts = {}
    if Decimal(needed):
        amounts[need(PILOT)] = euro(needed)
    if Decimal(pledged):
        amounts[committed(ContributionKind.CASH)] = euro(pledged)
    return Figures(amounts)


def status(
    years: dict[int, Figures],
    watch: FinancingWatch | None = None,
    phase: Phase = Phase.PILOT,
    tranches: dict[int, Money] | None = None,
) -> FinancingStatus:
    return financing_status(
        years, today=TODAY, watch=watch or FinancingWatch(), phase=phase, tranches=tranches
    )


# -- the rule ------------------------------------------------------------------------------------


def test_the_horizon_is_the_last_year_fully_pledged_counting_on_from_this_one() -> None:
    years = {
        THIS_YEAR: year("100.00", "100.00"),
        THIS_YEAR + 1: year("100.00", "150.00"),
        THIS_YEAR + 2: year("100.00", "99.99"),
        THIS_YEAR + 3: year("100.00", "100.00"),
    }

    judged = status(years)

    assert (judged.horizon, judged.years_covered) == (THIS_YEAR + 1, 2)


def test_a_consortium_whose_pledges_cover_fewer_years_than_its_watch_is_at_risk() -> None:
    years = {THIS_YEAR: year("100.00", "100.00"), THIS_YEAR + 1: year("100.00")}

    judged = status(years, FinancingWatch(years_ahead=2, gap_threshold=Money(Decimal(500))))

    assert judged.at_risk
    assert judged.reasons == (f"The pledges cover 1 year from {THIS_YEAR}; 2 are needed.",)


def test_next_years_gap_above_the_threshold_puts_a_consortium_at_risk() -> None:
    years = {THIS_YEAR: year("100.00", "100.00"), THIS_YEAR + 1: year("900.00", "300.00")}

    below = status(years, FinancingWatch(years_ahead=1, gap_threshold=Money(Decimal(600))))
    above = status(years, FinancingWatch(years_ahead=1, gap_threshold=Money(Decimal(599))))

    assert (below.at_risk, above.at_risk) == (False, True)
    assert above.next_year_gap == euro("600.00")


@pytest.mark.parametrize("phase", [Phase.EXPLORATION, Phase.CLOSED, Phase.STOPPED])
def test_a_consortium_exploring_or_finished_is_never_at_risk(phase: Phase) -> None:
    assert not status({}, phase=phase).at_risk


def test_a_running_consortium_without_any_pledge_is_at_risk() -> None:
    assert status({}).at_risk


def test_without_a_plan_the_tranches_due_are_the_needs_the_horizon_counts() -> None:
    years = {THIS_YEAR: year(pledged="100.00"), THIS_YEAR + 1: year(pledged="1.00")}

    judged = status(years, tranches={THIS_YEAR + 1: euro("20000.00")})

    assert (judged.horizon, judged.years_covered) == (THIS_YEAR, 1)
    assert judged.next_year_gap == euro("19999.00")
    assert judged.reasons[-1] == f"{THIS_YEAR + 1} lacks 19999.00 euro of what it needs."


def test_a_year_whose_tranche_nobody_pledged_ends_the_horizon() -> None:
    years = {THIS_YEAR: year(pledged="100.00"), THIS_YEAR + 2: year(pledged="500.00")}

    judged = status(years, tranches={THIS_YEAR + 1: euro("300.00")})

    assert (judged.horizon, judged.next_year_gap) == (THIS_YEAR, euro("300.00"))


def test_the_plans_needs_and_not_the_tranches_count_once_there_is_a_plan() -> None:
    years = {THIS_YEAR: year("100.00", "100.00"), THIS_YEAR + 1: year("100.00", "100.00")}

    judged = status(years, tranches={THIS_YEAR + 1: euro("20000.00")})

    assert (judged.years_covered, judged.next_year_gap, judged.at_risk) == (2, euro("0.00"), False)


# -- the plan ------------------------------------------------------------------------------------


def plan(consortium: Consortium, cause: Act, year: int, amount: str, **fields: object) -> None:
    consortium.plan_need(
        year=year,
        category=fields.pop("category", PILOT),  # type: ignore[arg-type]
        amount=euro(amount),
        reason=fields.pop("reason", None),  # type: ignore[arg-type]
        cause=cause(),
    )


def test_the_plan_gives_each_year_its_need_and_its_gap(consortium: Consortium, cause: Act) -> None:
    utrecht = consortium.members[0]
    plan(consortium, cause, THIS_YEAR, "50000.00")
    plan(consortium, cause, THIS_YEAR + 1, "20000.00", category=RUNNING)
    plan(consortium, cause, THIS_YEAR + 1, "5000.00", category=NeedCategory.LICENCES)
    consortium.pledge(
        member_id=utrecht.id, year=THIS_YEAR, amount=euro("50000.00"), reason=None, cause=cause()
    )
    consortium.pledge(
        member_id=utrecht.id,
        year=THIS_YEAR + 1,
        amount=euro("15000.00"),
        reason=None,
        cause=cause(),
    )

    view = budget_of(consortium, today=TODAY)
    years = {y.year: y.figures for y in view.years}

    assert (years[THIS_YEAR + 1].needed, years[THIS_YEAR + 1].gap) == (
        euro("25000.00"),
        euro("10000.00"),
    )
    assert years[THIS_YEAR + 1].needed_for(RUNNING) == euro("20000.00")
    assert view.needs_from == "plan"
    assert [(n.year, n.needed, n.gap) for n in view.needs] == [
        (THIS_YEAR, euro("50000.00"), euro("0.00")),
        (THIS_YEAR + 1, euro("25000.00"), euro("10000.00")),
    ]
    assert view.financing is not None
    assert view.financing.horizon == THIS_YEAR


def test_a_need_is_revised_with_a_reason_and_never_to_the_same_amount(
    consortium: Consortium, cause: Act
) -> None:
    plan(consortium, cause, THIS_YEAR + 1, "20000.00")

    with pytest.raises(InvalidValue) as without_reason:
        plan(consortium, cause, THIS_YEAR + 1, "25000.00")
    with pytest.raises(NothingToRevise):
        plan(consortium, cause, THIS_YEAR + 1, "20000.00", reason="Hetzelfde")
    plan(consortium, cause, THIS_YEAR + 1, "25000.00", reason="Hogere licentiekosten")

    assert without_reason.value.field == "reason"
    assert consortium.ledger.need(THIS_YEAR + 1, PILOT) == euro("25000.00")
    assert consortium.ledger.need_revision_count(THIS_YEAR + 1, PILOT) == 2


@pytest.mark.parametrize(
    ("year_offset", "amount", "field"),
    [(0, "-1.00", "amount"), (0, "0.00", "amount"), (-1, "10.00", "year"), (11, "10.00", "year")],
)
def test_a_need_that_can_never_be_right_is_refused_on_its_field(
    consortium: Consortium, cause: Act, year_offset: int, amount: str, field: str
) -> None:
    version = consortium.version

    with pytest.raises(InvalidValue) as refused:
        plan(consortium, cause, THIS_YEAR + year_offset, amount)

    assert refused.value.field == field
    assert consortium.version == version


def test_without_a_plan_the_needs_are_the_tranches_due_each_year(
    consortium: Consortium, cause: Act
) -> None:
    consortium.plan_milestone(
        title="Pilot", due_date=date(THIS_YEAR, 12, 1), tranche=euro("8000.00"), cause=cause()
    )

    view = budget_of(consortium, today=TODAY)

    assert view.needs_from == "tranches"
    assert [(n.year, n.needed) for n in view.needs] == [(THIS_YEAR, euro("8000.00"))]


def test_the_budgets_horizon_counts_the_tranches_it_shows_as_needs(
    consortium: Consortium, cause: Act
) -> None:
    utrecht = consortium.members[0]
    for pledged_year in (THIS_YEAR, THIS_YEAR + 1):
        consortium.pledge(
            member_id=utrecht.id,
            year=pledged_year,
            amount=euro("500.00"),
            reason=None,
            cause=cause(),
        )
    consortium.plan_milestone(
        title="Opschalen",
        due_date=date(THIS_YEAR + 1, 6, 1),
        tranche=euro("20000.00"),
        cause=cause(),
    )

    view = budget_of(consortium, today=TODAY)

    assert [(n.year, n.needed, n.gap) for n in view.needs] == [
        (THIS_YEAR + 1, euro("20000.00"), euro("19500.00"))
    ]
    assert view.financing is not None
    assert (view.financing.horizon, view.financing.next_year_gap) == (
        THIS_YEAR,
        euro("19500.00"),
    )


def test_the_watch_is_bounded(consortium: Consortium, cause: Act) -> None:
    for years_ahead, threshold, field in (
        (0, "0.00", "years_ahead"),
        (2, "-1.00", "gap_threshold"),
    ):
        with pytest.raises(InvalidValue) as refused:
            consortium.watch_financing(
                years_ahead=years_ahead, gap_threshold=euro(threshold), cause=cause()
            )
        assert refused.value.field == field

    watch = consortium.watch_financing(years_ahead=3, gap_threshold=euro("1000.00"), cause=cause())

    assert watch == FinancingWatch(3, euro("1000.00"))
