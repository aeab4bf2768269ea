"""Cost-sharing keys (verdeelsleutels): divide an amount over members to the exact cent.

The exact share of each member is amount × weight ÷ total weight. Everyone first gets that
share rounded down to the cent; the cents left over go one each to the members with the largest
remainders, ties broken by the order the members were given. So the shares always add up to the
amount, none is negative, and with equal weights no two shares differ by more than a cent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from fractions import Fraction
from math import floor
from uuid import UUID

from consortium.errors import InvalidValue
from consortium.money import Money


class KeyKind(Enum):
    EQUAL = "equal"
    POPULATION = "population"
    WEIGHTS = "weights"


@dataclass(frozen=True, slots=True)
class Share:
    member_id: UUID
    weight: Decimal
    amount: Money


def allocate(amount: Money, weights: Sequence[tuple[UUID, Decimal]]) -> list[Share]:
    """Split ``amount`` over the members in proportion to their weights (largest remainder)."""
    if not weights:
        raise InvalidValue("There is no member to share the amount over.", field="member_ids")
    if any(weight < 0 for _, weight in weights):
        raise InvalidValue("A weight cannot be negative.", field="weights")
    total = sum((Fraction(weight) for _, weight in weights), Fraction(0))
    if total == 0:
        raise InvalidValue("The weights add up to zero; nothing can be divided.", field="weights")
    cents = int(amount.amount * 100)
    exact = [Fraction(cents) * Fraction(weight) / total for _, weight in weights]
    shares = [floor(part) for part in exact]
    left_over = cents - sum(shares)
    by_remainder = sorted(range(len(exact)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in by_remainder[:left_over]:
        shares[i] += 1
    return [
        Share(member_id=member_id, weight=weight, amount=Money(Decimal(share) / 100))
        for (member_id, weight), share in zip(weights, shares, strict=True)
    ]
