"""Properties of Money that hold for every valid amount (hypothesis, derandomised)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Final

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consortium.errors import InvalidValue
from consortium.money import MAX_AMOUNT, Money

PROPERTY: Final = settings(max_examples=200, derandomize=True, deadline=None)

# Every amount a consortium can book, and its negation (reversals, balances).
amounts: Final = st.decimals(
    min_value=-MAX_AMOUNT, max_value=MAX_AMOUNT, places=2, allow_nan=False, allow_infinity=False
)
money: Final = amounts.map(Money)


@PROPERTY
@given(money)
def test_parsing_the_text_of_an_amount_gives_the_amount_back(m: Money) -> None:
    assert Money.parse(str(m)) == m


@PROPERTY
@given(money)
def test_the_text_of_an_amount_has_exactly_two_decimals(m: Money) -> None:
    assert re.fullmatch(r"-?[0-9]+\.[0-9]{2}", str(m))


@PROPERTY
@given(amounts)
def test_an_amount_keeps_its_exact_value(amount: Decimal) -> None:
    assert Money(amount).amount == amount


@PROPERTY
@given(money, money)
def test_adding_then_subtracting_the_same_amount_gives_the_first_back(a: Money, b: Money) -> None:
    assert a + b - b == a


@PROPERTY
@given(money, money)
def test_addition_does_not_depend_on_the_order(a: Money, b: Money) -> None:
    assert a + b == b + a


@PROPERTY
@given(money)
def test_an_amount_minus_itself_is_zero(m: Money) -> None:
    assert m - m == Money.zero()


@PROPERTY
@given(st.lists(amounts, max_size=50))
def test_a_sum_of_amounts_is_exact_to_the_cent(values: list[Decimal]) -> None:
    total = sum((Money(v) for v in values), Money.zero())
    assert total.amount == sum(values, Decimal(0))


@PROPERTY
@given(amounts, amounts)
def test_amounts_order_as_their_values_do(a: Decimal, b: Decimal) -> None:
    assert (Money(a) < Money(b)) == (a < b)


@PROPERTY
@given(money)
def test_negating_twice_gives_the_amount_back(m: Money) -> None:
    negated = -m
    assert -negated == m


@PROPERTY
@given(
    st.decimals(min_value=-MAX_AMOUNT, max_value=MAX_AMOUNT, places=4).filter(
        lambda d: d % Decimal("0.01") != 0
    )
)
def test_any_amount_with_a_third_decimal_that_is_not_zero_is_refused(amount: Decimal) -> None:
    with pytest.raises(InvalidValue):
        Money(amount)


@PROPERTY
@given(st.floats())
def test_no_float_is_ever_accepted(value: float) -> None:
    wrong: Any = value
    with pytest.raises(InvalidValue):
        Money(wrong)
