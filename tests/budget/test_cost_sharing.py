"""Cost-sharing keys (verdeelsleutels): equal, by population, by weights; shares add up to the
exact cent, the cents left over go by largest remainder and then by the order given; a key
that cannot apply is refused on its field; with a year the shares are pledged (domain, no I/O).

The properties (hypothesis) hold for any amount and weights: the shares add up to the amount,
none is negative, each lies within a cent of its exact share, and with equal weights no two
differ by more than a cent.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from random import Random
from uuid import UUID, uuid4

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consortium.aggregate import Consortium
from consortium.budget_view import budget_of
from consortium.cause import Cause
from consortium.cost_sharing import KeyKind, Share, allocate
from consortium.errors import InvalidValue
from consortium.money import MAX_AMOUNT, Money
from tests.budget.support import FIRST_YEAR, LAST_YEAR, euro

Act = Callable[[], Cause]


def amounts(shares: list[Share]) -> list[str]:
    return [str(s.amount) for s in shares]


def ids(n: int) -> list[UUID]:
    return [uuid4() for _ in range(n)]


# -- allocation ---------------------------------------------------------------------------------


def test_equal_shares_give_the_cents_left_over_to_the_first_in_order() -> None:
    members = ids(3)

    shares = allocate(euro("100.00"), [(m, Decimal(1)) for m in members])

    assert amounts(shares) == ["33.34", "33.33", "33.33"]
    assert [s.member_id for s in shares] == members


def test_the_largest_remainder_gets_the_cent_before_the_order_given() -> None:
    # 1.00 × (1, 2, 3) / 6 = 16.67, 33.33, 50.00 cents exact → 16, 33, 50 + 1 cent left over,
    # which goes to the largest remainder (0.67: the first), not simply to the first.
    shares = allocate(
        euro("1.00"), [(m, Decimal(w)) for m, w in zip(ids(3), (3, 2, 1), strict=True)]
    )

    assert amounts(shares) == ["0.50", "0.33", "0.17"]


def test_ties_are_broken_by_the_order_given() -> None:
    a, b = ids(2)

    assert amounts(allocate(euro("0.01"), [(a, Decimal(1)), (b, Decimal(1))])) == ["0.01", "0.00"]
    assert amounts(allocate(euro("0.01"), [(b, Decimal(1)), (a, Decimal(1))])) == ["0.01", "0.00"]


def test_a_zero_weight_gets_nothing() -> None:
    shares = allocate(euro("10.00"), list(zip(ids(3), map(Decimal, (0, 1, 1)), strict=True)))

    assert amounts(shares) == ["0.00", "5.00", "5.00"]


@pytest.mark.parametrize(
    ("weights", "field"),
    [([], "member_ids"), ([Decimal(0), Decimal(0)], "weights"), ([Decimal(-1)], "weights")],
)
def test_an_allocation_that_cannot_be_made_is_refused(weights: list[Decimal], field: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        allocate(euro("10.00"), [(uuid4(), w) for w in weights])

    assert refused.value.field == field


WEIGHTS = st.lists(
    st.decimals(min_value=0, max_value=10**12, places=3, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=40,
).filter(lambda ws: sum(ws) > 0)
CENTS = st.integers(min_value=1, max_value=int(MAX_AMOUNT * 100))


@settings(max_examples=300, derandomize=True)
@given(CENTS, WEIGHTS)
def test_shares_add_up_to_the_amount_are_never_negative_and_within_a_cent_of_exact(
    cents: int, weights: list[Decimal]
) -> None:
    amount = Money(Decimal(cents) / 100)
    members = ids(len(weights))

    shares = allocate(amount, list(zip(members, weights, strict=True)))

    assert sum((s.amount for s in shares), Money.zero()) == amount
    assert all(s.amount.amount >= 0 for s in shares)
    assert [(s.member_id, s.weight) for s in shares] == list(zip(members, weights, strict=True))
    total = sum(map(Fraction, weights))
    for s in shares:
        exact = Fraction(cents) * Fraction(s.weight) / total
        assert abs(Fraction(s.amount.amount * 100) - exact) < 1


@settings(max_examples=300, derandomize=True)
@given(CENTS, st.integers(min_value=1, max_value=400))
def test_equal_shares_differ_by_at_most_one_cent(cents: int, members: int) -> None:
    shares = allocate(Money(Decimal(cents) / 100), [(m, Decimal(1)) for m in ids(members)])

    assert sum((s.amount for s in shares), Money.zero()) == Money(Decimal(cents) / 100)
    values = [s.amount.amount for s in shares]
    assert max(values) - min(values) <= Decimal("0.01")
    assert values == sorted(values, reverse=True), "the first in order get the cents left over"


@settings(max_examples=200, derandomize=True)
@given(CENTS, WEIGHTS, st.randoms(use_true_random=False))
def test_the_order_only_breaks_ties(cents: int, weights: list[Decimal], rnd: Random) -> None:
    """Shuffling the members changes a member's share only where remainders tie."""
    amount = Money(Decimal(cents) / 100)
    members = ids(len(weights))
    pairs = list(zip(members, weights, strict=True))
    shuffled = pairs[:]
    rnd.shuffle(shuffled)

    first = {s.member_id: s.amount for s in allocate(amount, pairs)}
    second = {s.member_id: s.amount for s in allocate(amount, shuffled)}

    total = sum(map(Fraction, weights))
    remainders = {m: (Fraction(cents) * Fraction(w) / total) % 1 for m, w in pairs}
    for member_id in members:
        if first[member_id] != second[member_id]:
            tied = [m for m in members if remainders[m] == remainders[member_id]]
            assert len(tied) > 1, "a share moved although its remainder ties with no other"


