"""The reminder policy as a table: which reminder a checkpoint is due for on a given day, and
when the next one comes. Pure functions: no store, no clock, no I/O."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

import pytest

from consortium.reminder_policy import DueReminder, due_reminder, next_reminder_date
from consortium.reminders import DEFAULT_OFFSETS, ReminderPolicy

DUE: Final = date(2026, 6, 15)


def days_before(n: int) -> date:
    return DUE - timedelta(days=n)


def overdue_day(n: int) -> date:
    return DUE + timedelta(days=n)


# -- before the due date, by the default offsets 14, 3 and 0 ------------------------------------


def test_the_default_offsets_are_14_3_and_0_days_before() -> None:
    assert DEFAULT_OFFSETS == (14, 3, 0)


def test_fifteen_days_before_no_reminder_is_due() -> None:
    assert due_reminder(DUE, days_before(15), DEFAULT_OFFSETS) is None


@pytest.mark.parametrize(
    ("days_left", "expected_step"),
    [
        pytest.param(14, 14, id="14 days before: the 14-day reminder"),
        pytest.param(10, 14, id="10 days before (a late scan): still the 14-day reminder"),
        pytest.param(3, 3, id="3 days before: the 3-day reminder"),
        pytest.param(1, 3, id="1 day before (a late scan): still the 3-day reminder"),
        pytest.param(0, 0, id="on the day: the reminder of the day"),
    ],
)
def test_before_the_due_date_the_latest_reminder_passed_is_due(
    days_left: int, expected_step: int
) -> None:
    assert due_reminder(DUE, days_before(days_left), DEFAULT_OFFSETS) == DueReminder(
        "reminder", expected_step
    )


def test_a_scan_that_comes_late_asks_for_the_latest_reminder_only() -> None:
    # The service was down from 20 days before until the day itself: one reminder, not three.
    assert due_reminder(DUE, DUE, DEFAULT_OFFSETS) == DueReminder("reminder", 0)


# -- overdue: an escalation each week ------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_overdue", "week"),
    [
        pytest.param(1, 0, id="overdue day 1: the first escalation (week 0)"),
        pytest.param(7, 0, id="overdue day 7: still week 0"),
        pytest.param(8, 1, id="overdue day 8: the second escalation (week 1)"),
        pytest.param(14, 1, id="overdue day 14: still week 1"),
        pytest.param(15, 2, id="overdue day 15: week 2"),
    ],
)
def test_an_overdue_checkpoint_is_escalated_once_a_week(days_overdue: int, week: int) -> None:
    assert due_reminder(DUE, overdue_day(days_overdue), DEFAULT_OFFSETS) == DueReminder(
        "escalation", week
    )


# -- a consortium's own offsets ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [
        pytest.param(31, None, id="31 days before: none yet"),
        pytest.param(30, DueReminder("reminder", 30), id="30 days before"),
        pytest.param(8, DueReminder("reminder", 30), id="8 days before: still the 30-day one"),
        pytest.param(7, DueReminder("reminder", 7), id="7 days before"),
        pytest.param(0, DueReminder("reminder", 7), id="on the day: no 0 offset, so the 7-day"),
        pytest.param(-1, DueReminder("escalation", 0), id="overdue: escalations as always"),
    ],
)
def test_custom_offsets_decide_the_reminders(days_left: int, expected: DueReminder | None) -> None:
    assert due_reminder(DUE, days_before(days_left), (30, 7)) == expected


def test_the_order_of_custom_offsets_does_not_matter() -> None:
    for days_left in range(-3, 35):
        today = days_before(days_left)
        assert due_reminder(DUE, today, (7, 30)) == due_reminder(DUE, today, (30, 7))


def test_a_policy_keeps_its_offsets_sorted_from_far_to_near_without_duplicates() -> None:
    assert ReminderPolicy((3, 14, 3, 0)).offsets == (14, 3, 0)


# -- when the next reminder comes ----------------------------------------------------------------


def reminder(step: int) -> DueReminder:
    return DueReminder("reminder", step)


def escalation(week: int) -> DueReminder:
    return DueReminder("escalation", week)


@pytest.mark.parametrize(
    ("days_left", "gone_out", "next_on"),
    [
        pytest.param(30, [], days_before(14), id="30 days before: the 14-day reminder"),
        pytest.param(14, [], days_before(14), id="on the 14-day reminder, not out yet: today"),
        pytest.param(14, [reminder(14)], days_before(3), id="the 14-day one out: the 3-day one"),
        pytest.param(10, [], days_before(10), id="10 days before, none out (a late scan): today"),
        pytest.param(10, [reminder(14)], days_before(3), id="10 days before: the 3-day one"),
        pytest.param(3, [reminder(14), reminder(3)], DUE, id="the 3-day one out: the day itself"),
        pytest.param(0, [reminder(0)], overdue_day(1), id="the day's out: the first escalation"),
        pytest.param(-1, [], overdue_day(1), id="overdue day 1, not out yet: today"),
        pytest.param(-1, [escalation(0)], overdue_day(8), id="overdue day 1, out: day 8"),
        pytest.param(-7, [escalation(0)], overdue_day(8), id="overdue day 7: day 8"),
        pytest.param(-8, [escalation(0)], overdue_day(8), id="overdue day 8, not out: today"),
        pytest.param(-8, [escalation(1)], overdue_day(15), id="overdue day 8, out: day 15"),
    ],
)
def test_the_next_reminder_is_the_first_that_has_not_gone_out(
    days_left: int, gone_out: list[DueReminder], next_on: date
) -> None:
    assert next_reminder_date(DUE, days_before(days_left), DEFAULT_OFFSETS, gone_out) == next_on


def test_a_reminder_of_another_kind_or_step_that_went_out_does_not_count() -> None:
    today = days_before(3)

    assert next_reminder_date(DUE, today, DEFAULT_OFFSETS, [escalation(3)]) == today


def test_the_next_reminder_date_uses_custom_offsets() -> None:
    assert next_reminder_date(DUE, days_before(40), (30, 7)) == days_before(30)
    assert next_reminder_date(DUE, days_before(20), (30, 7), [reminder(30)]) == days_before(7)
    assert next_reminder_date(DUE, days_before(5), (30, 7), [reminder(7)]) == overdue_day(1)


def out_today(today: date) -> list[DueReminder]:
    """Today's reminder, as having gone out (none when nothing is due today)."""
    due_today = due_reminder(DUE, today, DEFAULT_OFFSETS)
    return [] if due_today is None else [due_today]


def test_while_todays_reminder_has_not_gone_out_it_is_the_next() -> None:
    for days_left in range(-30, 61):
        today = days_before(days_left)
        if due_reminder(DUE, today, DEFAULT_OFFSETS) is not None:
            assert next_reminder_date(DUE, today, DEFAULT_OFFSETS) == today


def test_once_todays_reminder_has_gone_out_the_next_is_after_today() -> None:
    for days_left in range(-30, 61):
        today = days_before(days_left)
        assert next_reminder_date(DUE, today, DEFAULT_OFFSETS, out_today(today)) > today


def test_on_the_next_reminder_date_that_reminder_is_due_and_not_before() -> None:
    """next_reminder_date and due_reminder agree: the day before the next date, what is due is
    still what was due today; on the date itself something new is due."""
    for days_left in range(-30, 61):
        today = days_before(days_left)
        planned = next_reminder_date(DUE, today, DEFAULT_OFFSETS, out_today(today))
        due_today = due_reminder(DUE, today, DEFAULT_OFFSETS)
        assert due_reminder(DUE, planned - timedelta(days=1), DEFAULT_OFFSETS) == due_today
        assert due_reminder(DUE, planned, DEFAULT_OFFSETS) != due_today
