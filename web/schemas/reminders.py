"""Schemas of the reminder policy and the reminders sent and planned."""

from __future__ import annotations

import marshmallow as ma

from consortium.reminders import MAX_OFFSET
from web.schemas.fields import Instant, StrictBoolean, StrictSchema


class ReminderPolicyIn(StrictSchema):
    offsets = ma.fields.List(
        ma.fields.Integer(strict=True, validate=ma.validate.Range(min=0, max=MAX_OFFSET)),
        required=True,
        validate=ma.validate.Length(min=1, max=10),
        metadata={"description": "Days before the due date to remind (0: on the day)."},
    )
    escalate_to_funders = StrictBoolean(load_default=False)


class ReminderPolicyOut(ma.Schema):
    offsets = ma.fields.List(ma.fields.Integer())
    escalate_to_funders = ma.fields.Boolean()


class ReminderOut(ma.Schema):
    milestone_id = ma.fields.UUID()
    due_date = ma.fields.Date()
    kind = ma.fields.String(metadata={"description": "reminder or escalation"})
    step = ma.fields.Integer(metadata={"description": "Days before due, or the overdue week."})
    recipient = ma.fields.String()
    language = ma.fields.String()
    scheduled_at = Instant()
    delivered_at = Instant(allow_none=True)
    cancelled_at = Instant(allow_none=True)
    cancel_reason = ma.fields.String(
        allow_none=True, metadata={"description": "Why it was not sent (e.g. evaluated first)."}
    )
    attempts = ma.fields.Integer()
    last_error = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "What went wrong with the last try, by kind only (e.g. 'timed out', "
            "'answered 500', 'mail server refused (451)'); the details are in the service log."
        },
    )


class PlannedOut(ma.Schema):
    milestone_id = ma.fields.UUID()
    title = ma.fields.String()
    due_date = ma.fields.Date()
    next_reminder_on = ma.fields.Date(allow_none=True)


class RemindersOut(ma.Schema):
    policy = ma.fields.Nested(ReminderPolicyOut)
    sent = ma.fields.List(ma.fields.Nested(ReminderOut))
    planned = ma.fields.List(ma.fields.Nested(PlannedOut))


class WebhookIn(StrictSchema):
    url = ma.fields.Url(
        required=True,
        schemes={"http", "https"},
        require_tld=False,
        metadata={
            "description": "Where reminders are posted too (JSON, signed): an https address "
            "on the public internet (http only to hosts the service allows), without user "
            "name or password; never followed to another address (no redirects)."
        },
    )


class WebhookOut(ma.Schema):
    url = ma.fields.String(
        metadata={"description": "In full only here; the history shows its scheme and host."}
    )
    key_version = ma.fields.Integer(metadata={"description": "Grows with every change."})
    signing_key = ma.fields.String(
        metadata={
            "description": "Verify X-Consortium-Signature (sha256=HMAC of the body) with it. "
            "Shown when the webhook is set, and to programme managers."
        }
    )