# -- keys in the consortium ---------------------------------------------------------------------


def test_the_equal_key_divides_over_the_current_members_in_the_order_they_joined(
    consortium: Consortium, cause: Act
) -> None:
    utrecht, amersfoort, zeist, university = consortium.members
    consortium.member_leaves(zeist.id, reason=None, cause=cause())

    shares = consortium.share_costs(amount=euro("1000.00"), key=KeyKind.EQUAL)

    assert [s.member_id for s in shares] == [utrecht.id, amersfoort.id, university.id]
    assert amounts(shares) == ["333.34", "333.33", "333.33"]


def test_the_population_key_divides_by_inhabitants(consortium: Consortium, cause: Act) -> None:
    municipalities = [m.id for m in consortium.members[:3]]

    shares = consortium.share_costs(
        amount=euro("100000.00"), key=KeyKind.POPULATION, member_ids=municipalities
    )

    # 374,238 : 160,000 : 65,000 of 599,238 inhabitants: exactly 62452.3144…, 26700.5763…
    # and 10847.1091… euro; two cents are left over after rounding down, and they go to the
    # largest remainders (Zeist's 0.91 cent, then Amersfoort's 0.63), not to Utrecht's 0.44.
    assert amounts(shares) == ["62452.31", "26700.58", "10847.11"]
    assert [s.weight for s in shares] == [Decimal(374_238), Decimal(160_000), Decimal(65_000)]


def test_the_weights_key_divides_by_the_weights_given(consortium: Consortium) -> None:
    utrecht, amersfoort, *_ = consortium.members

    shares = consortium.share_costs(
        amount=euro("999.99"),
        key=KeyKind.WEIGHTS,
        weights={utrecht.id: Decimal("2.5"), amersfoort.id: Decimal("1")},
    )

    assert [s.member_id for s in shares] == [utrecht.id, amersfoort.id]
    assert amounts(shares) == ["714.28", "285.71"]


def test_a_weight_for_a_member_not_shared_over_is_refused(consortium: Consortium) -> None:
    utrecht, amersfoort, *_ = consortium.members

    with pytest.raises(InvalidValue) as refused:
        consortium.share_costs(
            amount=euro("100.00"),
            key=KeyKind.WEIGHTS,
            member_ids=[utrecht.id],
            weights={utrecht.id: Decimal(1), amersfoort.id: Decimal(1)},
        )

    assert refused.value.field == "weights"


