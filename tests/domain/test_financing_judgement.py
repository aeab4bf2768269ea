"""Judging a consortium's financing (no I/O): whether it is at risk is recorded as a fact once
per change (FinancingAtRisk, FinancingSecured), never again on a judgement that finds the same,
and judged on the day the cause brings: when the year rolls over, the same pledges may no
longer reach far enough."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from consortium.aggregate import Consortium
from consortium.cause import Cause
from consortium.figures import NeedCategory
from consortium.milestones import AnswerValue, Decision, Milestone
from consortium.money import Money
from consortium.phases import Phase
from tests.domain.support import PM, START, admit, advance_to, found, recorded

SYSTEM = "system:financing"
THIS_YEAR = START.year


def on(year: int, month: int = 6, day: int = 1) -> Cause:
    """The scan's cause, at noon on that day."""
    return Cause(actor=SYSTEM, request_id="scan", at=datetime(year, month, day, 10, tzinfo=UTC))


def euro(amount: int) -> Money:
    return Money(Decimal(amount))


def in_pilot_pledged_through(last_year: int) -> Consortium:
    """A consortium in its pilot whose one member pledged 1000 euro for every year from this
    one through ``last_year`` (and nothing after)."""
    consortium = found()
    member = admit(consortium, "Gemeente Utrecht")
    for year in range(THIS_YEAR, last_year + 1):
        consortium.pledge(
            member_id=member.id,
            year=year,
            amount=euro(1000),
            reason=None,
            cause=Cause(actor=PM, request_id="r", at=START),
        )
    advance_to(consortium, Phase.PILOT)
    recorded(consortium)  # hand out what the set-up recorded
    return consortium


def test_a_consortium_whose_pledges_fall_short_is_recorded_at_risk_with_its_reasons() -> None:
    consortium = in_pilot_pledged_through(THIS_YEAR)

    consortium.judge_financing(on(THIS_YEAR))

    (event,) = recorded(consortium)
    assert isinstance(event, Consortium.FinancingAtRisk)
    assert (event.years_covered, event.years_ahead, event.horizon) == (1, 2, THIS_YEAR)
    assert event.next_year_gap == euro(0)
    assert event.judged_on == on(THIS_YEAR).today
    assert consortium.financing_at_risk
    assert consortium.financing_at_risk_since == event.originator_version


def test_judging_again_without_a_change_records_nothing() -> None:
    consortium = in_pilot_pledged_through(THIS_YEAR)
    consortium.judge_financing(on(THIS_YEAR))
    recorded(consortium)

    consortium.judge_financing(on(THIS_YEAR, 6, 2))
    consortium.judge_financing(on(THIS_YEAR, 7, 1))

    assert recorded(consortium) == []
    assert consortium.financing_at_risk


def test_a_consortium_whose_financing_holds_and_always_held_records_nothing() -> None:
    consortium = in_pilot_pledged_through(THIS_YEAR + 1)

    judged = consortium.judge_financing(on(THIS_YEAR))

    assert judged is not None
    assert not judged.at_risk
    assert recorded(consortium) == []
    assert not consortium.financing_at_risk


def test_the_horizon_shrinks_when_the_year_rolls_over() -> None:
    consortium = in_pilot_pledged_through(THIS_YEAR + 1)
    consortium.judge_financing(on(THIS_YEAR, 12, 31))
    assert recorded(consortium) == []

    consortium.judge_financing(on(THIS_YEAR + 1, 1, 1))

    (event,) = recorded(consortium)
    assert isinstance(event, Consortium.FinancingAtRisk)
    assert (event.years_covered, event.horizon) == (1, THIS_YEAR + 1)


def test_pledges_that_reach_far_enough_again_record_it_secured_once() -> None:
    consortium = in_pilot_pledged_through(THIS_YEAR)
    consortium.judge_financing(on(THIS_YEAR))
    recorded(consortium)
    member = consortium.members[0]
    consortium.pledge(
        member_id=member.id, year=THIS_YEAR + 1, amount=euro(1000), reason=None, cause=on(THIS_YEAR)
    )
    recorded(consortium)

    consortium.judge_financing(on(THIS_YEAR, 6, 2))
    consortium.judge_financing(on(THIS_YEAR, 6, 3))

    (event,) = recorded(consortium)
    assert isinstance(event, Consortium.FinancingSecured)
    assert (event.years_covered, event.horizon) == (2, THIS_YEAR + 1)
    assert not consortium.financing_at_risk
    assert consortium.financing_at_risk_since is None


def test_at_risk_secured_and_at_risk_again_are_three_facts() -> None:
    consortium = in_pilot_pledged_through(THIS_YEAR + 1)
    consortium.judge_financing(on(THIS_YEAR + 1))  # one year left: at risk
    consortium.watch_financing(years_ahead=1, gap_threshold=euro(0), cause=on(THIS_YEAR + 1))
    consortium.judge_financing(on(THIS_YEAR + 1, 6, 2))  # one year is enough now: secured
    consortium.judge_financing(on(THIS_YEAR + 2))  # nothing pledged any more: at risk

    kinds = [
        type(e).__name__
        for e in recorded(consortium)
        if isinstance(e, Consortium.FinancingAtRisk | Consortium.FinancingSecured)
    ]

    assert kinds == ["FinancingAtRisk", "FinancingSecured", "FinancingAtRisk"]


