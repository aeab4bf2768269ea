"""The catalogue entry of a consortium: listed once a gate passed and something is published,
showing only what was published, with figures computed from its members and spending."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from consortium.adopter_plan import adopter_steps
from consortium.aggregate import Consortium
from consortium.catalogue import Entry, entry_of, is_listed, matches, population_on
from consortium.members import MemberRole, Sector
from consortium.milestones import AnswerValue, Decision
from consortium.money import Money
from consortium.publication import Part, Publication
from tests.domain.support import cause, found

# Which fields of an entry each part fills; a field not listed is shown always.
FIELDS_OF: dict[Part, tuple[str, ...]] = {
    Part.CHALLENGE: ("challenge",),
    Part.RESULTS: ("results",),
    Part.DECISIONS: ("decisions",),
    Part.MEMBERS: ("members", "adopters", "population_covered", "adoptions", "years"),
    Part.COST: ("cost_so_far", "cost_per_inhabitant"),
    Part.HORIZON: ("horizon",),
}


def proven() -> Consortium:
    consortium = found()
    for party, population, minutes in (
        ("Gemeente Utrecht", 361_000, 1),
        ("Gemeente Zeist", 65_000, 2),
    ):
        consortium.admit_member(
            party=party,
            sector=Sector.MUNICIPALITY,
            role=MemberRole.LEAD,
            population=population,
            cause=cause(minutes),
        )
    gate = consortium.plan_milestone(title="Het werkt", due_date=date(2026, 6, 1), cause=cause(3))
    consortium.evaluate_checkpoint(
        gate.id,
        answers=[(q.key, AnswerValue.YES, None) for q in gate.questions],
        decision=Decision.GO,
        conditions=None,
        new_due_date=None,
        clears_conditions_of=None,
        cause=cause(4),
    )
    return consortium


def entry(consortium: Consortium, parts: frozenset[Part]) -> Entry:
    return entry_of(
        consortium_id=consortium.id,
        name=consortium.name,
        challenge=consortium.challenge,
        phase=consortium.phase,
        milestones=consortium.milestones,
        memberships=consortium.members,
        spent=Money(Decimal("42600.00")),
        horizon=2027,
        parts=parts,
        today=cause(5).today,
    )


def test_a_consortium_is_listed_once_a_gate_passed_and_something_is_published() -> None:
    consortium = found()
    assert not is_listed(frozenset(Part), consortium.milestones)
    assert not is_listed(frozenset(), proven().milestones)
    assert is_listed(frozenset({Part.CHALLENGE}), proven().milestones)


@pytest.mark.parametrize("hidden", list(Part))
def test_no_unpublished_part_shows(hidden: Part) -> None:
    shown = entry(proven(), frozenset(Part) - {hidden})
    for field in FIELDS_OF[hidden]:
        assert getattr(shown, field) is None, field
    for part in set(Part) - {hidden}:
        for field in FIELDS_OF[part]:
            if not (hidden is Part.COST and field in ("adoptions", "years")):
                assert getattr(shown, field) is not None, field


def test_with_members_but_not_cost_the_adoptions_show_no_cost() -> None:
    consortium = proven()
    consortium.admit_member(
        party="Gemeente Houten",
        sector=Sector.MUNICIPALITY,
        role=MemberRole.ADOPTER,
        population=50_000,
        cause=cause(6),
    )
    shown = entry(consortium, frozenset({Part.MEMBERS}))
    assert shown.adoptions is not None
    assert [
        (a.cost_per_inhabitant_before, a.cost_per_inhabitant_after) for a in shown.adoptions
    ] == [(None, None)]


def test_cost_per_inhabitant_is_the_cost_over_the_population_covered() -> None:
    shown = entry(proven(), frozenset(Part))
    assert shown.population_covered == 426_000
    assert shown.cost_per_inhabitant == Decimal("0.1000")


def test_population_covered_counts_municipalities_on_the_day() -> None:
    consortium = proven()
    members = consortium.members
    assert population_on(members, cause().today - timedelta(days=1)) == 0
    assert population_on(members, cause().today) == 426_000


def test_search_looks_only_at_what_is_published() -> None:
    hidden_challenge = entry(proven(), frozenset({Part.RESULTS}))
    shown_challenge = entry(proven(), frozenset({Part.CHALLENGE}))
    kwargs = {"sector": None, "phase": None, "band": None}
    assert not matches(hidden_challenge, text="zelfstandig", **kwargs)
    assert matches(shown_challenge, text="zelfstandig", **kwargs)
    assert not matches(
        hidden_challenge, text=None, sector=Sector.MUNICIPALITY, phase=None, band=None
    )
    assert matches(
        entry(proven(), frozenset({Part.MEMBERS})), text=None, sector=None, phase=None, band="large"
    )


def test_publishing_the_same_parts_again_records_nothing() -> None:
    publication = Publication.start(found().id, cause())
    publication.choose([Part.CHALLENGE], cause(1))
    publication.choose([Part.CHALLENGE], cause(2))
    kinds = [type(e).__name__ for e in publication.collect_events()]
    assert kinds == ["Started", "PartsChosen"]


def test_an_adopters_checkpoints_follow_the_pilots_pace_from_its_joining() -> None:
    consortium = proven()
    steps = adopter_steps(consortium.milestones, "Gemeente Houten", date(2027, 1, 4))
    # planned on 2 March 2026, due 1 June 2026: 91 days
    assert [(s.title, s.due_date) for s in steps] == [
        ("Het werkt (Gemeente Houten)", date(2027, 1, 4) + timedelta(days=91))
    ]


def test_the_years_count_adopters_and_population_at_each_years_end() -> None:
    consortium = proven()
    consortium.admit_member(
        party="Gemeente Houten",
        sector=Sector.MUNICIPALITY,
        role=MemberRole.ADOPTER,
        population=50_000,
        cause=cause(6),
    )
    shown = entry(consortium, frozenset(Part))
    assert shown.years is not None
    assert [(y.year, y.adopters, y.population) for y in shown.years] == [(2026, 1, 476_000)]
    assert shown.years[0].cost_per_inhabitant == Decimal("0.0895")