def test_a_calculation_records_nothing(consortium: Consortium) -> None:
    version = consortium.version

    consortium.share_costs(amount=euro("100.00"), key=KeyKind.EQUAL)

    assert consortium.version == version


def test_a_key_that_cannot_apply_is_refused_on_its_field(
    consortium: Consortium, cause: Act
) -> None:
    utrecht, amersfoort, zeist, university = consortium.members
    consortium.member_leaves(zeist.id, reason="Uitgetreden", cause=cause())
    cases = {
        "population of a member without one": (KeyKind.POPULATION, None, None),
        "a member who left": (KeyKind.EQUAL, [utrecht.id, zeist.id], None),
        "a member of no one": (KeyKind.EQUAL, [utrecht.id, uuid4()], None),
        "a member twice": (KeyKind.EQUAL, [utrecht.id, utrecht.id], None),
        "no member": (KeyKind.EQUAL, [], None),
        "weights add up to zero": (KeyKind.WEIGHTS, None, {utrecht.id: Decimal(0)}),
        "no weights": (KeyKind.WEIGHTS, None, None),
        "a member without a weight": (
            KeyKind.WEIGHTS,
            [utrecht.id, amersfoort.id],
            {utrecht.id: Decimal(1)},
        ),
        "weights with the equal key": (KeyKind.EQUAL, None, {utrecht.id: Decimal(1)}),
        "weights with a member who left": (KeyKind.WEIGHTS, None, {zeist.id: Decimal(1)}),
    }
    refused = {}
    for case, (key, member_ids, weights) in cases.items():
        with pytest.raises(InvalidValue) as error:
            consortium.share_costs(
                amount=euro("100.00"), key=key, member_ids=member_ids, weights=weights
            )
        refused[case] = error.value.field

    assert refused == {
        "population of a member without one": "member_ids",
        "a member who left": "member_ids",
        "a member of no one": "member_ids",
        "a member twice": "member_ids",
        "no member": "member_ids",
        "weights add up to zero": "weights",
        "no weights": "weights",
        "a member without a weight": "weights",
        "weights with the equal key": "weights",
        "weights with a member who left": "member_ids",
    }
    with pytest.raises(InvalidValue, match=university.party):
        consortium.share_costs(amount=euro("100.00"), key=KeyKind.POPULATION)


def test_with_a_year_the_shares_are_pledged_as_revisions_with_the_key_as_reason(
    consortium: Consortium, cause: Act
) -> None:
    utrecht, amersfoort, zeist, _ = consortium.members
    consortium.pledge(
        member_id=utrecht.id, year=2027, amount=euro("1.00"), reason=None, cause=cause()
    )
    municipalities = [utrecht.id, amersfoort.id, zeist.id]

    shares = consortium.pledge_cost_shares(
        amount=euro("100000.00"),
        key=KeyKind.POPULATION,
        year=2027,
        member_ids=municipalities,
        cause=cause(),
    )

    ledger = consortium.ledger
    assert [ledger.pledge(s.member_id, 2027) for s in shares] == [s.amount for s in shares]
    assert [ledger.revision_count(m, 2027) for m in municipalities] == [2, 1, 1]
    (shared,) = [e for e in consortium.collect_events() if type(e).__name__ == "CostSharesPledged"]
    assert getattr(shared, "reason") == "Verdeelsleutel (population) over 100000.00 euro"  # noqa: B009
    assert budget_of(consortium).totals.committed == euro("100000.00")


@pytest.mark.parametrize("year", [FIRST_YEAR - 1, LAST_YEAR + 1])
def test_shares_are_pledged_only_for_a_budget_year(
    consortium: Consortium, cause: Act, year: int
) -> None:
    with pytest.raises(InvalidValue) as refused:
        consortium.pledge_cost_shares(
            amount=euro("100.00"), key=KeyKind.EQUAL, year=year, cause=cause()
        )

    assert refused.value.field == "commit_year"
