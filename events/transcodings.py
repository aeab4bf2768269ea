"""How domain values are written into stored events and snapshots (JSON), and read back.

Most values are tagged objects (``{"_type_": name, "_data_": …}``), their fields tagged in turn.
The current members, grants and milestones a consortium's snapshot holds are written as one
untagged array each instead (``member_row``, ``grant_row``, ``milestone_row``): their ids,
instants and enums untagged, so a snapshot is a third smaller and read with a tenth of the
tagged objects. The ledger's totals are written as its kinds and one run of whole numbers per
member (``ledger_cells``): parsed, that is the ledger's own shape, so reading it back costs no
object per figure. Snapshots written before keep their tagged form (``member``, ``grant``,
``milestone_state``) and nested totals (``ledger_totals``), which are still read.
"""

from __future__ import annotations

import base64
import dataclasses
import sys
import zlib
from array import array
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Final, TypeVar
from uuid import UUID, SafeUUID

from eventsourcing.persistence import JSONTranscoder, Transcoding

from consortium.access import Grant, Role
from consortium.accounts import Language
from consortium.cost_sharing import KeyKind, Share
from consortium.figures import ContributionKind, NeedCategory
from consortium.financing import FinancingWatch
from consortium.ledger import (
    Commitment,
    Contribution,
    Deferred,
    Expenditure,
    Ledger,
    Reversal,
)
from consortium.members import Member, MemberRole, Sector
from consortium.milestones import (
    Answer,
    AnswerValue,
    Decision,
    Evaluation,
    Milestone,
    Question,
    Replan,
)
from consortium.money import Money
from consortium.phases import Phase
from consortium.provinces import Province
from consortium.reminders import Reminder, ReminderPolicy, Webhook


class UUIDAsHex(Transcoding):
    """The library's ``uuid_hex``, read back without ``UUID``'s parsing of every way an id can
    be written (braces, dashes, ``urn:``): stored ids are always 32 hex digits, and an event or
    snapshot holds dozens of them. Anything else is read by ``UUID`` as before."""

    type = UUID
    name = "uuid_hex"

    def encode(self, obj: UUID) -> str:
        return obj.hex

    def decode(self, data: str) -> UUID:
        return _read_id(data)


# UUID's two slots, set as its own ``__init__`` sets them, without the checks of every form.
_set_uuid_int: Final = UUID.__dict__["int"].__set__
_set_uuid_safe: Final = UUID.__dict__["is_safe"].__set__
_UNKNOWN_SAFETY: Final = SafeUUID.unknown


def _read_id(text: str) -> UUID:
    """An id as ``UUID(text)`` reads it; 32 hex digits (how ids are stored) read directly."""
    if len(text) != 32 or not (text.isascii() and text.isalnum()):
        return UUID(text)
    read = object.__new__(UUID)
    _set_uuid_int(read, int(text, 16))
    _set_uuid_safe(read, _UNKNOWN_SAFETY)
    return read


E = TypeVar("E", bound=Enum)


def _read_enum(enum_type: type[E], value: Any) -> E:
    """``enum_type(value)``, its members looked up by value first (as the call does)."""
    found = enum_type._value2member_map_.get(value)
    return enum_type(value) if found is None else found  # type: ignore[return-value]


class MoneyAsDict(Transcoding):
    type = Money
    name = "money"

    def encode(self, obj: Money) -> dict[str, str]:
        return {"amount": str(obj), "currency": obj.currency}

    def decode(self, data: dict[str, str]) -> Money:
        # Written by ``encode``: a plain decimal, which Money checks (cents, currency) as ever;
        # the text forms users may type are ``Money.parse``'s business.
        return Money(Decimal(data["amount"]), data["currency"])


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class EnumAsValue(Transcoding):
    """One transcoding per enum class, named after it, storing the enum's value."""

    def __init__(self, enum_type: type[Enum], name: str) -> None:
        self.type = enum_type
        self.name = name
        self.by_value: dict[Any, Enum] = enum_type._value2member_map_

    def encode(self, obj: Enum) -> Any:
        return obj.value

    def decode(self, data: Any) -> Enum:
        found = self.by_value.get(data)  # what ``type(data)`` looks up first
        return self.type(data) if found is None else found


class DataclassAsDict(Transcoding):
    """A frozen dataclass of the domain as a dict of its fields (each transcoded in turn)."""

    def __init__(self, cls: type[Any], name: str) -> None:
        self.type = cls
        self.name = name
        self.fields = tuple(f.name for f in dataclasses.fields(cls))

    def encode(self, obj: Any) -> dict[str, Any]:
        return {name: getattr(obj, name) for name in self.fields}

    def decode(self, data: dict[str, Any]) -> Any:
        return self.type(**data)


