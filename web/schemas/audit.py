"""Schemas of the audit chain's endpoints and of an account's history."""

from __future__ import annotations

import marshmallow as ma

from web.schemas.fields import Instant


class PublicKeyOut(ma.Schema):
    algorithm = ma.fields.Constant("Ed25519")
    public_key = ma.fields.String(
        metadata={"description": "The key that signs checkpoints: base64 of its 32 raw bytes."}
    )
    retired_public_keys = ma.fields.List(
        ma.fields.String(),
        metadata={
            "description": "Keys that signed checkpoints before the current one (base64); "
            "their checkpoints still verify."
        },
    )
    verifier = ma.fields.String(metadata={"description": "Where to download the verifier."})


class BreakOut(ma.Schema):
    notification_id = ma.fields.Integer(metadata={"description": "Where the chain breaks."})
    problem = ma.fields.String(
        metadata={"description": "altered, missing, unlinked, misplaced or checkpoint."}
    )
    message = ma.fields.String()
    originator_id = ma.fields.UUID(allow_none=True, metadata={"description": "The event's stream."})
    originator_version = ma.fields.Integer(allow_none=True)
    consortium_id = ma.fields.UUID(
        allow_none=True, metadata={"description": "The consortium the event belongs to, if any."}
    )


class ChainOut(ma.Schema):
    application = ma.fields.String(metadata={"description": "consortia or accounts."})
    intact = ma.fields.Boolean()
    events = ma.fields.Integer(metadata={"description": "Events checked (up to a break)."})
    last_notification_id = ma.fields.Integer(allow_none=True)
    checkpoints = ma.fields.Integer(metadata={"description": "Signed checkpoints that match."})
    broken = ma.fields.Nested(BreakOut, allow_none=True)


class VerifyOut(ma.Schema):
    intact = ma.fields.Boolean(metadata={"description": "Every chain recomputes."})
    applications = ma.fields.List(ma.fields.Nested(ChainOut))


class AccountChangeOut(ma.Schema):
    change = ma.fields.String(
        metadata={
            "description": "account_opened, profile_changed, capabilities_changed, "
            "deactivated, reactivated, password_changed, calendar_feed_renewed, "
            "calendar_feed_closed, token_issued, token_revoked, role_granted or role_revoked."
        }
    )
    recorded_at = Instant()
    actor = ma.fields.String(metadata={"description": "Who caused it."})
    request_id = ma.fields.String()
    originator_id = ma.fields.UUID(
        metadata={"description": "The account's or the token's id; a role's consortium's."}
    )
    originator_version = ma.fields.Integer()
    details = ma.fields.Dict(
        metadata={
            "description": "What changed (never a secret, hash or feed nonce); for a role: "
            "consortium (its name), role, member_id and party (a representative's member)."
        }
    )


class AccountHistoryOut(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AccountChangeOut))
