"""Schemas of accounts, API tokens and role grants."""

from __future__ import annotations

import marshmallow as ma

from consortium.access import Role
from consortium.accounts import Language
from consortium.text import MAX_NAME
from events.accounts import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from web.schemas.common import PageOut
from web.schemas.fields import Instant, StrictBoolean, StrictSchema


class AccountIn(StrictSchema):
    email = ma.fields.Email(required=True)
    name = ma.fields.String(load_default=None, validate=ma.validate.Length(max=MAX_NAME))
    language = ma.fields.Enum(Language, by_value=True, load_default=Language.NL)
    is_admin = StrictBoolean(load_default=False, metadata={"description": "Administrator."})
    may_found = StrictBoolean(
        load_default=False, metadata={"description": "May found consortia (programme manager)."}
    )


class AccountChangeIn(StrictSchema):
    name = ma.fields.String(load_default=None, validate=ma.validate.Length(min=1, max=MAX_NAME))
    language = ma.fields.Enum(Language, by_value=True, load_default=None)
    active = StrictBoolean(load_default=None, metadata={"description": "Administrators only."})
    is_admin = StrictBoolean(load_default=None, metadata={"description": "Administrators only."})
    may_found = StrictBoolean(load_default=None, metadata={"description": "Administrators only."})


class AccountOut(ma.Schema):
    id = ma.fields.UUID()
    email = ma.fields.String()
    name = ma.fields.String()
    language = ma.fields.Enum(Language, by_value=True)
    is_admin = ma.fields.Boolean()
    may_found = ma.fields.Boolean()
    active = ma.fields.Boolean(attribute="is_active")
    has_password = ma.fields.Function(lambda a: a.password_hash is not None)
    created_at = Instant(attribute="created_on")


class HeldRoleOut(ma.Schema):
    consortium_id = ma.fields.UUID()
    consortium_name = ma.fields.String()
    role = ma.fields.Enum(Role, by_value=True)
    member_id = ma.fields.UUID(
        allow_none=True, metadata={"description": "The member a member_representative acts for."}
    )
    party = ma.fields.String(allow_none=True, metadata={"description": "That member's name."})


class MeOut(AccountOut):
    roles = ma.fields.List(
        ma.fields.Nested(HeldRoleOut),
        metadata={
            "description": "Your roles in force, per consortium (an administrator may act in "
            "every consortium besides)."
        },
    )


class AccountPage(PageOut):
    items = ma.fields.List(ma.fields.Nested(AccountOut))


class PasswordIn(StrictSchema):
    password = ma.fields.String(
        required=True,
        load_only=True,
        validate=ma.validate.Length(
            min=MIN_PASSWORD_LENGTH,
            max=MAX_PASSWORD_LENGTH,
            error="A password has {min} to {max} characters.",
        ),
    )


class TokenIn(StrictSchema):
    name = ma.fields.String(load_default="api", validate=ma.validate.Length(min=1, max=MAX_NAME))
    expires_in_days = ma.fields.Integer(
        load_default=None,
        strict=True,
        validate=ma.validate.Range(min=1, max=3650),
        metadata={
            "description": "Days until the token expires (1 to 3650). Without it, the token "
            "never expires until revoked; `consortium token create` gives 90 days unless told "
            "otherwise."
        },
    )


class TokenOut(ma.Schema):
    id = ma.fields.UUID()
    name = ma.fields.String()
    prefix = ma.fields.String(metadata={"description": "The first characters, to recognise it."})
    created_at = Instant(attribute="created_on")
    expires_at = Instant(allow_none=True)
    revoked_at = Instant(allow_none=True)


class IssuedTokenOut(TokenOut):
    token = ma.fields.String(metadata={"description": "The secret: shown this once only."})


class TokenList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(TokenOut))


class GrantIn(StrictSchema):
    account = ma.fields.Email(required=True, metadata={"description": "The account's email."})
    role = ma.fields.Enum(Role, by_value=True, required=True)
    member_id = ma.fields.UUID(
        load_default=None,
        allow_none=True,
        metadata={"description": "The member a member_representative acts for."},
    )


class GrantOut(ma.Schema):
    id = ma.fields.UUID()
    account = ma.fields.String()
    role = ma.fields.Enum(Role, by_value=True)
    member_id = ma.fields.UUID(allow_none=True)
    granted_at = Instant()
    granted_by = ma.fields.String()
    revoked_at = Instant(allow_none=True)
    revoked_by = ma.fields.String(allow_none=True)
    active = ma.fields.Boolean(attribute="is_active")


class GrantList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(GrantOut))
