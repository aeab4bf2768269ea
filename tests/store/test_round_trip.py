"""What one store writes, another store on the same database reads back exactly.

The module's story is written once through the use cases; a second store, opened on the same
settings afterwards with its own connections and an empty cache (as after a restart, or in
another process), reads it back. The tests only read.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import cast
from uuid import UUID

import pytest

from consortium.aggregate import Consortium
from consortium.ledger import Contribution, ContributionKind
from consortium.members import Member, MemberRole, Sector
from consortium.money import Money
from consortium.phases import Phase
from consortium.recording import ConsortiumEvent
from events.bootstrap import Store, open_store
from events.settings import StoreSettings
from tests.clock import StepClock
from tests.store.support import PM, admit, comparable, found

PLEDGED = Money.parse("50000.00")
YEAR = 2026  # the StepClock's year


@dataclass(frozen=True)
class Story:
    consortium_id: UUID
    lead: Member
    leaver: Member
    adopter: Member
    contribution: Contribution
    written: Consortium


@pytest.fixture(scope="module")
def story(module_store: Store) -> Story:
    """Founded; three members admitted, one of whom left; on to pilot; a pledge and an in-kind
    contribution booked, all through the use cases."""
    consortia = module_store.consortia
    consortium_id = found(consortia, PM)
    lead = admit(
        consortia,
        consortium_id,
        "Gemeente Utrecht",
        PM,
        sector=Sector.MUNICIPALITY,
        role=MemberRole.LEAD,
        population=374_238,
        contact_email="innovatie@utrecht.example",
    )
    leaver = admit(consortia, consortium_id, "Hogeschool Utrecht", PM, sector=Sector.ACADEMIA)
    adopter = admit(consortia, consortium_id, "Zorgtech BV", PM, role=MemberRole.ADOPTER)
    consortia.member_leaves(consortium_id, leaver.id, reason="Onderzoek afgerond", caller=PM)
    consortia.move_to_phase(consortium_id, Phase.PILOT, reason=None, caller=PM)
    consortia.pledge(
        consortium_id, member_id=lead.id, year=YEAR, amount=PLEDGED, reason=None, caller=PM
    )
    contribution = consortia.log_contribution(
        consortium_id,
        member_id=adopter.id,
        kind=ContributionKind.IN_KIND,
        amount=Money.parse("1062.50"),
        on=date(YEAR, 3, 2),
        year=None,
        reference="Uren ontwikkelteam",
        hours=Decimal("12.5"),
        rate=Money.parse("85.00"),
        caller=PM,
    )
    written = consortia.consortium(consortium_id, PM)
    return Story(consortium_id, lead, leaver, adopter, contribution, written)


@pytest.fixture(scope="module")
def new_store(
    story: Story, module_settings: StoreSettings, module_clock: StepClock
) -> Iterator[Store]:
    """A new store on the same settings, opened after the story was written."""
    store = open_store(module_settings, module_clock)
    yield store
    store.close()


@pytest.fixture(scope="module")
def reread(story: Story, new_store: Store) -> Consortium:
    return new_store.consortia.consortium(story.consortium_id, PM)


def test_a_consortium_reads_back_equal_through_a_new_store(
    story: Story, reread: Consortium
) -> None:
    assert comparable(reread) == comparable(story.written)


def test_every_event_is_read_back(reread: Consortium) -> None:
    # founded, role granted, 3 admitted, 1 left, phase changed, pledged, contribution logged
    assert reread.version == 9


def test_memberships_read_back_in_the_order_they_joined(story: Story, new_store: Store) -> None:
    assert [m.party for m in new_store.consortia.members(story.consortium_id, PM)] == [
        "Gemeente Utrecht",
        "Hogeschool Utrecht",
        "Zorgtech BV",
    ]


def test_a_member_reads_back_with_sector_role_population_contact_and_join_time(
    story: Story, reread: Consortium
) -> None:
    assert reread.member(story.lead.id) == story.lead


def test_a_member_who_left_reads_back_with_when_and_why(story: Story, new_store: Store) -> None:
    left = new_store.consortia.member(story.consortium_id, story.leaver.id, PM)
    assert (left.left_at is not None, left.leave_reason) == (True, "Onderzoek afgerond")
    assert left.joined_at == story.leaver.joined_at


def test_a_member_who_left_is_no_longer_among_the_current_members(reread: Consortium) -> None:
    assert [m.party for m in reread.members] == ["Gemeente Utrecht", "Zorgtech BV"]


def test_the_phase_reads_back_with_the_moment_it_began(story: Story, reread: Consortium) -> None:
    assert (reread.phase, reread.phase_since) == (Phase.PILOT, story.written.phase_since)


def test_a_pledge_reads_back_as_money(story: Story, reread: Consortium) -> None:
    assert reread.ledger.pledge(story.lead.id, YEAR) == PLEDGED


def test_a_contribution_reads_back_with_its_date_hours_and_rate(
    story: Story, new_store: Store
) -> None:
    booked = new_store.consortia.contribution(story.consortium_id, story.contribution.id, PM)
    assert booked.contribution == story.contribution


def test_each_event_reads_back_with_its_actor_and_request_id(
    story: Story, new_store: Store
) -> None:
    history = new_store.consortia.history(story.consortium_id, PM)

    causes = {(e.actor, e.request_id) for e in cast(list[ConsortiumEvent], history.items)}

    assert causes == {(PM.actor, PM.request_id)}
