from decimal import Decimal

from consortium.money import Money


def test_money_keeps_two_decimals() -> None:
    assert str(Money(Decimal("12.5"))) == "12.50"