def test_next_years_gap_above_the_threshold_is_a_reason_recorded_with_the_threshold() -> None:
    consortium = in_pilot_pledged_through(THIS_YEAR + 2)
    consortium.plan_need(
        year=THIS_YEAR + 1,
        category=NeedCategory.PILOT,
        amount=euro(5000),
        reason=None,
        cause=on(THIS_YEAR),
    )
    consortium.watch_financing(years_ahead=1, gap_threshold=euro(3000), cause=on(THIS_YEAR))
    recorded(consortium)

    consortium.judge_financing(on(THIS_YEAR))

    (event,) = recorded(consortium)
    assert isinstance(event, Consortium.FinancingAtRisk)
    assert (event.next_year_gap, event.gap_threshold) == (euro(4000), euro(3000))


def test_a_finished_consortium_is_not_judged_and_not_shown_at_risk() -> None:
    consortium = in_pilot_pledged_through(THIS_YEAR)
    consortium.judge_financing(on(THIS_YEAR))
    advance_to(consortium, Phase.STOPPED)
    recorded(consortium)

    judged = consortium.judge_financing(on(THIS_YEAR + 1))

    assert judged is None
    assert recorded(consortium) == []
    assert not consortium.financing_at_risk


def test_an_exploring_consortium_is_never_at_risk() -> None:
    consortium = found()
    recorded(consortium)

    consortium.judge_financing(on(THIS_YEAR))

    assert recorded(consortium) == []
    assert not consortium.financing_at_risk


# -- a consortium without a financing plan needs its tranches ------------------------------------


def with_tranche_next_year(consortium: Consortium, amount: int) -> Milestone:
    """A milestone due next summer whose passed gate releases ``amount`` euro."""
    milestone = consortium.plan_milestone(
        title="Opschalen",
        due_date=date(THIS_YEAR + 1, 6, 1),
        tranche=euro(amount),
        cause=Cause(actor=PM, request_id="r", at=START),
    )
    recorded(consortium)
    return milestone


def test_without_a_plan_next_years_tranche_beyond_its_pledges_puts_it_at_risk() -> None:
    consortium = in_pilot_pledged_through(THIS_YEAR + 1)
    with_tranche_next_year(consortium, 20_000)

    consortium.judge_financing(on(THIS_YEAR))

    (event,) = recorded(consortium)
    assert isinstance(event, Consortium.FinancingAtRisk)
    assert (event.years_covered, event.horizon) == (1, THIS_YEAR)
    assert event.next_year_gap == euro(19_000)


def test_without_a_plan_a_tranche_its_pledges_cover_keeps_it_secured() -> None:
    consortium = in_pilot_pledged_through(THIS_YEAR + 1)
    with_tranche_next_year(consortium, 1_000)

    judged = consortium.judge_financing(on(THIS_YEAR))

    assert judged is not None
    assert (judged.at_risk, judged.years_covered) == (False, 2)
    assert recorded(consortium) == []


def test_a_tranche_put_off_by_a_redo_is_needed_in_the_year_it_is_due_then() -> None:
    consortium = in_pilot_pledged_through(THIS_YEAR + 1)
    milestone = with_tranche_next_year(consortium, 20_000)
    consortium.evaluate_checkpoint(
        milestone.id,
        answers=[(q.key, AnswerValue.PARTLY, "Nog niet") for q in milestone.questions],
        decision=Decision.REDO,
        new_due_date=date(THIS_YEAR + 2, 6, 1),
        cause=Cause(actor=PM, request_id="r", at=START),
    )
    recorded(consortium)

    judged = consortium.judge_financing(on(THIS_YEAR))

    assert judged is not None
    assert (judged.at_risk, judged.years_covered, judged.next_year_gap) == (False, 2, euro(0))
    assert consortium.financing_on(date(THIS_YEAR + 1, 1, 1)).next_year_gap == euro(20_000)


def test_a_financing_plan_replaces_the_tranches_as_the_needs() -> None:
    consortium = in_pilot_pledged_through(THIS_YEAR + 1)
    with_tranche_next_year(consortium, 20_000)
    for year in (THIS_YEAR, THIS_YEAR + 1):
        consortium.plan_need(
            year=year,
            category=NeedCategory.PILOT,
            amount=euro(1000),
            reason=None,
            cause=Cause(actor=PM, request_id="r", at=START),
        )
    recorded(consortium)

    judged = consortium.judge_financing(on(THIS_YEAR))

    assert judged is not None
    assert (judged.at_risk, judged.next_year_gap) == (False, euro(0))
