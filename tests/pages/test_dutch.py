"""Amounts and days as people type them on the pages, read back exactly (no I/O)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from web.pages.dutch import (
    amount_text,
    day_text,
    number_text,
    parse_amount,
    parse_day,
    parse_hours,
    parse_whole_number,
)

CENTS = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False)


@given(CENTS)
def test_an_amount_written_the_dutch_way_reads_back_as_itself(amount: Decimal) -> None:
    assert parse_amount(amount_text(amount, "nl")) == amount


@given(CENTS)
def test_an_amount_written_the_english_way_reads_back_as_itself(amount: Decimal) -> None:
    assert parse_amount(amount_text(amount, "en")) == amount


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("1.250,00", "1250.00"), ("1250", "1250.00"), ("1250,5", "1250.50"),
     ("1.250", "1250.00"), ("1250.75", "1250.75"), ("€ 95,00", "95.00")],
)  # fmt: skip
def test_amounts_are_read_as_people_type_them(typed: str, amount: str) -> None:
    assert parse_amount(typed) == Decimal(amount)


@pytest.mark.parametrize("typed", ["", "veel", "1,2,3", "12,345", "-5", "1.2345"])
def test_what_is_no_amount_is_refused(typed: str) -> None:
    assert parse_amount(typed) is None


@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["nl", "en"]))
def test_a_whole_number_as_the_pages_write_it_reads_back_as_itself(
    number: int, language: str
) -> None:
    assert parse_whole_number(number_text(number, language)) == number


@pytest.mark.parametrize("typed", ["65.000", "65000", "65 000", "65,000", "1.234.567"])
def test_a_population_is_read_with_or_without_thousands_separators(typed: str) -> None:
    assert parse_whole_number(typed) in (65_000, 1_234_567)


@pytest.mark.parametrize("typed", ["", "veel", "65.00", "6.5000", "65.000,000", "1.234 567", "-5"])
def test_what_is_no_whole_number_is_refused(typed: str) -> None:
    assert parse_whole_number(typed) is None


def test_hours_take_a_decimal_comma() -> None:
    assert parse_hours("12,5") == Decimal("12.5")
    assert parse_hours("twaalf") is None


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)))
def test_a_day_typed_as_day_month_year_or_iso_is_that_day(day: date) -> None:
    assert parse_day(day.strftime("%d-%m-%Y")) == day
    assert parse_day(day.isoformat()) == day


@pytest.mark.parametrize("typed", ["31-02-2026", "morgen", "2026-13-01", "1-1-26"])
def test_what_is_no_day_is_refused(typed: str) -> None:
    assert parse_day(typed) is None


def test_days_are_shown_with_the_months_name_in_the_pages_language() -> None:
    assert day_text(date(2026, 11, 23), "nl") == "23 november 2026"
    assert day_text(date(2026, 11, 23), "en") == "23 November 2026"
