"""The versioned cost-sharing key: versions apply from a year on, the shares of a year come
from the version of that year and add up to the cent."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consortium.cost_sharing import KeyKind
from consortium.errors import InvalidValue
from consortium.key_versions import (
    CostSharingRule,
    KeyYearTaken,
    rule_id,
    version_for,
    version_of,
)
from consortium.money import Money
from tests.domain.support import cause

CONSORTIUM = uuid4()


def rule_with(*years_and_members: tuple[int, list[UUID]]) -> CostSharingRule:
    rule = CostSharingRule.start(CONSORTIUM, cause())
    for year, members in years_and_members:
        rule.adopt_version(
            key=KeyKind.POPULATION,
            from_year=year,
            member_ids=members,
            weights=None,
            reason="test",
            cause=cause(1),
        )
    return rule


def test_a_consortium_has_one_rule_whose_id_derives_from_it() -> None:
    assert CostSharingRule.start(CONSORTIUM, cause()).id == rule_id(CONSORTIUM)


def test_versions_are_numbered_and_the_latest_is_kept() -> None:
    a, b = uuid4(), uuid4()
    rule = rule_with((2026, [a]), (2027, [a, b]))
    assert rule.latest is not None
    assert (rule.latest.number, rule.latest.from_year, rule.latest.member_ids) == (2, 2027, (a, b))


def test_a_version_cannot_apply_from_before_the_latest_one() -> None:
    a = uuid4()
    rule = rule_with((2027, [a]))
    with pytest.raises(KeyYearTaken):
        rule.adopt_version(
            key=KeyKind.EQUAL,
            from_year=2026,
            member_ids=[a],
            weights=None,
            reason="x",
            cause=cause(2),
        )


def test_the_version_of_a_year_is_the_last_applying_by_then() -> None:
    a, b, c = uuid4(), uuid4(), uuid4()
    rule = rule_with((2026, [a]), (2027, [a, b]), (2027, [a, b, c]))
    versions = [e for e in rule.collect_events() if isinstance(e, CostSharingRule.VersionAdopted)]
    listed = [version_of(e) for e in versions]
    assert version_for(listed, 2025) is None
    assert [version_for(listed, y).number for y in (2026, 2027, 2030)] == [1, 3, 3]  # type: ignore[union-attr]


def test_the_weights_key_needs_a_weight_for_every_member_sharing() -> None:
    a, b = uuid4(), uuid4()
    rule = CostSharingRule.start(CONSORTIUM, cause())
    with pytest.raises(InvalidValue) as refused:
        rule.adopt_version(
            key=KeyKind.WEIGHTS,
            from_year=2026,
            member_ids=[a, b],
            weights={a: Decimal(1)},
            reason="x",
            cause=cause(1),
        )
    assert refused.value.field == "weights"


def test_the_population_key_needs_every_population() -> None:
    a, b = uuid4(), uuid4()
    rule = rule_with((2026, [a, b]))
    assert rule.latest is not None
    with pytest.raises(InvalidValue):
        rule.latest.shares(Money(Decimal("10.00")), {a: 1000, b: None})


@given(
    populations=st.lists(st.integers(1, 50_000_000), min_size=1, max_size=12),
    cents=st.integers(0, 10**11),
)
def test_shares_of_a_version_add_up_to_the_cent(populations: list[int], cents: int) -> None:
    members = [uuid4() for _ in populations]
    rule = rule_with((2026, members))
    assert rule.latest is not None
    amount = Money(Decimal(cents) / 100)
    shares = rule.latest.shares(amount, dict(zip(members, populations, strict=True)))
    assert sum((s.amount.amount for s in shares), Decimal(0)) == amount.amount
    assert all(not s.amount.amount < 0 for s in shares)
