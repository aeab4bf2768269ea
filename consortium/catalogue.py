"""The catalogue of proven solutions: what a consortium shows to everyone, and its figures.

A consortium is in the catalogue when it passed at least one gate and published something; it
shows its name and phase, and of the rest only the parts it chose to publish (see
``consortium.publication``). The figures are computed from the facts, nothing is kept:

- the population covered on a day: the populations of the municipalities that were members that
  day (joined on or before it, not yet left);
- the cost so far: what was spent from the pool;
- the cost per inhabitant: the cost so far over the population covered (to a hundredth of
  a cent); before and
  after each adoption it is the same cost over the population just before and just after the
  adopter joined ("develop once, share": each adopter lowers it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Final
from uuid import UUID

from consortium.members import Member, MemberRole, Sector
from consortium.milestones import Milestone
from consortium.money import Money
from consortium.phases import Phase
from consortium.provinces import Province
from consortium.publication import Part

PER_INHABITANT: Final = Decimal("0.0001")
# Population bands of municipalities, for the catalogue's filter: (name, lowest, highest).
BANDS: Final = (
    ("small", 1, 19_999),
    ("medium", 20_000, 99_999),
    ("large", 100_000, None),
)


@dataclass(frozen=True, slots=True)
class Gate:
    """A validated step: a milestone whose checkpoint was passed, in words."""

    title: str
    questions: tuple[str, ...]
    decision: str
    conditions: str | None


@dataclass(frozen=True, slots=True)
class Party:
    party: str
    sector: Sector
    role: MemberRole
    population: int | None
    joined_on: date
    province: Province | None = None


@dataclass(frozen=True, slots=True)
class Adoption:
    """One adopter's joining, and what it changed."""

    party: str
    joined_on: date
    adopters: int  # adopters in the consortium after it joined
    population_before: int
    population_after: int
    cost_per_inhabitant_before: Decimal | None
    cost_per_inhabitant_after: Decimal | None


@dataclass(frozen=True, slots=True)
class YearFigure:
    """The solution at the end of a year (today, for this year)."""

    year: int
    adopters: int
    population: int
    cost_per_inhabitant: Decimal | None


@dataclass(frozen=True, slots=True)
class Entry:
    """A consortium as the catalogue shows it; None: not published."""

    consortium_id: UUID
    name: str
    phase: Phase
    challenge: str | None
    results: tuple[str, ...] | None  # the titles of the gates passed
    decisions: tuple[Gate, ...] | None
    members: tuple[Party, ...] | None
    adopters: int | None
    population_covered: int | None
    adoptions: tuple[Adoption, ...] | None
    years: tuple[YearFigure, ...] | None
    cost_so_far: Money | None
    cost_per_inhabitant: Decimal | None
    horizon: int | None
    published: frozenset[Part]


def is_listed(parts: frozenset[Part], milestones: Sequence[Milestone]) -> bool:
    return bool(parts) and any(m.is_passed for m in milestones)


def population_on(memberships: Sequence[Member], day: date) -> int:
    """The inhabitants of the municipalities that were members on ``day``."""
    return sum(
        m.population or 0
        for m in memberships
        if m.sector is Sector.MUNICIPALITY
        and _joined(m) <= day
        and (m.left_on is None or m.left_on > day)
    )


def per_inhabitant(cost: Money, population: int) -> Decimal | None:
    """Euros per inhabitant, to a hundredth of a cent (a cent is too coarse: a few cents per
    inhabitant is the usual figure, and each adoption must be seen to lower it)."""
    if population <= 0:
        return None
    return (cost.amount / population).quantize(PER_INHABITANT, rounding=ROUND_HALF_UP)


def adoptions_of(memberships: Sequence[Member], cost: Money) -> tuple[Adoption, ...]:
    """Each adopter's joining in order, with the population and cost per inhabitant it changed."""
    adopters = sorted(
        (m for m in memberships if m.role is MemberRole.ADOPTER),
        key=lambda m: (_joined(m), m.joined_at),
    )
    found = []
    for number, adopter in enumerate(adopters, start=1):
        day = _joined(adopter)
        others = [m for m in memberships if m.id != adopter.id]
        before = population_on(others, day)
        after = population_on([*others, adopter], day)
        found.append(
            Adoption(
                party=adopter.party,
                joined_on=day,
                adopters=number,
                population_before=before,
                population_after=after,
                cost_per_inhabitant_before=per_inhabitant(cost, before),
                cost_per_inhabitant_after=per_inhabitant(cost, after),
            )
        )
    return tuple(found)


