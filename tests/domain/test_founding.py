"""Founding a consortium: a name, a societal challenge, and the budget's first year."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from consortium.aggregate import MAX_CHALLENGE, MAX_DESCRIPTION, MAX_NAME, Consortium
from consortium.cause import Cause
from consortium.errors import InvalidValue
from consortium.phases import Phase
from tests.domain.support import START, cause


def found_with(
    *,
    name: str = "Langer thuis in de wijk",
    challenge: str = "Ouderen wonen langer zelfstandig thuis",
    description: str | None = None,
    start_year: int | None = None,
    at: Cause | None = None,
) -> Consortium:
    return Consortium.found(
        name=name,
        challenge=challenge,
        description=description,
        start_year=start_year,
        cause=at or cause(),
    )


def test_a_new_consortium_starts_in_exploration() -> None:
    assert found_with().phase is Phase.EXPLORATION


def test_a_new_consortium_is_in_exploration_since_its_founding() -> None:
    assert found_with().phase_since == START


def test_a_new_consortium_has_no_members() -> None:
    assert found_with().members == ()


def test_each_founding_makes_a_consortium_of_its_own() -> None:
    assert found_with().id != found_with().id


def test_the_name_is_trimmed() -> None:
    assert found_with(name="  Langer thuis in de wijk \n").name == "Langer thuis in de wijk"


def test_the_challenge_is_trimmed() -> None:
    assert found_with(challenge=" Eenzaamheid ").challenge == "Eenzaamheid"


@pytest.mark.parametrize("name", ["", "   "])
def test_a_consortium_needs_a_name(name: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        found_with(name=name)
    assert refused.value.field == "name"


@pytest.mark.parametrize("challenge", ["", "   "])
def test_a_consortium_needs_a_challenge(challenge: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        found_with(challenge=challenge)
    assert refused.value.field == "challenge"


def test_a_name_of_the_maximum_length_is_accepted() -> None:
    assert len(found_with(name="n" * MAX_NAME).name) == MAX_NAME


def test_a_name_one_character_too_long_is_refused() -> None:
    with pytest.raises(InvalidValue, match=f"longer than {MAX_NAME} characters"):
        found_with(name="n" * (MAX_NAME + 1))


def test_a_challenge_of_the_maximum_length_is_accepted() -> None:
    assert len(found_with(challenge="c" * MAX_CHALLENGE).challenge) == MAX_CHALLENGE


def test_a_challenge_one_character_too_long_is_refused() -> None:
    with pytest.raises(InvalidValue, match=f"longer than {MAX_CHALLENGE} characters"):
        found_with(challenge="c" * (MAX_CHALLENGE + 1))


@pytest.mark.parametrize("description", [None, "", "   "])
def test_without_a_description_the_description_is_empty(description: str | None) -> None:
    assert found_with(description=description).description == ""


def test_the_description_is_trimmed() -> None:
    assert found_with(description=" Met zorg en welzijn. ").description == "Met zorg en welzijn."


def test_a_description_one_character_too_long_is_refused() -> None:
    with pytest.raises(InvalidValue) as refused:
        found_with(description="d" * (MAX_DESCRIPTION + 1))
    assert refused.value.field == "description"


def test_the_budget_starts_this_year_by_default() -> None:
    assert found_with().start_year == 2026


def test_this_year_is_the_year_in_amsterdam() -> None:
    new_years_eve_in_utc = Cause("pm", "r", datetime(2026, 12, 31, 23, 30, tzinfo=UTC))
    assert found_with(at=new_years_eve_in_utc).start_year == 2027


@pytest.mark.parametrize("start_year", [2016, 2026, 2027])
def test_the_budget_may_start_up_to_ten_years_back_or_next_year(start_year: int) -> None:
    assert found_with(start_year=start_year).start_year == start_year


@pytest.mark.parametrize("start_year", [2015, 2028, 0, 9999])
def test_a_budget_starting_in_another_era_is_refused(start_year: int) -> None:
    with pytest.raises(InvalidValue) as refused:
        found_with(start_year=start_year)
    assert refused.value.field == "start_year"
