"""Schemas of the read model's status: how far it is behind the log, and what it skipped."""

from __future__ import annotations

import marshmallow as ma

from web.schemas.fields import Instant


class FailureOut(ma.Schema):
    notification_id = ma.fields.Integer(metadata={"description": "The event's place in the log."})
    consortium_id = ma.fields.UUID(attribute="originator_id")
    type = ma.fields.String(attribute="event_type", metadata={"description": "e.g. Founded."})
    version = ma.fields.Integer(
        attribute="originator_version", metadata={"description": "As in the history."}
    )
    topic = ma.fields.String()
    error = ma.fields.String(attribute="error_class")
    detail = ma.fields.String(attribute="error_message", metadata={"description": "Why."})
    first_failed_at = Instant()
    last_failed_at = Instant()
    attempts = ma.fields.Integer()


class ReadModelOut(ma.Schema):
    position = ma.fields.Integer(
        metadata={"description": "The last event applied (or skipped as failed)."}
    )
    head = ma.fields.Integer(metadata={"description": "The last event recorded."})
    lag = ma.fields.Integer(metadata={"description": "Events recorded but not yet applied."})
    failed = ma.fields.Integer(metadata={"description": "Events skipped as failed."})
    failures = ma.fields.List(
        ma.fields.Nested(FailureOut),
        metadata={
            "description": "The first 100 events skipped, in log order; after a fix, "
            "`consortium projections retry` applies them."
        },
    )
