"""Organisation names as people type them: one key whatever the case, accents and spaces, and
the closest names to one that matches none."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consortium.errors import NotFound
from consortium.party_names import closest, party_key, same_party, unknown_party

KNOWN = (
    "Gemeente Utrecht",
    "Universiteit Utrecht",
    "Provincie Utrecht",
    "Gemeente Súdwest-Fryslân",
    "Gemeente Zeist",
)


@pytest.mark.parametrize(
    "typed",
    [
        "Gemeente Súdwest-Fryslân",
        "Gemeente Sudwest-Fryslan",
        "gemeente súdwest-fryslân",
        "  GEMEENTE   SUDWEST-FRYSLAN  ",
        "Gemeente\u00a0Su\u0301dwest-Fryslân",  # a no-break space; an accent typed apart
    ],
)
def test_a_name_is_the_same_party_whatever_its_case_accents_and_spaces(typed: str) -> None:
    assert same_party(typed, "Gemeente Súdwest-Fryslân")


def test_other_letters_are_other_parties() -> None:
    assert not same_party("Gemeente Utrecht", "Gemeente Utrechtse Heuvelrug")
    assert not same_party("Gemeente Sudwest Fryslan", "Gemeente Súdwest-Fryslân")


@given(st.text())
def test_the_key_of_a_key_is_itself(name: str) -> None:
    assert party_key(party_key(name)) == party_key(name)


def test_the_closest_names_come_first_and_each_party_once() -> None:
    names = [*KNOWN, "gemeente utrecht"]

    assert closest("Gemeente Utrech", names)[0] == "Gemeente Utrecht"
    assert closest("Gemeente Utrech", names).count("Gemeente Utrecht") == 1
    assert set(closest("utrecht", names)) == {
        "Gemeente Utrecht",
        "Universiteit Utrecht",
        "Provincie Utrecht",
    }
    assert closest("Waterschap Rivierenland", names) == []


def test_a_known_party_is_no_refusal_and_an_unknown_one_names_the_closest() -> None:
    refusal = unknown_party("Gemeente Zeis", KNOWN)

    assert unknown_party(" gemeente zeist", KNOWN) is None
    assert isinstance(refusal, NotFound)
    assert refusal.context["suggestions"][0] == "Gemeente Zeist"
