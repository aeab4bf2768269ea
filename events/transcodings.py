"""How domain values are written into stored events and snapshots (JSON), and read back."""

from __future__ import annotations

import dataclasses
from datetime import date
from enum import Enum
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding

from consortium.access import Grant, Role
from consortium.accounts import Language
from consortium.cost_sharing import KeyKind, Share
from consortium.figures import ContributionKind, NeedCategory
from consortium.financing import FinancingWatch
from consortium.ledger import Commitment, Contribution, Expenditure, Ledger, Reversal
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
from consortium.reminders import Reminder, ReminderPolicy, Webhook


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
)
_DATACLASSES: tuple[tuple[type[Any], str], ...] = (
    (Member, "member"),
    (Commitment, "commitment"),
    (Contribution, "contribution"),
    (Reversal, "reversal"),
    (Expenditure, "expenditure"),
    # "ledger" and "milestone" named the unbounded shapes, only ever in snapshots (removed by
    # events.migrations): the bounded ones have names of their own.
    (Ledger, "ledger_totals"),
    (Share, "share"),
    (Grant, "grant"),
    (Question, "question"),
    (Answer, "answer_given"),
    (Evaluation, "evaluation"),
    (Replan, "replan"),
    (Milestone, "milestone_state"),
    (ReminderPolicy, "reminder_policy"),
    (Reminder, "reminder"),
    (Webhook, "webhook"),
    (FinancingWatch, "financing_watch"),
)


def register_domain_transcodings(transcoder: JSONTranscoder) -> None:
    transcoder.register(MoneyAsDict())
    transcoder.register(DateAsISO())
    for enum_type, name in _ENUMS:
        transcoder.register(EnumAsValue(enum_type, name))
    for cls, name in _DATACLASSES:
        transcoder.register(DataclassAsDict(cls, name))
