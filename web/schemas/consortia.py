"""Schemas of consortia: founding, phase changes, the consortium as read, and its history."""

from __future__ import annotations

import marshmallow as ma

from consortium.aggregate import MAX_CHALLENGE, MAX_DESCRIPTION, MAX_NAME, MAX_REASON
from consortium.members import Sector
from consortium.phases import Phase
from events.readmodel.queries import FINANCING_FILTERS, SORTS
from web.schemas.common import MAX_POSITION, PageOut
from web.schemas.fields import AsOf, Instant, LongText, MoneyField, StrictBoolean, StrictSchema
from web.schemas.members import MemberOut

AT_RISK = (
    "Whether the financing was last judged at risk (financiering in gevaar): the pledges cover "
    "fewer years ahead than its watch asks, or next year's gap is above its threshold. The "
    "service judges every running consortium at intervals, and records each change in the "
    "history (FinancingAtRisk, FinancingSecured). A finished consortium is never at risk."
)


class ConsortiumIn(StrictSchema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=MAX_NAME))
    challenge = LongText(
        required=True,
        validate=ma.validate.Length(min=1, max=MAX_CHALLENGE),
        metadata={"description": "The societal challenge (maatschappelijke opgave)."},
    )
    description = LongText(
        load_default=None, allow_none=True, validate=ma.validate.Length(max=MAX_DESCRIPTION)
    )
    start_year = ma.fields.Integer(
        strict=True,
        load_default=None,
        validate=ma.validate.Range(min=1900, max=2200),
        metadata={
            "description": "The budget's first year, by default the year it is founded here; up "
            "to ten years back, to enter a consortium that began before."
        },
    )


class PhaseChangeIn(StrictSchema):
    phase = ma.fields.Enum(
        Phase,
        by_value=True,
        required=True,
        metadata={"description": "The next phase in the normal course, or `stopped`."},
    )
    reason = LongText(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(max=MAX_REASON),
        metadata={"description": "Why; required when stopping, or overriding a gate."},
    )
    override_gates = StrictBoolean(
        load_default=False,
        metadata={
            "description": "Administrators only: move on although a milestone closing this "
            "phase is still open (the reason is recorded)."
        },
    )


class AsOfArgs(StrictSchema):
    as_of = AsOf(
        load_default=None,
        metadata={
            "description": "Show the state as it stood then: an ISO 8601 instant with offset, "
            "or a date (the end of that day, Europe/Amsterdam).",
            "type": "string",
        },
    )


class ConsortiumOut(ma.Schema):
    id = ma.fields.UUID()
    name = ma.fields.String()
    challenge = ma.fields.String()
    description = ma.fields.String()
    phase = ma.fields.Enum(Phase, by_value=True)
    phase_since = Instant()
    founded_at = Instant(attribute="created_on")
    updated_at = Instant(attribute="modified_on")
    version = ma.fields.Integer(metadata={"description": "Number of events recorded so far."})
    financing_at_risk = ma.fields.Boolean(metadata={"description": AT_RISK})
    members = ma.fields.List(ma.fields.Nested(MemberOut))
    as_of = Instant(
        dump_default=None,
        allow_none=True,
        metadata={"description": "The moment asked for with ?as_of=, or null for now."},
    )


class PortfolioArgs(StrictSchema):
    phase = ma.fields.Enum(Phase, by_value=True, load_default=None)
    sector = ma.fields.Enum(
        Sector,
        by_value=True,
        load_default=None,
        metadata={"description": "Consortia with a current member of this sector."},
    )
    party = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(min=1, max=200),
        metadata={"description": "Consortia the party is or was a member of (ignoring case)."},
    )
    q = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(min=1, max=200),
        metadata={"description": "Text in the name or the challenge."},
    )
    checkpoint_before = ma.fields.Date(
        load_default=None,
        metadata={"description": "Consortia whose next open checkpoint is due before this date."},
    )
    financing = ma.fields.String(
        load_default=None,
        validate=ma.validate.OneOf(FINANCING_FILTERS),
        metadata={
            "description": "at_risk: consortia whose financing was last judged at risk "
            "(financiering in gevaar); secured: every other one."
        },
    )
    sort = ma.fields.String(
        load_default="founded",
        validate=ma.validate.OneOf(sorted(SORTS)),
        metadata={
            "description": "founded (default), name, next_checkpoint, updated; '-' for descending."
        },
    )
    cursor = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(max=500),
        metadata={"description": "The previous page's next_cursor."},
    )
    limit = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=200))


class ConsortiumSummary(ma.Schema):
    id = ma.fields.UUID()
    name = ma.fields.String()
    challenge = ma.fields.String()
    phase = ma.fields.String()
    active_members = ma.fields.Integer()
    founded_at = Instant()
    updated_at = Instant()
    next_checkpoint = ma.fields.Date(allow_none=True)
    financing_at_risk = ma.fields.Boolean(metadata={"description": AT_RISK})
    committed = MoneyField()
    received = MoneyField()
    spent = MoneyField()
    available = MoneyField()


class ConsortiumPage(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ConsortiumSummary))
    next_cursor = ma.fields.String(allow_none=True, metadata={"description": "Pass as `cursor`."})
    next = ma.fields.String(allow_none=True, metadata={"description": "The next page's address."})


class HistoryArgs(StrictSchema):
    after = ma.fields.Integer(
        load_default=0,
        validate=ma.validate.Range(min=0, max=MAX_POSITION),
        metadata={"description": "Show events after this version (the previous `next_cursor`)."},
    )
    limit = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=200))


class EventOut(ma.Schema):
    version = ma.fields.Integer()
    type = ma.fields.String(metadata={"description": "What happened, e.g. MemberAdmitted."})
    occurred_at = Instant()
    actor = ma.fields.String(metadata={"description": "Who caused it."})
    request_id = ma.fields.String()
    data = ma.fields.Dict(metadata={"description": "The facts the event records."})
    about = ma.fields.Date(
        allow_none=True,
        metadata={"description": "The day the fact is about (a booking or joining date)."},
    )
    backdated = ma.fields.Boolean(
        metadata={"description": "Entered after the day it is about (occurred_at is later)."}
    )


class HistoryPage(PageOut):
    items = ma.fields.List(ma.fields.Nested(EventOut))
