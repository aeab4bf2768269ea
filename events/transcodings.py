"""How domain values are written into stored events and snapshots (JSON), and read back."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any
from uuid import UUID

from eventsourcing.persistence import JSONTranscoder, Transcoding

from consortium.members import Member, MemberRole, Sector
from consortium.money import Money
from consortium.phases import Phase


class MoneyAsDict(Transcoding):
    type = Money
    name = "money"

    def encode(self, obj: Money) -> dict[str, str]:
        return {"amount": str(obj), "currency": obj.currency}

    def decode(self, data: dict[str, str]) -> Money:
        return Money.parse(data["amount"], data["currency"])


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

    def encode(self, obj: Enum) -> Any:
        return obj.value

    def decode(self, data: Any) -> Enum:
        return self.type(data)  # type: ignore[no-any-return]


class MemberAsDict(Transcoding):
    type = Member
    name = "member"

    def encode(self, obj: Member) -> dict[str, Any]:
        return {
            "id": obj.id,
            "party": obj.party,
            "sector": obj.sector,
            "role": obj.role,
            "contact_email": obj.contact_email,
            "population": obj.population,
            "joined_at": obj.joined_at,
            "left_at": obj.left_at,
            "leave_reason": obj.leave_reason,
        }

    def decode(self, data: dict[str, Any]) -> Member:
        data = dict(data)
        if isinstance(data["id"], str):  # pragma: no cover - UUIDs are transcoded already
            data["id"] = UUID(data["id"])
        return Member(**data)


def register_domain_transcodings(transcoder: JSONTranscoder) -> None:
    transcoder.register(MoneyAsDict())
    transcoder.register(DateAsISO())
    transcoder.register(EnumAsValue(Phase, "phase"))
    transcoder.register(EnumAsValue(Sector, "sector"))
    transcoder.register(EnumAsValue(MemberRole, "member_role"))
    transcoder.register(MemberAsDict())
