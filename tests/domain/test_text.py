"""Text the stores cannot hold is refused by the domain itself, whichever way it came in (API,
command line, demo, workers): control characters and lone surrogates. Tab and line breaks are
text like any other here; keeping a name on one line is the edge's rule."""

from __future__ import annotations

import pytest

from consortium.access import Role
from consortium.accounts import normalise_email
from consortium.errors import InvalidValue
from consortium.members import Sector, check_contact_email, check_party
from consortium.text import (
    check_printable,
    control_character,
    line_break,
    optional_text,
    required_text,
)
from tests.domain.support import admit, cause, found

# One of each kind: NUL (PostgreSQL cannot store it), another C0 control, DEL, a C1 control,
# and lone surrogates of both halves (no UTF-8 encodes them).
UNPRINTABLE = ["\x00", "\x1b", "\x7f", "\x85", "\ud800", "\udfff"]


@pytest.mark.parametrize("character", UNPRINTABLE)
def test_required_text_refuses_a_control_character_naming_the_field(character: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        required_text(f"nul{character}name", "name", 200)

    assert refused.value.field == "name"
    assert f"U+{ord(character):04X}" in refused.value.message


@pytest.mark.parametrize("text", ["\u200b", "\ufeff\u00ad", "\u0301", " \u200d "])
def test_required_text_refuses_text_with_nothing_to_see(text: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        required_text(text, "name", 200)

    assert refused.value.message == "The name holds no visible character."


def test_required_text_keeps_invisible_characters_between_visible_ones() -> None:
    assert required_text("Slimme\u00adwijk", "name", 200) == "Slimme\u00adwijk"


@pytest.mark.parametrize("character", UNPRINTABLE)
def test_optional_text_refuses_a_control_character(character: str) -> None:
    with pytest.raises(InvalidValue):
        optional_text(f"a{character}b", "description", 10_000)


def test_a_lone_surrogate_is_called_one() -> None:
    with pytest.raises(InvalidValue, match="lone surrogate"):
        required_text("\ud800", "name", 200)


def test_tabs_and_line_breaks_inside_text_are_kept() -> None:
    text = "Eerste regel\r\nTweede\tregel\nDerde regel"

    assert optional_text(text, "description", 10_000) == text


def test_text_of_letters_from_any_script_and_emoji_is_printable() -> None:
    text = "Gemeente Súdwest-Fryslân · Ελληνικά · 日本語 · 🚲"

    assert check_printable(text, "name") == text


def test_control_character_answers_the_first_one_found() -> None:
    assert control_character("a\x01b\x00") == "\x01"
    assert control_character("gewoon\ttekst\n") is None


def test_line_break_finds_tabs_line_breaks_and_unicode_separators() -> None:
    found_breaks = [line_break(f"a{c}b") for c in "\t\n\r\u2028\u2029"]

    assert found_breaks == list("\t\n\r\u2028\u2029")
    assert line_break("één regel") is None


def test_a_consortium_named_with_a_nul_is_not_founded() -> None:
    with pytest.raises(InvalidValue) as refused:
        found("nul\x00name")

    assert refused.value.field == "name"


def test_a_party_with_a_control_character_is_not_admitted() -> None:
    consortium = found()

    with pytest.raises(InvalidValue) as refused:
        admit(consortium, "Gemeente\x00Utrecht", sector=Sector.MUNICIPALITY)

    assert refused.value.field == "party"
    assert consortium.members == ()


def test_check_party_names_the_organisation_in_its_message() -> None:
    with pytest.raises(InvalidValue, match="organisation name holds a control character"):
        check_party("Gemeente\x1bUtrecht")


@pytest.mark.parametrize("email", ["wijk\x00zorg@utrecht.example", '"\x01"@utrecht.example'])
def test_an_email_address_with_a_control_character_is_refused(email: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        check_contact_email(email)

    assert refused.value.field == "contact_email"


def test_an_account_email_with_a_control_character_is_refused_naming_email() -> None:
    with pytest.raises(InvalidValue) as refused:
        normalise_email("pm\x00@utrecht.example")

    assert refused.value.field == "email"


def test_a_leaving_reason_with_a_nul_is_refused() -> None:
    consortium = found()

    with pytest.raises(InvalidValue) as refused:
        consortium.member_leaves(
            admit(consortium, "Hogeschool Utrecht").id, reason="weg\x00", cause=cause(2)
        )

    assert refused.value.field == "reason"


@pytest.mark.parametrize("email", ["straße@utrecht.example", "ß@x.nl"])
def test_an_account_email_that_folding_would_change_beyond_its_case_is_refused(
    email: str,
) -> None:
    with pytest.raises(InvalidValue) as refused:
        normalise_email(email)

    assert refused.value.field == "email"
    assert "ss" in refused.value.message  # it says what the address would become


def test_an_account_email_is_compared_without_case() -> None:
    assert normalise_email(" PM@Utrecht.Example ") == "pm@utrecht.example"


def test_a_role_is_not_granted_to_an_address_folding_would_change() -> None:
    consortium = found()

    with pytest.raises(InvalidValue) as refused:
        consortium.grant_role(
            account="straße@utrecht.example", role=Role.FUNDER, member_id=None, cause=cause(2)
        )

    assert refused.value.field == "account"
