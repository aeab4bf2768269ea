"""Money: an exact amount of euros with two decimals, never a float."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest

from consortium.errors import InvalidValue
from consortium.money import MAX_AMOUNT, Money, require_positive

# -- construction -------------------------------------------------------------------------------


def test_a_decimal_with_one_decimal_is_kept_to_the_cent() -> None:
    assert Money(Decimal("12.5")).amount == Decimal("12.50")


def test_a_whole_number_becomes_an_amount_with_two_decimals() -> None:
    whole: Any = 1250
    assert str(Money(whole).amount) == "1250.00"


def test_a_third_decimal_that_is_zero_is_accepted() -> None:
    assert Money(Decimal("1.230")) == Money(Decimal("1.23"))


def test_trailing_zeros_beyond_the_cent_are_dropped() -> None:
    assert str(Money(Decimal("1.2300000")).amount) == "1.23"


def test_the_currency_is_euro_by_default() -> None:
    assert Money(Decimal(1)).currency == "EUR"


@pytest.mark.parametrize("amount", ["1.231", "0.001", "-0.005", "1.2301"])
def test_a_third_decimal_that_is_not_zero_is_refused(amount: str) -> None:
    with pytest.raises(InvalidValue, match="two decimals"):
        Money(Decimal(amount))


def test_a_float_is_refused() -> None:
    wrong: Any = 0.1
    with pytest.raises(InvalidValue, match="not float"):
        Money(wrong)


@pytest.mark.parametrize("flag", [True, False])
def test_a_bool_is_refused_although_it_is_an_int(flag: bool) -> None:
    wrong: Any = flag
    with pytest.raises(InvalidValue, match="not bool"):
        Money(wrong)


def test_text_is_refused_by_the_constructor() -> None:
    wrong: Any = "12.50"
    with pytest.raises(InvalidValue, match="not str"):
        Money(wrong)


@pytest.mark.parametrize("amount", ["NaN", "sNaN", "-NaN", "Infinity", "-Infinity"])
def test_nan_and_infinities_are_refused(amount: str) -> None:
    with pytest.raises(InvalidValue, match="finite"):
        Money(Decimal(amount))


def test_a_refused_amount_names_the_amount_field() -> None:
    with pytest.raises(InvalidValue) as refused:
        Money(Decimal("0.001"))
    assert refused.value.field == "amount"


@pytest.mark.parametrize("currency", ["USD", "eur", "", "EURO"])
def test_a_currency_other_than_euro_is_refused(currency: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        Money(Decimal(1), currency)
    assert refused.value.field == "currency"


def test_an_amount_too_large_to_hold_to_the_cent_is_an_invalid_value() -> None:
    with pytest.raises(InvalidValue):
        Money(Decimal("1E+30"))


def test_money_is_immutable() -> None:
    money = Money(Decimal(1))
    with pytest.raises(dataclasses.FrozenInstanceError):
        money.amount = Decimal(2)  # type: ignore[misc]


def test_zero_is_zero_euro() -> None:
    assert Money.zero() == Money(Decimal("0.00"))


# -- equality -----------------------------------------------------------------------------------


def test_amounts_written_differently_are_equal() -> None:
    assert Money(Decimal("1.5")) == Money(Decimal("1.50"))


def test_equal_amounts_hash_alike() -> None:
    assert hash(Money(Decimal("1.5"))) == hash(Money(Decimal("1.50")))


def test_money_is_not_equal_to_its_bare_number() -> None:
    assert Money(Decimal(1)) != Decimal(1)


# -- parse --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1250", Decimal("1250.00")),
        ("1250.5", Decimal("1250.50")),
        ("1250.00", Decimal("1250.00")),
        ("0", Decimal("0.00")),
        ("0.01", Decimal("0.01")),
        ("-12.34", Decimal("-12.34")),
        ("007.10", Decimal("7.10")),
        ("999999999999999.99", Decimal("999999999999999.99")),
    ],
)
def test_parse_reads_amounts_as_users_write_them(text: str, expected: Decimal) -> None:
    assert Money.parse(text).amount == expected


def test_parse_ignores_surrounding_whitespace() -> None:
    assert Money.parse("  12.50\n") == Money(Decimal("12.50"))


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "1.234",
        "1.230",
        "1,50",
        "1.000,50",
        "1_000",
        "1e3",
        "+5",
        ".5",
        "5.",
        "€ 5",
        "5 EUR",
        "NaN",
        "Infinity",
        "0x10",
        "1234567890123456",
        "--1",
    ],
)
def test_parse_refuses_anything_but_digits_with_at_most_two_decimals(text: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        Money.parse(text)
    assert refused.value.field == "amount"


@pytest.mark.parametrize("value", [12, 12.5, Decimal("12.50"), None, b"12"])
def test_parse_refuses_what_is_not_text(value: object) -> None:
    wrong: Any = value
    with pytest.raises(InvalidValue, match="as text"):
        Money.parse(wrong)


def test_parse_refuses_a_currency_other_than_euro() -> None:
    with pytest.raises(InvalidValue) as refused:
        Money.parse("12.50", "USD")
    assert refused.value.field == "currency"


# -- arithmetic and ordering --------------------------------------------------------------------


def test_adding_is_exact_where_floats_are_not() -> None:
    assert Money(Decimal("0.10")) + Money(Decimal("0.20")) == Money(Decimal("0.30"))


def test_subtracting_may_give_a_negative_amount() -> None:
    assert Money(Decimal("1.00")) - Money(Decimal("2.50")) == Money(Decimal("-1.50"))


def test_negating_flips_the_sign() -> None:
    assert -Money(Decimal("3.25")) == Money(Decimal("-3.25"))


def test_the_result_of_arithmetic_is_money_in_euro() -> None:
    total = Money(Decimal(1)) + Money(Decimal(2))
    assert (type(total), total.currency) == (Money, "EUR")


@pytest.mark.parametrize(
    ("amount", "positive"), [("0.01", True), ("0.00", False), ("-0.01", False)]
)
def test_only_an_amount_above_zero_is_positive(amount: str, positive: bool) -> None:
    assert Money(Decimal(amount)).is_positive is positive


def test_a_smaller_amount_orders_before_a_larger_one() -> None:
    assert Money(Decimal("9.99")) < Money(Decimal("10.00"))


def test_ordering_compares_values_not_text() -> None:
    assert Money(Decimal("100.00")) > Money(Decimal("20.00"))


def test_an_amount_is_at_most_and_at_least_itself() -> None:
    money = Money(Decimal("5.00"))
    assert money <= Money(Decimal("5")) <= money


def test_amounts_sort_by_value() -> None:
    amounts = [Money(Decimal(v)) for v in ("3", "-1", "10", "0.5")]
    assert [str(m) for m in sorted(amounts)] == ["-1.00", "0.50", "3.00", "10.00"]


# -- formatting ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("1250"), "1250.00"),
        (Decimal("12.5"), "12.50"),
        (Decimal("0.01"), "0.01"),
        (Decimal("-7.1"), "-7.10"),
        (Decimal(0), "0.00"),
        (Decimal("1000000000000"), "1000000000000.00"),
    ],
)
def test_str_writes_two_decimals_without_separators_or_exponent(amount: Decimal, text: str) -> None:
    assert str(Money(amount)) == text


def test_str_of_an_amount_in_scientific_notation_is_plain() -> None:
    assert str(Money(Decimal("1E+3"))) == "1000.00"


def test_zero_written_with_a_minus_sign_is_plain_zero() -> None:
    assert str(Money.parse("-0.00")) == "0.00"


# -- require_positive ---------------------------------------------------------------------------


def test_require_positive_returns_an_amount_above_zero() -> None:
    money = Money(Decimal("0.01"))
    assert require_positive(money) is money


def test_require_positive_accepts_the_cap_itself() -> None:
    assert require_positive(Money(MAX_AMOUNT)).amount == Decimal("1000000000000.00")


@pytest.mark.parametrize("amount", ["0", "0.00", "-0.01", "-1000"])
def test_require_positive_refuses_zero_and_less(amount: str) -> None:
    with pytest.raises(InvalidValue, match="more than zero"):
        require_positive(Money(Decimal(amount)))


def test_require_positive_refuses_a_cent_above_the_cap() -> None:
    with pytest.raises(InvalidValue, match=r"may not exceed 1,000,000,000,000\.00 euro"):
        require_positive(Money(MAX_AMOUNT + Decimal("0.01")))


def test_require_positive_names_the_field_it_is_given() -> None:
    with pytest.raises(InvalidValue) as refused:
        require_positive(Money.zero(), field="tranche")
    assert refused.value.field == "tranche"
