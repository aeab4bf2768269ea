"""Schemas shared by every resource: problems, paging arguments and page envelopes."""

from __future__ import annotations

import marshmallow as ma

from web.schemas.fields import StrictSchema


class ProblemError(ma.Schema):
    field = ma.fields.String(metadata={"description": "The input at fault, dotted."})
    pointer = ma.fields.String(metadata={"description": "JSON pointer into the body (#/name)."})
    detail = ma.fields.String()


class Problem(ma.Schema):
    """RFC 9457 problem details. A refusal by a rule adds extension members naming what it
    concerned (e.g. "member_id", "available"), which RFC 9457 allows: documented as open."""

    class Meta:
        unknown = ma.INCLUDE

    type = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String()
    instance = ma.fields.String()
    request_id = ma.fields.String()
    errors = ma.fields.List(ma.fields.Nested(ProblemError))


# Positions and versions are 64-bit integers in the databases.
MAX_POSITION = 2**62


class PageArgs(StrictSchema):
    cursor = ma.fields.Integer(
        load_default=None,
        validate=ma.validate.Range(min=0, max=MAX_POSITION),
        metadata={"description": "Where the previous page ended (its `next_cursor`)."},
    )
    limit = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=200))


class PageOut(ma.Schema):
    next_cursor = ma.fields.Integer(
        allow_none=True,
        metadata={"description": "Pass as `cursor` for the next page; null on the last."},
    )
    next = ma.fields.String(allow_none=True, metadata={"description": "The next page's address."})
