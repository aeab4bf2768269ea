"""The rules of money in the Consortium aggregate: pledges and their revisions, contributions
in cash and in kind, reversals, spending, and what the budget view makes of them (domain, no
I/O; the consortium of the fixture: Utrecht, Amersfoort, Zeist and a university)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from consortium.aggregate import Consortium
from consortium.budget_view import budget_of
from consortium.cause import Cause
from consortium.errors import (
    AlreadyReversed,
    ConsortiumIsFinished,
    InsufficientFunds,
    InvalidValue,
    MemberNotCurrent,
    NothingToRevise,
)
from consortium.ledger import Contribution, ContributionKind
from consortium.members import Member
from consortium.phases import Phase
from events.replay import project_consortium
from tests.budget.support import (
    FIRST_YEAR,
    LAST_YEAR,
    PM,
    TODAY,
    budget_now,
    euro,
    recompute_from_events,
)

Act = Callable[[], Cause]
CASH = ContributionKind.CASH
IN_KIND = ContributionKind.IN_KIND


def member(consortium: Consortium, n: int) -> Member:
    return consortium.members[n]


def give(
    consortium: Consortium,
    cause: Act,
    amount: str,
    n: int = 0,
    kind: ContributionKind = CASH,
    on: date = TODAY,
    **fields: Any,
) -> Contribution:
    return consortium.log_contribution(
        member_id=member(consortium, n).id,
        kind=kind,
        amount=euro(amount),
        on=on,
        cause=cause(),
        **fields,
    )


def refused_field(error: pytest.ExceptionInfo[InvalidValue]) -> str | None:
    return error.value.field


# -- commitments --------------------------------------------------------------------------------


def test_a_first_pledge_is_revision_one_and_names_who_recorded_it(
    consortium: Consortium, cause: Act
) -> None:
    utrecht = member(consortium, 0)

    commitment = consortium.pledge(
        member_id=utrecht.id, year=2027, amount=euro("25000.00"), reason=None, cause=cause()
    )

    assert (commitment.year, commitment.amount, commitment.revision) == (2027, euro("25000"), 1)
    assert commitment.recorded_by == PM
    assert commitment.reason is None
    assert consortium.ledger.pledge(utrecht.id, 2027) == euro("25000.00")
    assert consortium.ledger.pledge(utrecht.id, 2026) is None


def test_a_revision_is_not_about_a_day_before_the_pledge_it_revises(
    consortium: Consortium, cause: Act
) -> None:
    """The books read on a day take the pledge last made by then; were a revision about an
    earlier day than the pledge it revises, that would not be the last one recorded."""
    utrecht = member(consortium, 0)
    made = TODAY - timedelta(days=10)
    consortium.pledge(
        member_id=utrecht.id,
        year=2027,
        amount=euro("25000.00"),
        reason=None,
        pledged_on=made,
        cause=cause(),
    )
    version = consortium.version

    def revise(on: date) -> Any:
        return consortium.pledge(
            member_id=utrecht.id,
            year=2027,
            amount=euro("20000.00"),
            reason="Bezuiniging",
            pledged_on=on,
            in_force_since=made,
            cause=cause(),
        )

    with pytest.raises(InvalidValue, match=f"before {made}") as earlier:
        revise(made - timedelta(days=1))
    assert (refused_field(earlier), consortium.version) == ("pledged_on", version)
    assert revise(made).revision == 2


def test_a_revision_needs_a_reason_and_keeps_the_history(
    consortium: Consortium, cause: Act
) -> None:
    utrecht = member(consortium, 0)
    consortium.pledge(
        member_id=utrecht.id, year=2027, amount=euro("25000.00"), reason=None, cause=cause()
    )

    with pytest.raises(InvalidValue, match="needs a reason") as without_reason:
        consortium.pledge(
            member_id=utrecht.id, year=2027, amount=euro("20000.00"), reason=None, cause=cause()
        )
    assert refused_field(without_reason) == "reason"
    with pytest.raises(InvalidValue):
        consortium.pledge(
            member_id=utrecht.id, year=2027, amount=euro("20000.00"), reason="  ", cause=cause()
        )

    revised = consortium.pledge(
        member_id=utrecht.id,
        year=2027,
        amount=euro("20000.00"),
        reason="Raadsbesluit begroting",
        cause=cause(),
    )

    assert (revised.revision, str(revised.amount), revised.reason) == (
        2,
        "20000.00",
        "Raadsbesluit begroting",
    )
    assert consortium.ledger.revision_count(utrecht.id, 2027) == 2
    assert consortium.ledger.pledge(utrecht.id, 2027) == euro("20000.00")
    assert budget_of(consortium).totals.committed == euro("20000.00")


def test_revising_to_the_same_amount_is_refused(consortium: Consortium, cause: Act) -> None:
    utrecht = member(consortium, 0)
    consortium.pledge(
        member_id=utrecht.id, year=2027, amount=euro("100.00"), reason=None, cause=cause()
    )

    with pytest.raises(NothingToRevise):
        consortium.pledge(
            member_id=utrecht.id, year=2027, amount=euro("100.00"), reason="Zelfde", cause=cause()
        )


def test_a_pledge_withdrawn_by_revising_it_to_zero_counts_for_nothing(
    consortium: Consortium, cause: Act
) -> None:
    utrecht = member(consortium, 0)
    consortium.pledge(
        member_id=utrecht.id, year=2027, amount=euro("100.00"), reason=None, cause=cause()
    )

    consortium.pledge(
        member_id=utrecht.id, year=2027, amount=euro("0.00"), reason="Ingetrokken", cause=cause()
    )

    view = budget_of(consortium)
    assert view.totals.committed == euro("0.00")
    assert view.last_committed_year is None


@pytest.mark.parametrize("amount", ["0.00", "-1.00", "1000000000000.01"])
def test_a_first_pledge_is_above_zero_and_at_most_ten_to_the_twelfth(
    consortium: Consortium, cause: Act, amount: str
) -> None:
    with pytest.raises(InvalidValue) as refused:
        consortium.pledge(
            member_id=member(consortium, 0).id,
            year=2027,
            amount=euro(amount),
            reason=None,
            cause=cause(),
        )

    assert refused_field(refused) == "amount"


@pytest.mark.parametrize("amount", ["-1.00", "1000000000000.01"])
def test_a_revision_is_not_negative_nor_above_ten_to_the_twelfth(
    consortium: Consortium, cause: Act, amount: str
) -> None:
    utrecht = member(consortium, 0)
    consortium.pledge(
        member_id=utrecht.id, year=2027, amount=euro("100.00"), reason=None, cause=cause()
    )

    with pytest.raises(InvalidValue) as refused:
        consortium.pledge(
            member_id=utrecht.id, year=2027, amount=euro(amount), reason="Anders", cause=cause()
        )

    assert refused_field(refused) == "amount"


@pytest.mark.parametrize(
    ("year", "accepted"),
    [(FIRST_YEAR - 1, False), (FIRST_YEAR, True), (LAST_YEAR, True), (LAST_YEAR + 1, False)],
)
def test_pledges_lie_in_the_budget_years_from_the_start_to_ten_years_ahead(
    consortium: Consortium, cause: Act, year: int, accepted: bool
) -> None:
    def pledge() -> None:
        consortium.pledge(
            member_id=member(consortium, 0).id,
            year=year,
            amount=euro("10.00"),
            reason=None,
            cause=cause(),
        )

    if accepted:
        pledge()
        return
    with pytest.raises(InvalidValue, match=f"{FIRST_YEAR} to {LAST_YEAR}") as refused:
        pledge()
    assert refused_field(refused) == "year"


def test_a_member_who_left_cannot_pledge_but_its_pledges_stay(
    consortium: Consortium, cause: Act
) -> None:
    zeist = member(consortium, 2)
    consortium.pledge(
        member_id=zeist.id, year=2026, amount=euro("5000.00"), reason=None, cause=cause()
    )
    consortium.member_leaves(zeist.id, reason="Uitgetreden", cause=cause())

    # The aggregate keeps its current members only; the store says the member left.
    with pytest.raises(MemberNotCurrent):
        consortium.pledge(
            member_id=zeist.id, year=2027, amount=euro("5000.00"), reason=None, cause=cause()
        )

    left = zeist.leaving(consortium.modified_on, "Uitgetreden")
    rows = {
        row.member.party: row for row in budget_of(consortium, [*consortium.members, left]).members
    }
    assert rows["Gemeente Zeist"].figures.committed == euro("5000.00")
    assert budget_of(consortium).totals.committed == euro("5000.00")


def test_nothing_changes_in_a_finished_consortium(consortium: Consortium, cause: Act) -> None:
    utrecht = member(consortium, 0)
    contribution = give(consortium, cause, "100.00")
    consortium.move_to_phase(Phase.STOPPED, reason="Geen draagvlak", cause=cause())

    with pytest.raises(ConsortiumIsFinished):
        consortium.pledge(
            member_id=utrecht.id, year=2026, amount=euro("1.00"), reason=None, cause=cause()
        )
    with pytest.raises(ConsortiumIsFinished):
        give(consortium, cause, "1.00")
    with pytest.raises(ConsortiumIsFinished):
        consortium.reverse_contribution(contribution, earlier=None, reason="Fout", cause=cause())
    with pytest.raises(ConsortiumIsFinished):
        consortium.record_expenditure(
            amount=euro("1.00"), on=TODAY, description="Inzet", cause=cause()
        )


# -- contributions ------------------------------------------------------------------------------


def test_a_cash_contribution_counts_for_the_year_of_its_date_unless_another_is_given(
    consortium: Consortium, cause: Act
) -> None:
    plain = give(consortium, cause, "1000.00", reference="Factuur 2026-001")
    ahead = give(consortium, cause, "500.00", year=2027)

    assert (plain.year, plain.date, plain.reference) == (2026, TODAY, "Factuur 2026-001")
    assert (plain.logged_by, plain.kind, plain.hours, plain.rate) == (PM, CASH, None, None)
    assert ahead.year == 2027
    years = {y.year: y.figures for y in budget_of(consortium).years}
    assert years[2026].received_cash == euro("1000.00")
    assert years[2027].received_cash == euro("500.00")


@pytest.mark.parametrize(
    ("hours", "rate", "amount"),
    [
        ("12", "85.00", "1020.00"),
        ("1.5", "33.33", "50.00"),  # 49.995 rounds half up
        ("0.25", "0.02", "0.01"),  # 0.005 rounds half up
        ("7.75", "101.10", "783.53"),  # 783.525
    ],
)
def test_work_in_kind_is_valued_at_hours_times_rate_rounded_half_up(
    consortium: Consortium, cause: Act, hours: str, rate: str, amount: str
) -> None:
    logged = give(consortium, cause, amount, kind=IN_KIND, hours=Decimal(hours), rate=euro(rate))

    assert (logged.hours, logged.rate, logged.amount) == (Decimal(hours), euro(rate), euro(amount))
    view = budget_of(consortium)
    assert view.totals.received_in_kind == euro(amount)
    assert view.totals.received_cash == euro("0.00")
    assert view.totals.available == euro("0.00")


def test_an_amount_that_is_not_hours_times_rate_is_refused_naming_the_right_one(
    consortium: Consortium, cause: Act
) -> None:
    with pytest.raises(InvalidValue, match=r"50\.00") as refused:
        give(consortium, cause, "49.99", kind=IN_KIND, hours=Decimal("1.5"), rate=euro("33.33"))

    assert refused_field(refused) == "amount"


def test_work_in_kind_given_as_hours_at_a_rate_needs_no_amount(
    consortium: Consortium, cause: Act
) -> None:
    logged = consortium.log_contribution(
        member_id=member(consortium, 3).id,
        kind=IN_KIND,
        amount=None,
        on=TODAY,
        hours=Decimal(40),
        rate=euro("85.00"),
        cause=cause(),
    )

    assert logged.amount == euro("3400.00")
    assert budget_of(consortium).totals.received_in_kind == euro("3400.00")


@pytest.mark.parametrize(
    ("kind", "fields", "field"),
    [
        (CASH, {}, "amount"),
        (IN_KIND, {}, "amount"),
        (IN_KIND, {"hours": Decimal(40)}, "rate"),
        (IN_KIND, {"rate": euro("85.00")}, "hours"),
    ],
)
def test_without_hours_and_rate_an_amount_is_needed(
    consortium: Consortium, cause: Act, kind: ContributionKind, fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidValue) as refused:
        consortium.log_contribution(
            member_id=member(consortium, 0).id,
            kind=kind,
            amount=None,
            on=TODAY,
            cause=cause(),
            **fields,
        )

    assert refused_field(refused) == field


def test_a_valued_service_in_kind_needs_no_hours(consortium: Consortium, cause: Act) -> None:
    logged = give(consortium, cause, "2500.00", kind=IN_KIND, reference="Zaalhuur")

    assert (logged.kind, logged.hours, logged.rate) == (IN_KIND, None, None)


@pytest.mark.parametrize(
    ("kind", "fields", "field"),
    [
        (CASH, {"hours": Decimal(2)}, "hours"),
        (CASH, {"rate": euro("50.00")}, "rate"),
        (IN_KIND, {"hours": Decimal(2)}, "rate"),
        (IN_KIND, {"rate": euro("50.00")}, "hours"),
        (IN_KIND, {"hours": Decimal(0), "rate": euro("50.00")}, "hours"),
        (IN_KIND, {"hours": Decimal(100_001), "rate": euro("50.00")}, "hours"),
        (IN_KIND, {"hours": Decimal(2), "rate": euro("0.00")}, "rate"),
        (IN_KIND, {"hours": Decimal(2), "rate": euro("-50.00")}, "rate"),
    ],
)
def test_hours_and_rate_go_together_and_only_in_kind(
    consortium: Consortium, cause: Act, kind: ContributionKind, fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidValue) as refused:
        give(consortium, cause, "100.00", kind=kind, **fields)

    assert refused_field(refused) == field


@pytest.mark.parametrize(
    ("on", "year", "field"),
    [
        (TODAY + timedelta(days=1), None, "date"),
        (date(FIRST_YEAR - 1, 12, 31), None, "date"),
        (date(FIRST_YEAR - 1, 12, 31), FIRST_YEAR, "date"),
        (TODAY, FIRST_YEAR - 1, "year"),
        (TODAY, LAST_YEAR + 1, "year"),
    ],
)
def test_a_contribution_is_dated_by_today_in_the_budget_years(
    consortium: Consortium, cause: Act, on: date, year: int | None, field: str
) -> None:
    with pytest.raises(InvalidValue) as refused:
        give(consortium, cause, "100.00", on=on, year=year)

    assert refused_field(refused) == field


@pytest.mark.parametrize("amount", ["0.00", "-5.00", "1000000000000.01"])
def test_a_contribution_is_above_zero_and_at_most_ten_to_the_twelfth(
    consortium: Consortium, cause: Act, amount: str
) -> None:
    with pytest.raises(InvalidValue) as refused:
        give(consortium, cause, amount)

    assert refused_field(refused) == "amount"


def test_a_member_who_left_logs_nothing_more_but_what_it_gave_stays(
    consortium: Consortium, cause: Act
) -> None:
    give(consortium, cause, "750.00", n=1)
    amersfoort = member(consortium, 1)
    consortium.member_leaves(amersfoort.id, reason=None, cause=cause())

    with pytest.raises(MemberNotCurrent):
        consortium.log_contribution(
            member_id=amersfoort.id, kind=CASH, amount=euro("1.00"), on=TODAY, cause=cause()
        )

    assert budget_of(consortium).totals.received_cash == euro("750.00")


def test_the_figures_of_a_member_who_left_are_kept_apart_from_those_of_current_members(
    consortium: Consortium, cause: Act
) -> None:
    give(consortium, cause, "750.00", n=1)
    amersfoort = member(consortium, 1)

    consortium.member_leaves(amersfoort.id, reason=None, cause=cause())

    ledger = consortium.ledger
    assert (amersfoort.id.hex in ledger.cells, amersfoort.id.hex in ledger.former) == (False, True)


def test_a_contribution_of_a_member_who_left_can_still_be_reversed(
    consortium: Consortium, cause: Act
) -> None:
    give(consortium, cause, "750.00", n=1)
    mistake = give(consortium, cause, "250.00", n=1)
    amersfoort = member(consortium, 1)
    consortium.member_leaves(amersfoort.id, reason=None, cause=cause())

    consortium.reverse_contribution(mistake, earlier=None, reason="Dubbel", cause=cause())

    view = budget_of(consortium, members=[*consortium.members, amersfoort])
    (line,) = (line for line in view.members if line.member.id == amersfoort.id)
    assert (
        line.figures.received_cash,
        view.totals.received_cash,
        amersfoort.id.hex in consortium.ledger.cells,
    ) == (euro("750.00"), euro("750.00"), False)


def test_a_replay_keeps_the_figures_of_members_who_left_as_the_consortium_did(
    consortium: Consortium, cause: Act
) -> None:
    mistake = give(consortium, cause, "250.00", n=1)
    consortium.member_leaves(member(consortium, 1).id, reason=None, cause=cause())
    consortium.reverse_contribution(mistake, earlier=None, reason="Dubbel", cause=cause())

    replayed = project_consortium(None, consortium.pending_events)

    assert getattr(replayed, "ledger", None) == consortium.ledger


# -- reversals ----------------------------------------------------------------------------------


def test_a_reversal_points_at_the_contribution_and_takes_it_out_of_the_figures(
    consortium: Consortium, cause: Act
) -> None:
    kept = give(consortium, cause, "300.00")
    mistake = give(consortium, cause, "3000.00")
    in_kind = give(consortium, cause, "120.00", kind=IN_KIND)

    reversal = consortium.reverse_contribution(
        mistake, earlier=None, reason="Dubbel geboekt", cause=cause()
    )
    consortium.reverse_contribution(in_kind, earlier=None, reason="Niet geleverd", cause=cause())

    assert (reversal.contribution_id, reversal.reason, reversal.reversed_by) == (
        mistake.id,
        "Dubbel geboekt",
        PM,
    )
    reversed_event: Any = consortium.collect_events()[-2]
    assert (reversed_event.member_id, reversed_event.kind, reversed_event.amount) == (
        mistake.member_id,
        mistake.kind,
        mistake.amount,
    )
    assert kept.id not in {reversal.contribution_id}
    totals = budget_of(consortium).totals
    assert (totals.received_cash, totals.received_in_kind) == (euro("300.00"), euro("0.00"))


def test_a_contribution_reversed_before_is_not_reversed_again(
    consortium: Consortium, cause: Act
) -> None:
    mistake = give(consortium, cause, "3000.00")
    first = consortium.reverse_contribution(
        mistake, earlier=None, reason="Dubbel geboekt", cause=cause()
    )

    with pytest.raises(AlreadyReversed, match="reversed already"):
        consortium.reverse_contribution(mistake, earlier=first, reason="Nog eens", cause=cause())

    assert budget_of(consortium).totals.received_cash == euro("0.00")


def test_a_reversal_needs_a_reason(consortium: Consortium, cause: Act) -> None:
    contribution = give(consortium, cause, "10.00")

    with pytest.raises(InvalidValue) as refused:
        consortium.reverse_contribution(contribution, earlier=None, reason=" ", cause=cause())
    assert refused_field(refused) == "reason"


# -- expenditures -------------------------------------------------------------------------------


def test_spending_is_refused_beyond_cash_received_minus_spent_naming_what_is_available(
    consortium: Consortium, cause: Act
) -> None:
    utrecht = member(consortium, 0)
    consortium.pledge(
        member_id=utrecht.id, year=2026, amount=euro("90000.00"), reason=None, cause=cause()
    )
    give(consortium, cause, "1000.00")
    give(consortium, cause, "5000.00", kind=IN_KIND)  # in kind is no cash
    consortium.record_expenditure(
        amount=euro("600.00"), on=TODAY, description="Inzet", cause=cause()
    )

    with pytest.raises(InsufficientFunds, match=r"Only 400\.00 euro is available") as refused:
        consortium.record_expenditure(
            amount=euro("400.01"), on=TODAY, description="Inzet", cause=cause()
        )

    assert refused.value.context == {"available": "400.00"}
    spent = consortium.record_expenditure(
        amount=euro("400.00"), on=TODAY, description="Inzet", cause=cause()
    )
    assert (spent.year, spent.recorded_by, spent.milestone_id) == (2026, PM, None)
    assert budget_of(consortium).totals.available == euro("0.00")


def test_a_reversed_cash_contribution_is_no_longer_available(
    consortium: Consortium, cause: Act
) -> None:
    mistake = give(consortium, cause, "1000.00")
    consortium.reverse_contribution(mistake, earlier=None, reason="Teruggestort", cause=cause())

    with pytest.raises(InsufficientFunds):
        consortium.record_expenditure(
            amount=euro("0.01"), on=TODAY, description="Inzet", cause=cause()
        )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount": euro("0.00")}, "amount"),
        ({"amount": euro("-1.00")}, "amount"),
        ({"on": TODAY + timedelta(days=1)}, "date"),
        ({"on": date(FIRST_YEAR - 1, 12, 31)}, "date"),
        ({"description": " "}, "description"),
    ],
)
def test_spending_is_above_zero_dated_by_today_in_the_budget_years_and_described(
    consortium: Consortium, cause: Act, fields: dict[str, Any], field: str
) -> None:
    give(consortium, cause, "1000.00")
    values: dict[str, Any] = {"amount": euro("10.00"), "on": TODAY, "description": "Inzet"}

    with pytest.raises(InvalidValue) as refused:
        consortium.record_expenditure(**{**values, **fields}, cause=cause())

    assert refused_field(refused) == field


def test_a_refused_command_records_nothing(consortium: Consortium, cause: Act) -> None:
    give(consortium, cause, "10.00")
    before = consortium.version

    for refusal in (
        lambda: give(consortium, cause, "0.00"),
        lambda: consortium.record_expenditure(
            amount=euro("10.01"), on=TODAY, description="Inzet", cause=cause()
        ),
        lambda: consortium.pledge(
            member_id=member(consortium, 0).id,
            year=LAST_YEAR + 1,
            amount=euro("1.00"),
            reason=None,
            cause=cause(),
        ),
    ):
        with pytest.raises((InvalidValue, InsufficientFunds)):
            refusal()

    assert consortium.version == before


# -- the budget view ----------------------------------------------------------------------------


def test_the_budget_view_sums_per_year_per_member_and_in_total(
    consortium: Consortium, cause: Act
) -> None:
    utrecht, amersfoort, zeist, university = consortium.members
    for year in (2026, 2027, 2028):
        consortium.pledge(
            member_id=utrecht.id, year=year, amount=euro("30000.00"), reason=None, cause=cause()
        )
        consortium.pledge(
            member_id=amersfoort.id, year=year, amount=euro("12500.50"), reason=None, cause=cause()
        )
    give(consortium, cause, "30000.00", n=0)
    give(consortium, cause, "10000.25", n=1)
    give(consortium, cause, "1700.00", n=3, kind=IN_KIND, hours=Decimal(20), rate=euro("85.00"))
    consortium.record_expenditure(
        amount=euro("15000.00"), on=TODAY, description="Inzet", cause=cause()
    )

    view = budget_of(consortium)

    totals = view.totals
    assert totals.committed == euro("127501.50")
    assert (totals.received_cash, totals.received_in_kind) == (euro("40000.25"), euro("1700.00"))
    assert totals.received == euro("41700.25")
    assert (totals.spent, totals.available) == (euro("15000.00"), euro("25000.25"))
    assert totals.outstanding == euro("87501.25")
    assert [y.year for y in view.years] == [2026, 2027, 2028]
    assert view.years[0].figures.spent == euro("15000.00")
    assert view.years[1].figures.committed == euro("42500.50")
    assert view.last_committed_year == 2028
    rows = {row.member.id: row for row in view.members}
    assert [row.member.id for row in view.members] == [
        utrecht.id,
        amersfoort.id,
        zeist.id,
        university.id,
    ]
    assert rows[amersfoort.id].figures.committed == euro("37501.50")
    assert rows[amersfoort.id].figures.received_cash == euro("10000.25")
    assert [y.year for y in rows[utrecht.id].years] == [2026, 2027, 2028]
    assert rows[zeist.id].years == ()
    assert rows[university.id].figures.received_in_kind == euro("1700.00")
    assert budget_now(consortium) == recompute_from_events(consortium.collect_events())
