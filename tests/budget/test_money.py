"""Money: exact euros with two decimals, never a float; read from text as clients write it; the
rule for an amount pledged, paid or spent (above zero, at most 10^12). Domain, no I/O."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consortium.errors import InvalidValue
from consortium.money import MAX_AMOUNT, Money, require_positive
from tests.budget.support import euro


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("1250", "1250.00"),
        ("1250.5", "1250.50"),
        ("1250.05", "1250.05"),
        ("0.01", "0.01"),
        (" 12.00 ", "12.00"),
        ("1000000000000.00", "1000000000000.00"),
    ],
)
def test_an_amount_is_read_from_text_and_shown_with_two_decimals(text: str, shown: str) -> None:
    assert str(Money.parse(text)) == shown


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "12.345",
        "12.",
        ".5",
        "1e3",
        "1,50",
        "€ 5",
        "1 000",
        "+5",
        "NaN",
        "Infinity",
        "0x10",
    ],
)
def test_text_that_is_not_an_amount_is_refused_on_the_amount(text: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        Money.parse(text)

    assert refused.value.field == "amount"


@pytest.mark.parametrize("value", [12.5, 12, True, None, [1]])
def test_parse_refuses_anything_but_text(value: Any) -> None:
    with pytest.raises(InvalidValue, match="as text"):
        Money.parse(value)


@pytest.mark.parametrize("value", [1.5, True, "1.50"])
def test_money_is_never_built_from_a_float_a_bool_or_text(value: Any) -> None:
    with pytest.raises(InvalidValue, match="not"):
        Money(value)


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity")])
def test_money_is_finite(value: Decimal) -> None:
    with pytest.raises(InvalidValue, match="finite"):
        Money(value)


def test_a_third_decimal_is_refused_unless_it_is_zero() -> None:
    assert str(Money(Decimal("1.230"))) == "1.23"
    with pytest.raises(InvalidValue, match="two decimals"):
        Money(Decimal("1.235"))


def test_only_euros_are_known() -> None:
    with pytest.raises(InvalidValue) as refused:
        Money(Decimal(1), "USD")

    assert refused.value.field == "currency"
    with pytest.raises(InvalidValue):
        Money.parse("1.00", "eur")


def test_sums_are_exact_to_the_cent() -> None:
    total = Money.zero()
    for _ in range(10):
        total = total + euro("0.10")

    assert total == euro("1.00")
    assert euro("0.30") - euro("0.10") - euro("0.20") == Money.zero()
    assert str(-euro("5.00")) == "-5.00"
    assert euro("0.01") > Money.zero()


@pytest.mark.parametrize("amount", ["0.00", "-0.01", "-100.00"])
def test_an_amount_paid_pledged_or_spent_is_above_zero(amount: str) -> None:
    with pytest.raises(InvalidValue, match="more than zero") as refused:
        require_positive(euro(amount), field="rate")

    assert refused.value.field == "rate"


def test_an_amount_is_at_most_ten_to_the_twelfth() -> None:
    assert require_positive(Money(MAX_AMOUNT)) == Money(Decimal(10**12))
    with pytest.raises(InvalidValue, match="may not exceed") as refused:
        require_positive(Money(MAX_AMOUNT + Decimal("0.01")))

    assert refused.value.field == "amount"


@given(st.integers(min_value=-(10**14), max_value=10**14))
def test_what_is_shown_reads_back_as_the_same_amount(cents: int) -> None:
    money = Money(Decimal(cents) / 100)

    assert Money.parse(str(money)) == money
    assert str(money) == f"{Decimal(cents) / 100:.2f}"


@given(
    st.integers(min_value=0, max_value=10**12),
    st.integers(min_value=1, max_value=9),
    st.integers(min_value=0, max_value=99),
)
def test_a_cent_fraction_is_always_refused(whole: int, third: int, cents: int) -> None:
    with pytest.raises(InvalidValue):
        Money.parse(f"{whole}.{cents:02d}{third}")
