"""The checks of a member's party, contact address and population, and a membership's life."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest

from consortium.errors import InvalidValue
from consortium.members import (
    MAX_PARTY_LENGTH,
    MAX_POPULATION,
    Member,
    MemberRole,
    Sector,
    check_contact_email,
    check_party,
    check_population,
)

# -- party --------------------------------------------------------------------------------------


def test_the_party_is_trimmed() -> None:
    assert check_party("  Gemeente Utrecht \n") == "Gemeente Utrecht"


@pytest.mark.parametrize("party", ["", "   ", "\t\n"])
def test_an_empty_party_is_refused(party: str) -> None:
    with pytest.raises(InvalidValue, match="name of its organisation"):
        check_party(party)


@pytest.mark.parametrize("party", [None, 42, b"Gemeente Utrecht"])
def test_a_party_that_is_not_text_is_refused(party: object) -> None:
    wrong: Any = party
    with pytest.raises(InvalidValue, match="name of its organisation"):
        check_party(wrong)


def test_a_party_of_the_maximum_length_is_accepted() -> None:
    assert len(check_party("x" * MAX_PARTY_LENGTH)) == MAX_PARTY_LENGTH


def test_a_party_one_character_too_long_is_refused() -> None:
    with pytest.raises(InvalidValue, match="longer than 200 characters"):
        check_party("x" * (MAX_PARTY_LENGTH + 1))


def test_the_length_of_a_party_is_counted_after_trimming() -> None:
    assert check_party(f"  {'x' * MAX_PARTY_LENGTH}  ") == "x" * MAX_PARTY_LENGTH


def test_a_refused_party_names_the_party_field() -> None:
    with pytest.raises(InvalidValue) as refused:
        check_party("")
    assert refused.value.field == "party"


# -- contact email ------------------------------------------------------------------------------


def test_no_contact_email_is_allowed() -> None:
    assert check_contact_email(None) is None


def test_a_contact_email_is_kept_as_given() -> None:
    assert check_contact_email("Info@Utrecht.nl") == "Info@Utrecht.nl"


@pytest.mark.parametrize(
    "email",
    ["", "utrecht.nl", "info@", "@utrecht.nl", "info@utrecht", "in fo@utrecht.nl", "a@b@c.nl"],
)
def test_a_contact_email_that_is_no_address_is_refused(email: str) -> None:
    with pytest.raises(InvalidValue, match="is not an email address"):
        check_contact_email(email)


def test_a_refused_contact_email_names_the_contact_email_field() -> None:
    with pytest.raises(InvalidValue) as refused:
        check_contact_email("utrecht.nl")
    assert refused.value.field == "contact_email"


# -- population ---------------------------------------------------------------------------------


def test_a_municipality_may_carry_its_population() -> None:
    assert check_population(Sector.MUNICIPALITY, 374_238) == 374_238


@pytest.mark.parametrize("sector", list(Sector))
def test_no_population_is_allowed_for_any_sector(sector: Sector) -> None:
    assert check_population(sector, None) is None


@pytest.mark.parametrize("sector", [s for s in Sector if s is not Sector.MUNICIPALITY])
def test_a_population_is_refused_for_a_party_that_is_no_municipality(sector: Sector) -> None:
    with pytest.raises(InvalidValue, match="municipalities only"):
        check_population(sector, 1000)


@pytest.mark.parametrize("population", [0, -1, MAX_POPULATION + 1])
def test_a_population_outside_one_to_the_cap_is_refused(population: int) -> None:
    with pytest.raises(InvalidValue, match="between 1 and 50,000,000"):
        check_population(Sector.MUNICIPALITY, population)


@pytest.mark.parametrize("population", [1, MAX_POPULATION])
def test_a_population_at_the_bounds_is_accepted(population: int) -> None:
    assert check_population(Sector.MUNICIPALITY, population) == population


@pytest.mark.parametrize("population", [True, 1000.0, 1000.5, "1000"])
def test_a_population_that_is_no_whole_number_is_refused(population: object) -> None:
    wrong: Any = population
    with pytest.raises(InvalidValue, match="whole number"):
        check_population(Sector.MUNICIPALITY, wrong)


def test_a_refused_population_names_the_population_field() -> None:
    with pytest.raises(InvalidValue) as refused:
        check_population(Sector.ACADEMIA, 1000)
    assert refused.value.field == "population"


# -- a membership -------------------------------------------------------------------------------

JOINED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LEFT = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


def utrecht() -> Member:
    return Member(
        id=uuid4(),
        party="Gemeente Utrecht",
        sector=Sector.MUNICIPALITY,
        role=MemberRole.LEAD,
        contact_email=None,
        population=374_238,
        joined_at=JOINED,
    )


def test_a_new_membership_is_active() -> None:
    assert utrecht().is_active


def test_a_membership_that_was_left_is_not_active() -> None:
    assert not utrecht().leaving(LEFT, None).is_active


def test_leaving_records_when_and_why() -> None:
    left = utrecht().leaving(LEFT, "Budget cut")
    assert (left.left_at, left.leave_reason) == (LEFT, "Budget cut")


def test_leaving_gives_a_new_membership_and_leaves_the_old_one_as_it_was() -> None:
    member = utrecht()
    member.leaving(LEFT, None)
    assert member.is_active
