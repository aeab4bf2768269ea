"""The story of issue 17: a solution piloted by three municipalities is adopted by two more
over two years. Each year's shares add up to the cent, earlier years never change, and the
catalogue's figures equal a recomputation from the events. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from consortium.adoption import RequestStatus
from consortium.aggregate import Consortium
from consortium.money import Money
from events.bootstrap import Store
from events.catalogue import CatalogueFilter
from events.consortia import ConsortiumApplication
from tests.adoption.support import PM, Pilot, officer, pilot
from tests.clock import StepClock

HOUTEN = ("houten", "Gemeente Houten", 50_000)
BUNNIK = ("bunnik", "Gemeente Bunnik", 15_000)


def _move_to(clock: StepClock, day: datetime) -> None:
    clock.advance(day - clock.peek())


def _adopt(consortia: ConsortiumApplication, cid: UUID, town: tuple[str, str, int]) -> UUID:
    account, party, population = town
    request = consortia.ask_to_adopt(
        cid,
        party=party,
        population=population,
        contact_email=f"officer@{account}.example",
        caller=officer(account),
    )
    _, member = consortia.approve_adoption(cid, request.id, caller=PM)
    return member.id


def _pledges(consortia: ConsortiumApplication, cid: UUID, year: int) -> dict[UUID, Money]:
    consortium = consortia.consortium(cid, PM)
    return {m: a for m, y, a in consortium.ledger.pledges() if y == year}


def _story(store: Store, clock: StepClock) -> tuple[Pilot, dict[int, dict[UUID, Money]]]:
    consortia = store.consortia
    solution = pilot(consortia)
    cid = solution.consortium_id
    pledged = {2026: _pledges(consortia, cid, 2026)}
    _move_to(clock, datetime(2026, 9, 1, 9, tzinfo=UTC))
    _adopt(consortia, cid, HOUTEN)
    consortia.pledge_by_key(cid, year=2027, amount=Money(Decimal("120000.00")), caller=PM)
    pledged[2027] = _pledges(consortia, cid, 2027)
    _move_to(clock, datetime(2027, 5, 3, 9, tzinfo=UTC))
    _adopt(consortia, cid, BUNNIK)
    consortia.pledge_by_key(cid, year=2028, amount=Money(Decimal("90000.01")), caller=PM)
    pledged[2028] = _pledges(consortia, cid, 2028)
    return solution, pledged


def test_each_years_shares_add_up_to_the_cent_by_the_version_of_that_year(
    store: Store, clock: StepClock
) -> None:
    solution, pledged = _story(store, clock)
    amounts = {2026: "100000.00", 2027: "120000.00", 2028: "90000.01"}
    for year, shares in pledged.items():
        assert sum((a.amount for a in shares.values()), Decimal(0)) == Decimal(amounts[year])
    assert [len(pledged[y]) for y in (2026, 2027, 2028)] == [3, 4, 5]
    versions = store.consortia.key_versions(solution.consortium_id, PM)
    assert [(v.number, v.from_year, len(v.member_ids)) for v in versions] == [
        (1, 2026, 3),
        (2, 2027, 4),
        (3, 2028, 5),
    ]


def test_earlier_years_never_change_when_adopters_join(store: Store, clock: StepClock) -> None:
    solution, pledged = _story(store, clock)
    for year in (2026, 2027):
        assert _pledges(store.consortia, solution.consortium_id, year) == pledged[year]


def test_the_adopter_has_its_own_checkpoint_paced_like_the_pilot(
    store: Store, clock: StepClock
) -> None:
    solution = pilot(store.consortia)
    _move_to(clock, datetime(2026, 9, 1, 9, tzinfo=UTC))
    member_id = _adopt(store.consortia, solution.consortium_id, HOUTEN)
    consortium = store.consortia.consortium(solution.consortium_id, PM)
    own = [m for m in consortium.milestones if member_id in m.responsible_member_ids]
    # The pilot's gate was due 91 days after it was planned (2 March → 1 June).
    assert [(m.title, m.due_date) for m in own] == [
        ("Het loket werkt (Gemeente Houten)", date(2026, 9, 1) + timedelta(days=91))
    ]
    assert "Vinden ondernemers het loket?" in [q.text for q in own[0].questions]


def test_the_adopters_representative_is_the_account_that_asked(
    store: Store, clock: StepClock
) -> None:
    solution, _ = _story(store, clock)
    consortium = store.consortia.consortium(solution.consortium_id, officer("bunnik"))
    bunnik = next(m for m in consortium.members if m.party == "Gemeente Bunnik")
    assert consortium.represented_members("officer@bunnik.example") == {bunnik.id}


def _recomputed(events: Sequence[object]) -> tuple[int, Money, list[Decimal]]:
    """Population covered, cost so far and cost per inhabitant after each adoption, straight
    from the consortium's events (not through the catalogue's code)."""
    population = 0
    spent = Decimal(0)
    after_each: list[int] = []
    for event in events:
        if isinstance(event, Consortium.MemberAdmitted) and event.population:
            population += event.population
            if event.role.value == "adopter":
                after_each.append(population)
        if isinstance(event, Consortium.ExpenditureRecorded):
            spent += event.amount.amount
    per = [(spent / p).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP) for p in after_each]
    return population, Money(spent), per


def test_the_catalogues_figures_equal_a_recomputation_from_the_events(
    store: Store, clock: StepClock
) -> None:
    solution, _ = _story(store, clock)
    cid = solution.consortium_id
    entry = store.consortia.catalogue_entry(cid)
    events = list(store.consortia.events.get(cid))
    population, spent, per_inhabitant = _recomputed(events)
    assert entry.population_covered == population == 651_000
    assert entry.cost_so_far == spent
    assert entry.adopters == 2
    assert entry.adoptions is not None
    assert [a.cost_per_inhabitant_after for a in entry.adoptions] == per_inhabitant
    assert [a.party for a in entry.adoptions] == ["Gemeente Houten", "Gemeente Bunnik"]
    assert entry.years is not None
    assert [(y.year, y.adopters, y.population) for y in entry.years] == [
        (2026, 1, 636_000),
        (2027, 2, 651_000),
    ]


def test_each_adoption_lowers_the_cost_per_inhabitant(store: Store, clock: StepClock) -> None:
    solution, _ = _story(store, clock)
    entry = store.consortia.catalogue_entry(solution.consortium_id)
    assert entry.adoptions is not None
    for adoption in entry.adoptions:
        assert adoption.cost_per_inhabitant_before is not None
        assert adoption.cost_per_inhabitant_after is not None
        assert adoption.cost_per_inhabitant_after < adoption.cost_per_inhabitant_before


def test_the_requests_are_approved_and_the_solution_is_found_in_the_catalogue(
    store: Store, clock: StepClock
) -> None:
    solution, _ = _story(store, clock)
    found = store.consortia.catalogue(CatalogueFilter(text="ondernemers"))
    assert [e.consortium_id for e in found.items] == [solution.consortium_id]
    requests = store.consortia.adoption_requests(solution.consortium_id, PM)
    assert [(r.party, r.status) for r in requests] == [
        ("Gemeente Houten", RequestStatus.APPROVED),
        ("Gemeente Bunnik", RequestStatus.APPROVED),
    ]


def test_a_member_that_left_shares_no_more_in_later_years(store: Store, clock: StepClock) -> None:
    solution, _ = _story(store, clock)
    cid = solution.consortium_id
    zeist = solution.member_ids[2]
    store.consortia.member_leaves(cid, zeist, reason="Stopt", caller=PM)
    _, shares = store.consortia.pledge_by_key(
        cid, year=2029, amount=Money(Decimal("1000.00")), caller=PM
    )
    assert zeist not in [s.member_id for s in shares]
    assert sum((s.amount.amount for s in shares), Decimal(0)) == Decimal("1000.00")
