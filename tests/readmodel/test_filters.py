"""Portfolio filters: phase, sector of a current member, member party (current or former), text
in the name or the challenge, and next checkpoint before a date; each alone and combined."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest

from consortium.members import MemberRole, Sector
from consortium.milestones import Decision
from consortium.phases import Phase
from events.bootstrap import Store
from events.readmodel.queries import PortfolioFilter
from tests.api.support import CONSORTIA, all_pages
from tests.conftest import Api
from tests.readmodel.support import SYSTEM, THREE_YES, portfolio_all

F = PortfolioFilter


def build_world(store: Store) -> dict[str, UUID]:
    """Six consortia, named by letter:

    A "Langer thuis in Utrecht": pilot; Gemeente Utrecht, Zorgtech BV; checkpoint 2026-04-01
    B "Warme wijk": exploration; Universiteit Utrecht, Gemeente Zeist (left); checkpoint 2026-05-15
    C "Groene daken" (challenge "100% groen"): scale_up; Bouwbedrijf Jansen; its checkpoint of
      2026-03-20 passed, the next one 2026-09-01
    D "Data_wijk": exploration; Gemeente Utrecht; no checkpoint
    E "Thuiszorg op afstand": stopped; Gemeente Amersfoort
    F "Slimme zorg": exploration; no members
    """
    app = store.consortia
    ids: dict[str, UUID] = {}

    def found(letter: str, name: str, challenge: str) -> UUID:
        ids[letter] = app.found(name=name, challenge=challenge, description=None, caller=SYSTEM).id
        return ids[letter]

    def admit(consortium_id: UUID, party: str, sector: Sector, role: MemberRole) -> UUID:
        member = app.admit_member(
            consortium_id,
            party=party,
            sector=sector,
            role=role,
            contact_email=None,
            population=None,
            caller=SYSTEM,
        )
        return member.id

    def plan(consortium_id: UUID, due: date) -> UUID:
        milestone = app.plan_milestone(
            consortium_id,
            title=f"Validatie {due}",
            due_date=due,
            description=None,
            questions=None,
            tranche=None,
            closes_phase=None,
            responsible_member_ids=None,
            caller=SYSTEM,
        )
        return milestone.id

    def move(consortium_id: UUID, *phases: Phase) -> None:
        for phase in phases:
            reason = "Geen financiering" if phase is Phase.STOPPED else None
            app.move_to_phase(consortium_id, phase, reason=reason, caller=SYSTEM)

    a = found("A", "Langer thuis in Utrecht", "Ouderen wonen langer zelfstandig thuis")
    admit(a, "Gemeente Utrecht", Sector.MUNICIPALITY, MemberRole.LEAD)
    admit(a, "Zorgtech BV", Sector.MARKET, MemberRole.PARTNER)
    plan(a, date(2026, 4, 1))
    move(a, Phase.PILOT)

    b = found("B", "Warme wijk", "Energiearmoede bestrijden in Zeist")
    admit(b, "Universiteit Utrecht", Sector.ACADEMIA, MemberRole.LEAD)
    zeist = admit(b, "Gemeente Zeist", Sector.MUNICIPALITY, MemberRole.PARTNER)
    app.member_leaves(b, zeist, reason=None, caller=SYSTEM)
    plan(b, date(2026, 5, 15))

    c = found("C", "Groene daken", "100% groen in 2030")
    admit(c, "Bouwbedrijf Jansen", Sector.MARKET, MemberRole.LEAD)
    passed = plan(c, date(2026, 3, 20))
    plan(c, date(2026, 9, 1))
    app.evaluate_checkpoint(
        c,
        passed,
        answers=THREE_YES,
        decision=Decision.GO,
        conditions=None,
        new_due_date=None,
        clears_conditions_of=None,
        caller=SYSTEM,
    )
    move(c, Phase.PILOT, Phase.SCALE_UP)

    d = found("D", "Data_wijk", "Open data voor de buurt")
    admit(d, "Gemeente Utrecht", Sector.MUNICIPALITY, MemberRole.LEAD)

    e = found("E", "Thuiszorg op afstand", "Zorg dichtbij")
    admit(e, "Gemeente Amersfoort", Sector.MUNICIPALITY, MemberRole.LEAD)
    move(e, Phase.STOPPED)

    found("F", "Slimme zorg", "Digitale zorg")
    return ids


@pytest.fixture(scope="module")
def world(shared_store: Store) -> tuple[Store, dict[str, UUID]]:
    return shared_store, build_world(shared_store)


def letters(world: tuple[Store, dict[str, UUID]], where: PortfolioFilter) -> str:
    """The letters of the consortia the filter lets through, in the order founded."""
    store, ids = world
    by_id = {consortium_id: letter for letter, consortium_id in ids.items()}
    return "".join(by_id[row.id] for row in portfolio_all(store, where=where))


def test_without_filters_every_consortium_is_listed(world: Any) -> None:
    assert letters(world, F()) == "ABCDEF"


@pytest.mark.parametrize(
    ("phase", "expected"),
    [("pilot", "A"), ("exploration", "BDF"), ("scale_up", "C"), ("stopped", "E"), ("closed", "")],
)
def test_the_phase_filter_lists_the_consortia_in_that_phase(
    world: Any, phase: str, expected: str
) -> None:
    assert letters(world, F(phase=phase)) == expected


@pytest.mark.parametrize(
    ("sector", "expected"),
    [("municipality", "ADE"), ("academia", "B"), ("market", "AC"), ("government", "")],
)
def test_the_sector_filter_counts_only_current_members(
    world: Any, sector: str, expected: str
) -> None:
    assert letters(world, F(sector=sector)) == expected


@pytest.mark.parametrize(
    ("party", "expected"),
    [
        ("Gemeente Utrecht", "AD"),
        ("  gemeente UTRECHT ", "AD"),
        ("Gemeente Zeist", "B"),  # left B, but was a member
        ("Gemeente", ""),  # a party is named in full
    ],
)
def test_the_party_filter_finds_current_and_former_members_ignoring_case(
    world: Any, party: str, expected: str
) -> None:
    assert letters(world, F(party=party)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("THUIS", "AE"),  # A by name and challenge, E by name
        ("zeist", "B"),  # only in B's challenge
        ("groene daken", "C"),
        ("100%", "C"),  # % is a character, not a wildcard
        ("%", "C"),
        ("_", "D"),  # _ is a character, not a wildcard
        ("a_w", "D"),
        ("Langer thuis in Utrecht", "A"),
        ("niets van dit", ""),
    ],
)
def test_the_text_filter_searches_name_and_challenge_ignoring_case_and_wildcards(
    world: Any, text: str, expected: str
) -> None:
    assert letters(world, F(text=text)) == expected


def test_the_text_filter_does_not_match_across_name_and_challenge(world: Any) -> None:
    assert letters(world, F(text="utrecht ouderen")) == ""


@pytest.mark.parametrize(
    ("before", "expected"),
    [
        (date(2026, 4, 1), ""),  # strictly before: A's checkpoint is due on that day
        (date(2026, 4, 2), "A"),
        (date(2026, 6, 1), "AB"),
        (date(2026, 9, 2), "ABC"),  # C's passed checkpoint no longer counts, its next one does
    ],
)
def test_the_checkpoint_filter_lists_consortia_whose_next_open_checkpoint_is_due_before(
    world: Any, before: date, expected: str
) -> None:
    assert letters(world, F(checkpoint_before=before)) == expected


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (F(phase="exploration", sector="academia"), "B"),
        (F(phase="exploration", sector="municipality"), "D"),
        (F(sector="market", checkpoint_before=date(2026, 6, 1)), "A"),
        (F(party="Gemeente Utrecht", text="data"), "D"),
        (F(party="Gemeente Zeist", sector="municipality"), ""),  # a former member's sector
        (F(text="zorg", phase="exploration"), "F"),
        (
            F(
                phase="pilot",
                sector="municipality",
                party="zorgtech bv",
                text="thuis",
                checkpoint_before=date(2026, 5, 1),
            ),
            "A",
        ),
        (
            F(
                phase="pilot",
                sector="municipality",
                party="zorgtech bv",
                text="thuis",
                checkpoint_before=date(2026, 4, 1),
            ),
            "",
        ),
    ],
)
def test_filters_combine_as_and(world: Any, where: PortfolioFilter, expected: str) -> None:
    assert letters(world, where) == expected


@pytest.mark.parametrize("sort", ["name", "-founded", "next_checkpoint"])
def test_a_filtered_list_pages_through_exactly_the_filtered_consortia(
    world: Any, sort: str
) -> None:
    store, _ = world
    where = F(sector="municipality")
    whole = [row.id for row in portfolio_all(store, where=where, sort=sort)]

    paged: list[UUID] = []
    cursor = None
    while True:
        rows, cursor = store.read.portfolio(
            SYSTEM.principal, where, sort=sort, cursor=cursor, limit=1
        )
        paged.extend(row.id for row in rows)
        if cursor is None:
            break

    assert paged == whole
    assert len(whole) == 3


def test_the_api_passes_every_filter_on(api: Api, store: Store) -> None:
    build_world(store)
    query = "phase=pilot&sector=market&party=zorgtech%20bv&q=THUIS&checkpoint_before=2026-05-01"

    response = api.get(f"{CONSORTIA}?{query}")

    assert [item["name"] for item in response.json["items"]] == ["Langer thuis in Utrecht"]


def test_the_api_next_link_keeps_the_filters(api: Api, store: Store) -> None:
    build_world(store)

    items = all_pages(api, f"{CONSORTIA}?sector=municipality&sort=name&limit=1")

    assert [item["name"] for item in items] == [
        "Data_wijk",
        "Langer thuis in Utrecht",
        "Thuiszorg op afstand",
    ]
