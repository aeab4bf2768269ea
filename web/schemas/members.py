"""Schemas of members (deelnemers): admission, leaving, and a member as read."""

from __future__ import annotations

import marshmallow as ma

from consortium.aggregate import MAX_REASON
from consortium.members import MAX_PARTY_LENGTH, MAX_POPULATION, MemberRole, Sector
from consortium.provinces import Province
from web.schemas.fields import Instant, LongText, StrictSchema

PROVINCE = "The province the municipality lies in; municipalities only, optional."
PROVINCE_IN = ma.fields.Enum(
    Province, by_value=True, load_default=None, allow_none=True, metadata={"description": PROVINCE}
)


class MemberIn(StrictSchema):
    party = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=MAX_PARTY_LENGTH),
        metadata={"description": "The organisation's name, e.g. Gemeente Utrecht."},
    )
    sector = ma.fields.Enum(Sector, by_value=True, required=True)
    role = ma.fields.Enum(MemberRole, by_value=True, required=True)
    contact_email = ma.fields.Email(load_default=None, allow_none=True)
    population = ma.fields.Integer(
        strict=True,
        load_default=None,
        allow_none=True,
        validate=ma.validate.Range(min=1, max=MAX_POPULATION),
        metadata={"description": "Inwonertal; municipalities only. Used by cost-sharing keys."},
    )
    province = PROVINCE_IN
    joined_on = ma.fields.Date(
        load_default=None,
        metadata={
            "description": "The day it joined, today by default; an earlier day enters a "
            "membership of the consortium's past."
        },
    )


class MemberLeaveIn(StrictSchema):
    reason = LongText(
        load_default=None, allow_none=True, validate=ma.validate.Length(max=MAX_REASON)
    )
    left_on = ma.fields.Date(
        load_default=None,
        metadata={"description": "The day it left, today by default."},
    )


class MemberOut(ma.Schema):
    id = ma.fields.UUID()
    party = ma.fields.String()
    sector = ma.fields.Enum(Sector, by_value=True)
    role = ma.fields.Enum(MemberRole, by_value=True)
    contact_email = ma.fields.String(allow_none=True)
    population = ma.fields.Integer(allow_none=True)
    province = ma.fields.Enum(Province, by_value=True, allow_none=True)
    joined_at = Instant(metadata={"description": "When the admission was recorded."})
    joined_on = ma.fields.Date(metadata={"description": "The day it joined."})
    left_at = Instant(allow_none=True)
    left_on = ma.fields.Date(allow_none=True)
    leave_reason = ma.fields.String(allow_none=True)
    active = ma.fields.Boolean(attribute="is_active")


class MemberList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(MemberOut))
