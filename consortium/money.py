"""Money: an exact amount of euros with two decimals, never a float."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import total_ordering
from typing import Final

from consortium.errors import InvalidValue

CURRENCIES: Final = frozenset({"EUR"})
CENT: Final = Decimal("0.01")
# No consortium handles a trillion euros; anything above is a typing error, not a budget.
MAX_AMOUNT: Final = Decimal("1000000000000.00")
_TEXT: Final = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,2})?", re.ASCII)
# Digits before the decimal point beyond which no sum of real money goes (and quantize fails).
_MAX_DIGITS: Final = 20


@total_ordering
@dataclass(frozen=True, slots=True)
class Money:
    """An amount in a currency (only EUR for now), exact to the cent.

    Built from a ``Decimal`` or an ``int``; a float, NaN, an infinity or a third decimal that
    is not zero is refused, because each of those loses or invents a cent somewhere.
    """

    amount: Decimal
    currency: str = "EUR"

    def __post_init__(self) -> None:
        amount = self.amount
        if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
            raise InvalidValue(
                f"An amount must be a decimal number written as text, not {type(amount).__name__}.",
                field="amount",
            )
        amount = Decimal(amount)
        if not amount.is_finite():
            raise InvalidValue("An amount must be a finite number.", field="amount")
        if amount.adjusted() >= _MAX_DIGITS:
            raise InvalidValue("The amount is far too large to be real.", field="amount")
        rounded = amount.quantize(CENT)
        if rounded != amount:
            raise InvalidValue("An amount has at most two decimals (cents).", field="amount")
        if not rounded:
            rounded = abs(rounded)  # no "-0.00"
        if self.currency not in CURRENCIES:
            raise InvalidValue(
                f"Unknown currency {self.currency!r}; amounts are in EUR.", field="currency"
            )
        object.__setattr__(self, "amount", rounded)

    @classmethod
    def parse(cls, text: str, currency: str = "EUR") -> Money:
        """Read an amount as users and JSON clients write it: ``"1250"``, ``"1250.5"``."""
        if not isinstance(text, str) or not _TEXT.fullmatch(text.strip()):
            raise InvalidValue(
                'An amount is written as text with at most two decimals, such as "1250.00".',
                field="amount",
            )
        try:
            return cls(Decimal(text.strip()), currency)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
            raise InvalidValue("Not a number.", field="amount") from None

    @classmethod
    def zero(cls, currency: str = "EUR") -> Money:
        return cls(Decimal(0), currency)

    def _same_currency(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"Money cannot be combined with {type(other).__name__}.")
        if self.currency != other.currency:
            raise InvalidValue(f"Cannot combine {self.currency} with {other.currency}.")

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount < other.amount

    @property
    def is_positive(self) -> bool:
        return self.amount > 0

    def __str__(self) -> str:
        return f"{self.amount:.2f}"


def require_positive(money: Money, field: str = "amount") -> Money:
    """The rule for an amount that is paid, pledged or spent: above zero, below the cap."""
    if not money.is_positive:
        raise InvalidValue("The amount must be more than zero.", field=field)
    if money.amount > MAX_AMOUNT:
        raise InvalidValue(f"The amount may not exceed {MAX_AMOUNT:,.2f} euro.", field=field)
    return money
