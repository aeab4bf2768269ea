"""Admitting members, members leaving, and what a member who left can no longer do."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import uuid4

import pytest

from consortium.aggregate import Consortium
from consortium.errors import (
    AlreadyMember,
    InvalidValue,
    LastLeadCannotLeave,
    MemberNotCurrent,
    MemberNotFound,
)
from consortium.members import Member, MemberRole, Sector
from consortium.money import Money
from consortium.text import MAX_REASON
from tests.domain.support import START, admit, cause

# -- admitting ----------------------------------------------------------------------------------


def test_an_admitted_member_is_active(consortium: Consortium, partner: Member) -> None:
    assert consortium.active_members == (partner,)


def test_an_admitted_member_keeps_what_was_said_about_it(consortium: Consortium) -> None:
    member = consortium.admit_member(
        party=" Gemeente Utrecht ",
        sector=Sector.MUNICIPALITY,
        role=MemberRole.LEAD,
        contact_email="innovatie@utrecht.nl",
        population=374_238,
        cause=cause(1),
    )
    said = (member.party, member.sector, member.role, member.contact_email, member.population)
    assert said == (
        "Gemeente Utrecht",
        Sector.MUNICIPALITY,
        MemberRole.LEAD,
        "innovatie@utrecht.nl",
        374_238,
    )


def test_a_member_joins_at_the_time_of_its_admission(consortium: Consortium) -> None:
    member = admit(consortium, "Hogeschool Utrecht", minutes=5)
    assert member.joined_at == cause(5).at


def test_members_are_listed_in_the_order_they_joined(consortium: Consortium) -> None:
    for party in ("Gemeente Utrecht", "Hogeschool Utrecht", "Zorgtech BV"):
        admit(consortium, party)
    assert [m.party for m in consortium.members] == [
        "Gemeente Utrecht",
        "Hogeschool Utrecht",
        "Zorgtech BV",
    ]


def test_each_membership_has_its_own_id(consortium: Consortium) -> None:
    first, second = admit(consortium, "Gemeente Utrecht"), admit(consortium, "Gemeente Zeist")
    assert first.id != second.id


def test_a_member_is_found_by_its_id(consortium: Consortium, partner: Member) -> None:
    assert consortium.member(partner.id) == partner


@pytest.mark.parametrize(
    "party", ["Hogeschool Utrecht", "hogeschool utrecht", " HOGESCHOOL UTRECHT "]
)
def test_an_active_party_cannot_be_admitted_twice_whatever_its_case(
    consortium: Consortium, partner: Member, party: str
) -> None:
    with pytest.raises(AlreadyMember):
        admit(consortium, party)


@pytest.mark.parametrize(
    "party",
    [
        "Hogeschool  Utrecht",  # two spaces
        "Hogeschool\u00a0Utrecht",  # a no-break space
        "Hogeschool Utrecht\u200b",  # a zero-width space
        "Hoge\u00adschool Utrecht",  # a soft hyphen
        "Hogeschool Útrecht",  # an accent
    ],
)
def test_an_active_party_cannot_be_admitted_twice_in_a_name_that_looks_the_same(
    consortium: Consortium, partner: Member, party: str
) -> None:
    with pytest.raises(AlreadyMember):
        admit(consortium, party)


def test_a_name_is_kept_with_one_space_between_words_and_nothing_invisible(
    consortium: Consortium,
) -> None:
    member = admit(consortium, "Gemeente\u00a0 Zeist\u200b")

    assert member.party == "Gemeente Zeist"


@pytest.mark.parametrize("party", ["\u200b", "\ufeff", "\u00ad", "\u0301", " \u200b "])
def test_a_name_of_invisible_characters_only_is_refused(consortium: Consortium, party: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        admit(consortium, party)

    assert refused.value.field == "party"


def test_parties_are_compared_by_unicode_case_folding(consortium: Consortium) -> None:
    admit(consortium, "Gemeente Straße")
    with pytest.raises(AlreadyMember):
        admit(consortium, "GEMEENTE STRASSE")


def test_a_party_that_left_can_be_admitted_again(consortium: Consortium, partner: Member) -> None:
    consortium.member_leaves(partner.id, reason=None, cause=cause(2))
    again = admit(consortium, "Hogeschool Utrecht", minutes=3)
    assert again.is_active


def test_readmission_is_a_new_membership_next_to_the_old_one(
    consortium: Consortium, partner: Member
) -> None:
    consortium.member_leaves(partner.id, reason=None, cause=cause(2))
    again = admit(consortium, "Hogeschool Utrecht", minutes=3)
    assert again.id != partner.id
    assert [m.id for m in consortium.members] == [again.id]


def test_an_invalid_contact_email_refuses_the_admission(consortium: Consortium) -> None:
    with pytest.raises(InvalidValue) as refused:
        consortium.admit_member(
            party="Gemeente Utrecht",
            sector=Sector.MUNICIPALITY,
            role=MemberRole.LEAD,
            contact_email="utrecht.nl",
            cause=cause(1),
        )
    assert refused.value.field == "contact_email"


def test_a_population_for_a_party_that_is_no_municipality_refuses_the_admission(
    consortium: Consortium,
) -> None:
    with pytest.raises(InvalidValue) as refused:
        consortium.admit_member(
            party="Zorgtech BV",
            sector=Sector.MARKET,
            role=MemberRole.PARTNER,
            population=1000,
            cause=cause(1),
        )
    assert refused.value.field == "population"


def test_an_empty_party_refuses_the_admission(consortium: Consortium) -> None:
    with pytest.raises(InvalidValue) as refused:
        admit(consortium, "  ")
    assert refused.value.field == "party"


# -- leaving ------------------------------------------------------------------------------------


def test_a_member_who_left_is_no_longer_active(consortium: Consortium, partner: Member) -> None:
    consortium.member_leaves(partner.id, reason=None, cause=cause(2))
    assert consortium.active_members == ()


def test_a_member_leaving_is_recorded_as_a_fact_naming_it(
    consortium: Consortium, partner: Member
) -> None:
    consortium.member_leaves(partner.id, reason="Klaar", cause=cause(2))
    left: Any = consortium.collect_events()[-1]
    assert (type(left).__name__, left.member_id, left.reason) == ("MemberLeft", partner.id, "Klaar")


def test_leaving_records_when_the_member_left(consortium: Consortium, partner: Member) -> None:
    left = consortium.member_leaves(partner.id, reason=None, cause=cause(2))
    assert left.left_at == cause(2).at


def test_leaving_keeps_the_reason_trimmed(consortium: Consortium, partner: Member) -> None:
    left = consortium.member_leaves(partner.id, reason="  Focus elders  ", cause=cause(2))
    assert left.leave_reason == "Focus elders"


def test_leaving_keeps_when_the_member_joined(consortium: Consortium, partner: Member) -> None:
    left = consortium.member_leaves(partner.id, reason=None, cause=cause(2))
    assert left.joined_at == partner.joined_at


def test_a_reason_to_leave_that_is_too_long_is_refused(
    consortium: Consortium, partner: Member
) -> None:
    with pytest.raises(InvalidValue) as refused:
        consortium.member_leaves(partner.id, reason="r" * (MAX_REASON + 1), cause=cause(2))
    assert refused.value.field == "reason"


def test_a_member_who_left_cannot_leave_again(consortium: Consortium, partner: Member) -> None:
    consortium.member_leaves(partner.id, reason=None, cause=cause(2))
    # The aggregate keeps its current members only; the use case says the member left.
    with pytest.raises(MemberNotCurrent):
        consortium.member_leaves(partner.id, reason=None, cause=cause(3))


def test_a_member_who_left_cannot_pledge(consortium: Consortium, partner: Member) -> None:
    consortium.member_leaves(partner.id, reason=None, cause=cause(2))
    with pytest.raises(MemberNotCurrent):
        consortium.pledge(
            member_id=partner.id,
            year=START.year,
            amount=Money(Decimal(1000)),
            reason=None,
            cause=cause(3),
        )


def test_a_member_who_left_is_no_longer_found_among_the_current_ones(
    consortium: Consortium, partner: Member
) -> None:
    consortium.member_leaves(partner.id, reason=None, cause=cause(2))
    with pytest.raises(MemberNotCurrent):
        consortium.member(partner.id)


def test_an_unknown_member_cannot_leave(consortium: Consortium, partner: Member) -> None:
    with pytest.raises(MemberNotFound):
        consortium.member_leaves(uuid4(), reason=None, cause=cause(2))


def test_an_unknown_member_is_not_found(consortium: Consortium, partner: Member) -> None:
    with pytest.raises(MemberNotFound):
        consortium.member(uuid4())


# -- the last lead ------------------------------------------------------------------------------


def test_the_only_lead_cannot_leave(consortium: Consortium, lead: Member) -> None:
    with pytest.raises(LastLeadCannotLeave):
        consortium.member_leaves(lead.id, reason=None, cause=cause(2))


def test_a_lead_can_leave_once_another_lead_is_admitted(
    consortium: Consortium, lead: Member
) -> None:
    admit(consortium, "Gemeente Amersfoort", role=MemberRole.LEAD, sector=Sector.MUNICIPALITY)
    left = consortium.member_leaves(lead.id, reason=None, cause=cause(2))
    assert not left.is_active


def test_a_lead_who_left_does_not_count_as_another_lead(
    consortium: Consortium, lead: Member
) -> None:
    other = admit(consortium, "Gemeente Amersfoort", role=MemberRole.LEAD)
    consortium.member_leaves(other.id, reason=None, cause=cause(2))
    with pytest.raises(LastLeadCannotLeave):
        consortium.member_leaves(lead.id, reason=None, cause=cause(3))


def test_partners_can_leave_while_the_lead_stays(
    consortium: Consortium, lead: Member, partner: Member
) -> None:
    consortium.member_leaves(partner.id, reason=None, cause=cause(2))
    assert consortium.active_members == (lead,)


def test_the_last_partner_can_leave_a_consortium_without_a_lead(
    consortium: Consortium, partner: Member
) -> None:
    left = consortium.member_leaves(partner.id, reason=None, cause=cause(2))
    assert not left.is_active


def test_refusing_a_second_admission_names_the_party_as_it_is_recorded(
    consortium: Consortium, partner: Member
) -> None:
    with pytest.raises(AlreadyMember, match=r"^Hogeschool Utrecht is already a member"):
        admit(consortium, "hogeschool utrecht")
