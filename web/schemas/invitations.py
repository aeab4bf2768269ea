"""Schemas of invitations: inviting a colleague to a role, and the invitation they accept."""

from __future__ import annotations

import marshmallow as ma

from consortium.access import Role
from consortium.accounts import Language
from consortium.invitations import InvitationStatus
from consortium.text import MAX_NAME
from web.schemas.fields import Instant, StrictSchema


class InvitationIn(StrictSchema):
    email = ma.fields.Email(required=True, metadata={"description": "Who is invited."})
    role = ma.fields.Enum(Role, by_value=True, required=True)
    member_id = ma.fields.UUID(
        load_default=None,
        allow_none=True,
        metadata={"description": "The member a member_representative acts for."},
    )
    name = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(max=MAX_NAME),
        metadata={"description": "Their name, for an account that is opened now."},
    )
    language = ma.fields.Enum(
        Language,
        by_value=True,
        load_default=None,
        allow_none=True,
        metadata={"description": "The language of their mail, for an account opened now (nl)."},
    )


class InvitationPath(StrictSchema):
    token = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=200),
        metadata={"description": "The invitation's secret, from the address in its mail."},
    )


class InvitationOut(ma.Schema):
    id = ma.fields.UUID()
    email = ma.fields.String()
    role = ma.fields.Enum(Role, by_value=True)
    member_id = ma.fields.UUID(allow_none=True)
    party = ma.fields.String(allow_none=True, metadata={"description": "That member's name."})
    status = ma.fields.Enum(
        InvitationStatus,
        by_value=True,
        metadata={"description": "withdrawn: its role was revoked before it was used."},
    )
    invited_at = Instant()
    invited_by = ma.fields.String()
    expires_at = Instant()
    accepted_at = Instant(allow_none=True)
    mail_sent_at = Instant(allow_none=True, metadata={"description": "When its mail went out."})
    mail_error = ma.fields.String(
        allow_none=True, metadata={"description": "Why the last try to send it failed."}
    )


class InvitationList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(InvitationOut))


class InvitationViewOut(ma.Schema):
    email = ma.fields.String()
    consortium_id = ma.fields.UUID()
    consortium_name = ma.fields.String()
    role = ma.fields.Enum(Role, by_value=True)
    member_id = ma.fields.UUID(allow_none=True)
    party = ma.fields.String(allow_none=True)
    invited_by = ma.fields.String()
    expires_at = Instant()
    status = ma.fields.Enum(InvitationStatus, by_value=True)
    accept = ma.fields.String(
        metadata={"description": 'Where to POST your password: {"password": "..."}.'}
    )