def _instant(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _read_instant(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _read_day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _money(value: Money | None) -> list[str] | None:
    return None if value is None else [str(value), value.currency]


def _read_money(data: list[str] | None) -> Money | None:
    # Written by ``_money`` (a plain decimal), which Money checks as ever (see MoneyAsDict).
    return None if data is None else Money(Decimal(data[0]), data[1])


class MemberAsRow(Transcoding):
    type = Member
    name = "member_row"

    def encode(self, m: Member) -> list[Any]:
        return [
            m.id.hex,
            m.party,
            m.sector.value,
            m.role.value,
            m.contact_email,
            m.population,
            m.joined_at.isoformat(),
            _instant(m.left_at),
            m.leave_reason,
            _day(m.joined_on),
            _day(m.left_on),
            None if m.province is None else m.province.value,
        ]

    def decode(self, d: list[Any]) -> Member:
        # Rows written before members carried their days have nine cells, before they carried
        # a province eleven. Made positionally (in the order of Member's fields): a third
        # cheaper than by name, and a snapshot makes one per current member.
        cells = len(d)
        return Member(
            _read_id(d[0]),
            d[1],
            _read_enum(Sector, d[2]),
            _read_enum(MemberRole, d[3]),
            d[4],
            d[5],
            datetime.fromisoformat(d[6]),
            _read_instant(d[7]),
            d[8],
            _read_day(d[9]) if cells > 9 else None,
            _read_day(d[10]) if cells > 10 else None,
            _read_enum(Province, d[11]) if cells > 11 and d[11] else None,
        )


class GrantAsRow(Transcoding):
    type = Grant
    name = "grant_row"

    def encode(self, g: Grant) -> list[Any]:
        member = None if g.member_id is None else g.member_id.hex
        return [
            g.id.hex,
            g.account,
            g.role.value,
            member,
            g.granted_at.isoformat(),
            g.granted_by,
            _instant(g.revoked_at),
            g.revoked_by,
        ]

    def decode(self, d: list[Any]) -> Grant:
        return Grant(  # positionally, in the order of Grant's fields (as Member above)
            _read_id(d[0]),
            d[1],
            _read_enum(Role, d[2]),
            None if d[3] is None else _read_id(d[3]),
            datetime.fromisoformat(d[4]),
            d[5],
            _read_instant(d[6]),
            d[7],
        )


class MilestoneAsRow(Transcoding):
    type = Milestone
    name = "milestone_row"

    def encode(self, m: Milestone) -> list[Any]:
        return [
            m.id.hex,
            m.title,
            m.description,
            m.due_date.isoformat(),
            [[q.key, q.text] for q in m.questions],
            _money(m.tranche),
            None if m.closes_phase is None else m.closes_phase.value,
            [member.hex for member in m.responsible_member_ids],
            m.planned_at.isoformat(),
            m.planned_by,
            m.replan_count,
            m.evaluation_count,
            None if m.last_decision is None else m.last_decision.value,
            m.conditions,
            _instant(m.conditions_cleared_at),
            _money(m.spent),
            _day(m.planned_on),
        ]

    def decode(self, d: list[Any]) -> Milestone:
        spent = _read_money(d[15])
        assert spent is not None  # noqa: S101 - always written
        return Milestone(  # positionally, in the order of Milestone's fields (as Member above)
            _read_id(d[0]),
            d[1],
            d[2],
            date.fromisoformat(d[3]),
            tuple(Question(key, text) for key, text in d[4]),
            _read_money(d[5]),
            None if d[6] is None else _read_enum(Phase, d[6]),
            tuple(_read_id(member) for member in d[7]),
            datetime.fromisoformat(d[8]),
            d[9],
            _read_day(d[16] if len(d) > 16 else None),
            d[10],
            d[11],
            None if d[12] is None else _read_enum(Decision, d[12]),
            d[13],
            _read_instant(d[14]),
            spent,
        )


class LedgerAsCells(Transcoding):
    """The ledger's totals as its kinds, its members' keys, how many numbers each member has,
    and all those whole numbers packed: 64-bit little-endian, deflated, in base64. Read back
    with a few calls into C however many figures there are (as JSON numbers, parsing them cost
    about half of reading a snapshot), and a third the size.

    The figures of members who left follow in the same form (three more items), and are
    unpacked only when something reads them (``Deferred``): a consortium with a long past loads
    as fast as one without. Snapshots written before that have four items, every member's
    figures among the first. A ledger with a number beyond 64 bits (no real consortium) is
    written as JSON numbers instead: ``[kinds, {member: run}, {former member: run}]`` (two
    items before).
    """

    type = Ledger
    name = "ledger_cells"

    def encode(self, ledger: Ledger) -> list[Any]:
        try:
            current = _pack(ledger.cells)
            former = _pack(ledger.former)
        except OverflowError:
            return [list(ledger.kinds), _listed(ledger.cells), _listed(ledger.former)]
        return [list(ledger.kinds), *current, *former]

    def decode(self, d: list[Any]) -> Ledger:
        if len(d) <= 3:
            return Ledger(tuple(d[0]), d[1], d[2] if len(d) == 3 else {})
        kinds, members, counts, packed = d[:4]
        cells = _unpack(members, counts, packed)
        if len(d) == 4:
            return Ledger(tuple(kinds), cells)
        former_members, former_counts, former_packed = d[4:]
        if not former_members:
            return Ledger(tuple(kinds), cells)
        former = Deferred(
            former_members, lambda: _unpack(former_members, former_counts, former_packed)
        )
        return Ledger(tuple(kinds), cells, former)


def _listed(runs: Mapping[str, Sequence[int]]) -> dict[str, list[int]]:
    return {key: list(run) for key, run in runs.items()}


def _pack(runs: Mapping[str, Sequence[int]]) -> tuple[list[str], list[int], str]:
    """The members' keys, how many numbers each has, and the numbers packed (raises
    ``OverflowError`` for a number beyond 64 bits)."""
    numbers = array("q")
    for run in runs.values():
        numbers.extend(run)
    if sys.byteorder != "little":
        numbers.byteswap()
    packed = base64.b64encode(zlib.compress(numbers.tobytes(), 1)).decode("ascii")
    return list(runs), [len(run) for run in runs.values()], packed


def _unpack(members: Sequence[str], counts: Sequence[int], packed: str) -> dict[str, list[int]]:
    numbers = array("q", zlib.decompress(base64.b64decode(packed)))
    if sys.byteorder != "little":
        numbers.byteswap()
    flat = numbers.tolist()
    cells: dict[str, list[int]] = {}
    start = 0
    for member, count in zip(members, counts, strict=True):
        cells[member] = flat[start : start + count]
        start += count
    return cells


class LedgerAsTotals(Transcoding):
    """Read only: the ledger as snapshots wrote it before ``ledger_cells``, its totals and
    revision counts nested by member, year and kind."""

    type = Ledger
    name = "ledger_totals"

    def encode(self, ledger: Ledger) -> dict[str, Any]:
        raise NotImplementedError("ledgers are written as ledger_cells")

    def decode(self, d: dict[str, Any]) -> Ledger:
        return Ledger.of_totals(d["totals"], d["revisions"])


# The names are stored in the events: never rename one, add a new transcoding instead.
_ENUMS: tuple[tuple[type[Enum], str], ...] = (
    (Phase, "phase"),
    (Sector, "sector"),
    (MemberRole, "member_role"),
    (ContributionKind, "contribution_kind"),
    (KeyKind, "cost_sharing_key"),
    (Role, "role"),
    (Language, "language"),
    (AnswerValue, "answer"),
    (Decision, "decision"),
    (NeedCategory, "need_category"),
    (Province, "province"),
)
# Read only: how snapshots stored these before they were written as rows (see above).
_TAGGED_BEFORE: tuple[tuple[type[Any], str], ...] = (
    (Member, "member"),
    (Grant, "grant"),
    (Milestone, "milestone_state"),
)
_DATACLASSES: tuple[tuple[type[Any], str], ...] = (
    (Commitment, "commitment"),
    (Contribution, "contribution"),
    (Reversal, "reversal"),
    (Expenditure, "expenditure"),
    # "ledger" and "milestone" named the unbounded shapes, only ever in snapshots (removed by
    # events.migrations): the bounded ones have names of their own.
    (Share, "share"),
    (Question, "question"),
    (Answer, "answer_given"),
    (Evaluation, "evaluation"),
    (Replan, "replan"),
    (ReminderPolicy, "reminder_policy"),
    (Reminder, "reminder"),
    (Webhook, "webhook"),
    (FinancingWatch, "financing_watch"),
)


class DomainTranscoder(JSONTranscoder):
    """The library's JSON transcoder with a leaner hook for the tagged objects.

    The JSON parser calls the hook for every object it reads (about 250 for a consortium's
    snapshot and the events after it); the library's looks the tag, the data and the
    transcoding up one guarded step at a time. This one tries them at once, and hands anything
    that is not a known tagged object to the library's hook, which answers or refuses it as
    before."""

    def _decode_obj(self, d: dict[str, Any]) -> Any:
        # Only a tagged object is tried: Money's own two fields (no tag) would raise and catch
        # a KeyError for every amount read.
        if len(d) == 2 and "_type_" in d:
            try:
                return self.names[d["_type_"]].decode(d["_data_"])
            except KeyError:
                pass
        return super()._decode_obj(d)


def register_domain_transcodings(transcoder: JSONTranscoder) -> None:
    transcoder.register(UUIDAsHex())  # in place of the library's, under the same name
    transcoder.register(MoneyAsDict())
    transcoder.register(DateAsISO())
    for enum_type, name in _ENUMS:
        transcoder.register(EnumAsValue(enum_type, name))
    for cls, name in _DATACLASSES:
        transcoder.register(DataclassAsDict(cls, name))
    for cls, name in _TAGGED_BEFORE:
        transcoder.register(DataclassAsDict(cls, name))
    transcoder.register(LedgerAsTotals())
    # Registered last: what these types are written as (the tagged ones above are only read).
    for row in (MemberAsRow(), GrantAsRow(), MilestoneAsRow(), LedgerAsCells()):
        transcoder.register(row)