def adopters_on(memberships: Sequence[Member], day: date) -> int:
    return sum(
        1
        for m in memberships
        if m.role is MemberRole.ADOPTER
        and _joined(m) <= day
        and (m.left_on is None or m.left_on > day)
    )


def years_of(
    memberships: Sequence[Member], cost: Money | None, today: date
) -> tuple[YearFigure, ...]:
    """Adopters, population covered and cost per inhabitant at the end of each year since the
    first member joined (``cost``: None when the cost is not published)."""
    if not memberships:
        return ()
    first = min(_joined(m) for m in memberships).year
    found = []
    for year in range(first, today.year + 1):
        day = min(date(year, 12, 31), today)
        population = population_on(memberships, day)
        found.append(
            YearFigure(
                year=year,
                adopters=adopters_on(memberships, day),
                population=population,
                cost_per_inhabitant=None if cost is None else per_inhabitant(cost, population),
            )
        )
    return tuple(found)


def entry_of(
    *,
    consortium_id: UUID,
    name: str,
    challenge: str,
    phase: Phase,
    milestones: Sequence[Milestone],
    memberships: Sequence[Member],
    spent: Money,
    horizon: int | None,
    parts: frozenset[Part],
    today: date,
) -> Entry:
    """What the catalogue shows of a consortium: only the parts it published."""
    current = [m for m in memberships if m.left_on is None and m.left_at is None]
    passed = [m for m in milestones if m.is_passed]
    population = population_on(memberships, today)
    shows_members = Part.MEMBERS in parts
    shows_cost = Part.COST in parts
    return Entry(
        consortium_id=consortium_id,
        name=name,
        phase=phase,
        challenge=challenge if Part.CHALLENGE in parts else None,
        results=tuple(m.title for m in passed) if Part.RESULTS in parts else None,
        decisions=tuple(_gate(m) for m in passed) if Part.DECISIONS in parts else None,
        members=tuple(_party(m) for m in current) if shows_members else None,
        adopters=sum(m.role is MemberRole.ADOPTER for m in current) if shows_members else None,
        population_covered=population if shows_members else None,
        adoptions=_adoptions(memberships, spent, shows_members, shows_cost),
        years=years_of(memberships, spent if shows_cost else None, today)
        if shows_members
        else None,
        cost_so_far=spent if shows_cost else None,
        cost_per_inhabitant=per_inhabitant(spent, population) if shows_cost else None,
        horizon=horizon if Part.HORIZON in parts else None,
        published=parts,
    )


def band_of(population: int) -> str:
    for name, low, high in BANDS:
        if population >= low and (high is None or population <= high):
            return name
    return BANDS[0][0]


def matches(
    entry: Entry,
    *,
    text: str | None,
    sector: Sector | None,
    phase: Phase | None,
    band: str | None,
    province: Province | None = None,
) -> bool:
    """Whether an entry answers the catalogue's search; it searches what is published only."""
    if phase is not None and entry.phase is not phase:
        return False
    if text is not None:
        wanted = text.casefold()
        if wanted not in entry.name.casefold() and wanted not in (entry.challenge or "").casefold():
            return False
    members = entry.members or ()
    if sector is not None and not any(p.sector is sector for p in members):
        return False
    if province is not None and not any(p.province is province for p in members):
        return False
    return band is None or any(
        p.population is not None and band_of(p.population) == band for p in members
    )


def _adoptions(
    memberships: Sequence[Member], spent: Money, shows_members: bool, shows_cost: bool
) -> tuple[Adoption, ...] | None:
    if not shows_members:
        return None
    found = adoptions_of(memberships, spent)
    if shows_cost:
        return found
    return tuple(
        Adoption(
            a.party, a.joined_on, a.adopters, a.population_before, a.population_after, None, None
        )
        for a in found
    )


def _joined(member: Member) -> date:
    return member.joined_on or member.joined_at.date()


def _gate(milestone: Milestone) -> Gate:
    return Gate(
        title=milestone.title,
        questions=tuple(q.text for q in milestone.questions),
        decision=milestone.last_decision.value if milestone.last_decision else "",
        conditions=milestone.conditions,
    )


def _party(member: Member) -> Party:
    return Party(
        party=member.party,
        sector=member.sector,
        role=member.role,
        population=member.population,
        joined_on=_joined(member),
        province=member.province,
    )
