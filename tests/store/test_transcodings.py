"""Domain values written into stored events as JSON, and read back as the same values.

The transcoder here is built as the store builds it (the library's UUID, Decimal and datetime
transcodings, then the domain's), without a database.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, UUIDAsHex

from consortium.access import Role
from consortium.accounts import Language
from consortium.cost_sharing import KeyKind
from consortium.ledger import ContributionKind
from consortium.members import Member, MemberRole, Sector
from consortium.milestones import AnswerValue, Decision
from consortium.money import Money
from consortium.phases import Phase
from events.transcodings import register_domain_transcodings

ENUMS: tuple[type[Enum], ...] = (
    Phase,
    Sector,
    MemberRole,
    ContributionKind,
    KeyKind,
    Role,
    Language,
    AnswerValue,
    Decision,
)
JOINED = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def transcoder() -> JSONTranscoder:
    transcoder = JSONTranscoder()
    for library_transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(library_transcoding)
    register_domain_transcodings(transcoder)
    return transcoder


def round_trip(transcoder: JSONTranscoder, value: Any) -> Any:
    return transcoder.decode(transcoder.encode({"value": value}))["value"]


def stored_form(transcoder: JSONTranscoder, value: Any) -> Any:
    """The JSON the value is stored as."""
    return json.loads(transcoder.encode({"value": value}))["value"]


# -- Money -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("amount", ["0.00", "0.01", "1250.50", "-12.30", "999999999999.99"])
def test_money_comes_back_equal(transcoder: JSONTranscoder, amount: str) -> None:
    money = Money.parse(amount)

    assert round_trip(transcoder, money) == money


def test_money_comes_back_as_money(transcoder: JSONTranscoder) -> None:
    assert type(round_trip(transcoder, Money.parse("12.5"))) is Money


def test_money_keeps_its_two_decimals(transcoder: JSONTranscoder) -> None:
    assert str(round_trip(transcoder, Money(Decimal(12)))) == "12.00"


def test_money_is_stored_as_text_with_its_currency_never_as_a_number(
    transcoder: JSONTranscoder,
) -> None:
    assert stored_form(transcoder, Money.parse("1250.5")) == {
        "_type_": "money",
        "_data_": {"amount": "1250.50", "currency": "EUR"},
    }


# -- dates -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("day", [date(2026, 1, 1), date(2028, 2, 29), date(9999, 12, 31)])
def test_a_date_comes_back_equal(transcoder: JSONTranscoder, day: date) -> None:
    assert round_trip(transcoder, day) == day


def test_a_date_comes_back_as_a_date_not_a_datetime(transcoder: JSONTranscoder) -> None:
    assert type(round_trip(transcoder, date(2026, 11, 1))) is date


def test_a_date_is_stored_in_iso_form(transcoder: JSONTranscoder) -> None:
    assert stored_form(transcoder, date(2026, 11, 1)) == {
        "_type_": "date_iso",
        "_data_": "2026-11-01",
    }


def test_an_instant_stays_an_aware_datetime(transcoder: JSONTranscoder) -> None:
    """date's transcoding must not capture datetime, a subclass of date."""
    assert round_trip(transcoder, JOINED) == JOINED


# -- enums -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "member", [m for enum in ENUMS for m in enum], ids=lambda m: f"{type(m).__name__}.{m.name}"
)
def test_each_enum_member_comes_back_as_itself(transcoder: JSONTranscoder, member: Enum) -> None:
    assert round_trip(transcoder, member) is member


@pytest.mark.parametrize("enum", ENUMS, ids=lambda e: e.__name__)
def test_an_enum_is_stored_as_its_value(transcoder: JSONTranscoder, enum: type[Enum]) -> None:
    member = next(iter(enum))

    assert stored_form(transcoder, member)["_data_"] == member.value


def test_every_transcoding_has_a_name_of_its_own(transcoder: JSONTranscoder) -> None:
    """Two transcodings under one name would decode one type as the other."""
    shadowed = [t.type for t in transcoder.types.values() if transcoder.names[t.name] is not t]

    assert shadowed == []


# -- Member ----------------------------------------------------------------------------------------

MUNICIPALITY = Member(
    id=UUID("6f1c1c1e-51d2-4a43-9a55-3f4f2d7a9b10"),
    party="Gemeente Utrecht",
    sector=Sector.MUNICIPALITY,
    role=MemberRole.LEAD,
    contact_email="innovatie@utrecht.example",
    population=374_238,
    joined_at=JOINED,
)
LEFT = Member(
    id=UUID("0b3e8f52-2f5c-4d0e-8f0b-7a7c2f0e1d22"),
    party="Hogeschool Utrecht",
    sector=Sector.ACADEMIA,
    role=MemberRole.PARTNER,
    contact_email=None,
    population=None,
    joined_at=JOINED,
    left_at=datetime(2026, 9, 1, 10, 0, tzinfo=UTC),
    leave_reason="Project afgerond",
)


@pytest.mark.parametrize("member", [MUNICIPALITY, LEFT], ids=["active", "left"])
def test_a_member_comes_back_equal(transcoder: JSONTranscoder, member: Member) -> None:
    assert round_trip(transcoder, member) == member


def test_a_member_comes_back_with_typed_fields(transcoder: JSONTranscoder) -> None:
    member = round_trip(transcoder, MUNICIPALITY)

    assert (type(member.id), type(member.sector), type(member.role), member.joined_at.tzinfo) == (
        UUID,
        Sector,
        MemberRole,
        UTC,
    )
