"""Domain values written into stored events as JSON, and read back as the same values.

The transcoder here is built as the store builds it (the library's UUID, Decimal and datetime
transcodings, then the domain's), without a database.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import sys
import zlib
from array import array
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import (
    DatetimeAsISO,
    DecimalAsStr,
    JSONTranscoder,
    TranscodingNotRegisteredError,
    UUIDAsHex,
)

from consortium import figures
from consortium.access import Grant, Role
from consortium.accounts import Language
from consortium.cost_sharing import KeyKind
from consortium.figures import NeedCategory
from consortium.ledger import ContributionKind, Ledger
from consortium.members import Member, MemberRole, Sector
from consortium.milestones import AnswerValue, Decision, Milestone, Question
from consortium.money import Money
from consortium.phases import Phase
from consortium.provinces import Province
from events import transcodings
from events.transcodings import DataclassAsDict, DomainTranscoder, register_domain_transcodings

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
    transcoder = DomainTranscoder()  # what the applications use
    for library_transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        transcoder.register(library_transcoding)
    register_domain_transcodings(transcoder)
    return transcoder


def round_trip(transcoder: JSONTranscoder, value: Any) -> Any:
    return transcoder.decode(transcoder.encode({"value": value}))["value"]


def stored_form(transcoder: JSONTranscoder, value: Any) -> Any:
    """The JSON the value is stored as."""
    return json.loads(transcoder.encode({"value": value}))["value"]


# -- Tags ------------------------------------------------------------------------------------------


def test_an_object_of_two_fields_that_is_not_tagged_comes_back_as_it_was(
    transcoder: JSONTranscoder,
) -> None:
    plain = {"amount": "12.50", "currency": "EUR"}

    assert round_trip(transcoder, plain) == plain


def test_an_object_tagged_with_an_unknown_name_is_refused_as_the_library_refuses_it(
    transcoder: JSONTranscoder,
) -> None:
    body = json.dumps({"value": {"_type_": "no_such_type", "_data_": 1}}).encode()

    with pytest.raises(TranscodingNotRegisteredError, match="no_such_type"):
        transcoder.decode(body)


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


# -- Ids -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "id_",
    [UUID(int=0), UUID(int=2**128 - 1), UUID("f439a2e5-8e93-4288-8ac1-151d0a4dac10")],
    ids=str,
)
def test_an_id_comes_back_as_an_equal_uuid(transcoder: JSONTranscoder, id_: UUID) -> None:
    read = round_trip(transcoder, id_)

    assert (type(read), read, hash(read), str(read)) == (UUID, id_, hash(id_), str(id_))


def test_an_id_is_stored_as_32_hex_digits(transcoder: JSONTranscoder) -> None:
    id_ = UUID("6f1c1c1e-51d2-4a43-9a55-3f4f2d7a9b10")

    assert stored_form(transcoder, id_) == {"_type_": "uuid_hex", "_data_": id_.hex}


def test_an_id_written_with_dashes_is_still_read(transcoder: JSONTranscoder) -> None:
    written = {"_type_": "uuid_hex", "_data_": "6f1c1c1e-51d2-4a43-9a55-3f4f2d7a9b10"}

    read = transcoder.decode(json.dumps({"value": written}).encode())["value"]

    assert read == UUID("6f1c1c1e51d24a439a553f4f2d7a9b10")


def test_an_id_that_is_no_hex_is_refused(transcoder: JSONTranscoder) -> None:
    written = {"_type_": "uuid_hex", "_data_": "g" * 32}

    with pytest.raises(ValueError, match="invalid literal"):
        transcoder.decode(json.dumps({"value": written}).encode())


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
    joined_on=date(2024, 5, 1),  # entered later: the day it joined lies before joined_at
    left_on=date(2026, 8, 31),
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


def test_a_member_is_stored_as_one_row_without_tags(transcoder: JSONTranscoder) -> None:
    assert stored_form(transcoder, LEFT) == {
        "_type_": "member_row",
        "_data_": [
            "0b3e8f522f5c4d0e8f0b7a7c2f0e1d22",
            "Hogeschool Utrecht",
            "academia",
            "partner",
            None,
            None,
            "2026-03-02T09:30:00+00:00",
            "2026-09-01T10:00:00+00:00",
            "Project afgerond",
            "2024-05-01",
            "2026-08-31",
            None,  # no province (a university)
        ],
    }


def test_a_member_row_of_eleven_cells_from_before_provinces_is_read(
    transcoder: JSONTranscoder,
) -> None:
    municipality = dataclasses.replace(LEFT, sector=Sector.MUNICIPALITY, province=Province.UTRECHT)
    stored = stored_form(transcoder, municipality)
    assert stored["_data_"][11] == "utrecht"
    stored["_data_"] = stored["_data_"][:11]

    read = transcoder.decode(json.dumps(stored).encode())

    assert read == dataclasses.replace(municipality, province=None)


def test_a_member_row_of_nine_cells_from_before_members_had_their_days_is_read(
    transcoder: JSONTranscoder,
) -> None:
    stored = stored_form(transcoder, LEFT)
    stored["_data_"] = stored["_data_"][:9]

    read = transcoder.decode(json.dumps(stored).encode())

    assert read == dataclasses.replace(LEFT, joined_on=None, left_on=None)


def test_a_member_stored_tagged_by_an_earlier_release_is_still_read(
    transcoder: JSONTranscoder,
) -> None:
    tagged = {
        "_type_": "member",
        "_data_": {
            "id": {"_type_": "uuid_hex", "_data_": "6f1c1c1e51d24a439a553f4f2d7a9b10"},
            "party": "Gemeente Utrecht",
            "sector": {"_type_": "sector", "_data_": "municipality"},
            "role": {"_type_": "member_role", "_data_": "lead"},
            "contact_email": "innovatie@utrecht.example",
            "population": 374238,
            "joined_at": {"_type_": "datetime_iso", "_data_": "2026-03-02T09:30:00+00:00"},
            "left_at": None,
            "leave_reason": None,
        },
    }

    assert transcoder.decode(json.dumps({"value": tagged}).encode())["value"] == MUNICIPALITY


# -- Grant -----------------------------------------------------------------------------------------

GRANTS = (
    Grant(
        id=UUID("5d1f3c2a-8b7e-4f60-9a1d-2c3b4a5e6f70"),
        account="rep@utrecht.example",
        role=Role.MEMBER_REPRESENTATIVE,
        member_id=MUNICIPALITY.id,
        granted_at=JOINED,
        granted_by="pm@example.org",
    ),
    Grant(
        id=UUID("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"),
        account="pm@example.org",
        role=Role.PROGRAMME_MANAGER,
        member_id=None,
        granted_at=JOINED,
        granted_by="admin@example.org",
        revoked_at=datetime(2026, 10, 1, 8, 0, tzinfo=UTC),
        revoked_by="admin@example.org",
    ),
)


@pytest.mark.parametrize("grant", GRANTS, ids=["of a member, in force", "revoked"])
def test_a_grant_comes_back_equal(transcoder: JSONTranscoder, grant: Grant) -> None:
    assert round_trip(transcoder, grant) == grant


def test_a_grant_is_stored_as_one_row(transcoder: JSONTranscoder) -> None:
    stored = stored_form(transcoder, GRANTS[0])

    assert (stored["_type_"], stored["_data_"][:4]) == (
        "grant_row",
        [GRANTS[0].id.hex, "rep@utrecht.example", "member_representative", MUNICIPALITY.id.hex],
    )


# -- Milestone -------------------------------------------------------------------------------------

PLANNED = Milestone(
    id=UUID("1b2c3d4e-5f60-4718-9a2b-3c4d5e6f7081"),
    title="Pilot in Overvecht",
    description="Meten, evalueren, besluiten.",
    due_date=date(2026, 12, 1),
    questions=(Question("works", "Does the solution really work?"), Question("q1", "Veilig?")),
    tranche=Money.parse("150000"),
    closes_phase=Phase.PILOT,
    responsible_member_ids=(MUNICIPALITY.id, LEFT.id),
    planned_at=JOINED,
    planned_by="pm@example.org",
    planned_on=date(2025, 11, 3),
)
DECIDED = dataclasses.replace(
    PLANNED,
    tranche=None,
    closes_phase=None,
    responsible_member_ids=(),
    replan_count=2,
    evaluation_count=3,
    last_decision=Decision.GO_WITH_CONDITIONS,
    conditions="Beheer regelen.",
    conditions_cleared_at=datetime(2027, 1, 5, 12, 0, tzinfo=UTC),
    spent=Money.parse("1250.50"),
)


@pytest.mark.parametrize("milestone", [PLANNED, DECIDED], ids=["planned", "decided"])
def test_a_milestone_comes_back_equal(transcoder: JSONTranscoder, milestone: Milestone) -> None:
    assert round_trip(transcoder, milestone) == milestone


def test_a_milestone_is_stored_as_one_row_with_its_money_as_text(
    transcoder: JSONTranscoder,
) -> None:
    stored = stored_form(transcoder, PLANNED)

    assert (stored["_type_"], stored["_data_"][5], stored["_data_"][15]) == (
        "milestone_row",
        ["150000.00", "EUR"],
        ["0.00", "EUR"],
    )


def test_a_milestone_stored_tagged_by_an_earlier_release_is_still_read(
    transcoder: JSONTranscoder,
) -> None:
    tagged = DataclassAsDict(Milestone, "milestone_state").encode(DECIDED)
    written = JSONTranscoder()
    for library_transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        written.register(library_transcoding)
    register_domain_transcodings(written)
    body = written.encode({"value": {"_type_": "milestone_state", "_data_": tagged}})

    assert transcoder.decode(body)["value"] == DECIDED


# -- Ledger ----------------------------------------------------------------------------------------

UTRECHT, HOGESCHOOL = MUNICIPALITY.id, LEFT.id
BOOKS = Ledger().changed(
    [
        figures.pledged(UTRECHT, 2026, Money.parse("50000")),
        figures.received(UTRECHT, 2026, ContributionKind.CASH, Money.parse("20000")),
        figures.pledged(HOGESCHOOL, 2025, Money.parse("800"), ContributionKind.IN_KIND),
        figures.received(HOGESCHOOL, 2025, ContributionKind.IN_KIND, Money.parse("412.50")),
        figures.pledged(UTRECHT, 2027, Money.parse("10000")),
        figures.pledged(UTRECHT, 2026, Money.parse("45000")),  # a revision
        figures.reversed_(UTRECHT, 2026, ContributionKind.CASH, Money.parse("0.01")),
        figures.spent(2026, Money.parse("1234.56")),
        figures.needed(2027, NeedCategory.PILOT, Money.parse("90000")),
    ]
)


def test_a_ledger_comes_back_with_the_same_figures_and_revision_counts(
    transcoder: JSONTranscoder,
) -> None:
    read: Ledger = round_trip(transcoder, BOOKS)

    assert (
        list(read.rows()),
        read.revision_count(UTRECHT, 2026),
        read.revision_count(HOGESCHOOL, 2025, ContributionKind.IN_KIND),
        read.need_revision_count(2027, NeedCategory.PILOT),
    ) == (list(BOOKS.rows()), 2, 1, 1)


def test_a_ledger_is_stored_as_its_kinds_members_and_their_numbers_packed(
    transcoder: JSONTranscoder,
) -> None:
    stored = stored_form(transcoder, BOOKS)

    kinds, members, counts, packed = stored["_data_"][:4]
    numbers = array("q", zlib.decompress(base64.b64decode(packed)))
    if sys.byteorder != "little":
        numbers.byteswap()
    start = sum(counts[: members.index(HOGESCHOOL.hex)])
    assert (stored["_type_"], sorted(members), numbers[start : start + 8].tolist()) == (
        "ledger_cells",
        sorted([UTRECHT.hex, HOGESCHOOL.hex, "pool"]),
        [2025, kinds.index("committed:in_kind"), 80000, 1, 2025, kinds.index("in_kind"), 41250, 0],
    )


FORMER = BOOKS.retired(HOGESCHOOL)  # the Hogeschool left: its figures are kept apart


def test_a_ledger_comes_back_with_the_figures_of_members_who_left_kept_apart(
    transcoder: JSONTranscoder,
) -> None:
    read: Ledger = round_trip(transcoder, FORMER)

    assert (read, list(read.cells), sorted(read.former)) == (
        FORMER,
        list(FORMER.cells),
        [HOGESCHOOL.hex],
    )


def test_the_figures_of_members_who_left_are_unpacked_only_when_read(
    transcoder: JSONTranscoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    unpacked: list[list[str]] = []
    unpack = transcodings._unpack

    def counting(members: list[str], counts: list[int], packed: str) -> dict[str, list[int]]:
        unpacked.append(sorted(members))
        return unpack(members, counts, packed)

    monkeypatch.setattr(transcodings, "_unpack", counting)
    read: Ledger = round_trip(transcoder, FORMER)
    on_load = list(unpacked)
    read.pledge(UTRECHT, 2026)
    before_rows = list(unpacked)
    rows = list(read.rows())

    assert (on_load, before_rows, unpacked, len(rows)) == (
        [sorted([UTRECHT.hex, "pool"])],
        [sorted([UTRECHT.hex, "pool"])],
        [sorted([UTRECHT.hex, "pool"]), [HOGESCHOOL.hex]],
        len(list(FORMER.rows())),
    )


def test_a_ledger_stored_before_members_who_left_were_kept_apart_is_still_read(
    transcoder: JSONTranscoder,
) -> None:
    stored = stored_form(transcoder, BOOKS)
    earlier = {"_type_": "ledger_cells", "_data_": stored["_data_"][:4]}

    read = transcoder.decode(transcoder.encode({"value": earlier}))["value"]

    assert (read, len(stored["_data_"])) == (BOOKS, 7)


def test_a_ledger_with_a_figure_beyond_64_bits_is_stored_as_plain_numbers(
    transcoder: JSONTranscoder,
) -> None:
    huge = Ledger(("cash",), {UTRECHT.hex: [2026, 0, 2**70, 0]})

    stored = stored_form(transcoder, huge)

    assert (stored["_data_"], round_trip(transcoder, huge)) == (
        [["cash"], {UTRECHT.hex: [2026, 0, 2**70, 0]}, {}],
        huge,
    )


def test_a_ledger_stored_as_nested_totals_by_an_earlier_release_is_still_read(
    transcoder: JSONTranscoder,
) -> None:
    totals: dict[str, dict[str, dict[str, int]]] = {}
    revisions: dict[str, dict[str, dict[str, int]]] = {}
    for member, year, kind, amount in BOOKS.rows():
        key = "pool" if member is None else member.hex
        totals.setdefault(key, {}).setdefault(str(year), {})[kind] = int(amount.amount * 100)
    counted = [
        (UTRECHT.hex, "2026", "committed:cash", 2),
        (UTRECHT.hex, "2027", "committed:cash", 1),
        (HOGESCHOOL.hex, "2025", "committed:in_kind", 1),
        ("pool", "2027", "needed:pilot", 1),
    ]
    for key, year_text, figure, count in counted:
        revisions.setdefault(key, {}).setdefault(year_text, {})[figure] = count
    nested = {"_type_": "ledger_totals", "_data_": {"totals": totals, "revisions": revisions}}

    read: Ledger = transcoder.decode(json.dumps({"value": nested}).encode())["value"]

    assert (list(read.rows()), read.revision_count(UTRECHT, 2026)) == (list(BOOKS.rows()), 2)
