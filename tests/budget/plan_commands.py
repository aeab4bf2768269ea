"""The commands the financing properties generate (hypothesis strategies): needs per year and
purpose, pledges in cash and in kind about any day, contributions on any day, and members
joining on an earlier day, for a consortium that began in 2023; many are refused by some rule
(years outside its span, amounts below zero, days after today or before it began, revisions
without a reason)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final

from hypothesis import strategies as st

from consortium.figures import NeedCategory
from consortium.ledger import ContributionKind
from consortium.money import Money
from tests.budget.support import TODAY

BEGAN: Final = 2023
LAST_YEAR: Final = TODAY.year + 10
DAYS_SINCE_BEGAN: Final = (TODAY - date(BEGAN, 1, 1)).days
YEARS: Final = st.integers(min_value=BEGAN - 1, max_value=LAST_YEAR + 1)
CENTS: Final = st.integers(min_value=-100, max_value=10_000_000)
DAYS_BACK: Final = st.integers(min_value=-1, max_value=DAYS_SINCE_BEGAN + 5)
PICK: Final = st.integers(min_value=0, max_value=100)
REASON: Final = st.sampled_from([None, "Herzien", "Raadsbesluit"])


@dataclass(frozen=True)
class Plan:
    year: int
    category: NeedCategory
    cents: int
    reason: str | None


@dataclass(frozen=True)
class Pledge:
    member: int
    year: int
    in_kind: bool
    cents: int
    reason: str | None
    days_back: int


@dataclass(frozen=True)
class Give:
    member: int
    in_kind: bool
    cents: int
    days_back: int
    year: int | None


@dataclass(frozen=True)
class Join:
    days_back: int


Command = Plan | Pledge | Give | Join

PLANS: Final = st.builds(Plan, YEARS, st.sampled_from(NeedCategory), CENTS, REASON)
PLEDGES: Final = st.builds(Pledge, PICK, YEARS, st.booleans(), CENTS, REASON, DAYS_BACK)
GIFTS: Final = st.builds(Give, PICK, st.booleans(), CENTS, DAYS_BACK, st.none() | YEARS)
JOINS: Final = st.builds(Join, DAYS_BACK)
COMMANDS: Final = st.sampled_from([PLANS, PLANS, PLEDGES, PLEDGES, GIFTS, JOINS]).flatmap(
    lambda strategy: strategy
)


def money(cents: int) -> Money:
    return Money(Decimal(cents) / 100)


def kind(in_kind: bool) -> ContributionKind:
    return ContributionKind.IN_KIND if in_kind else ContributionKind.CASH
