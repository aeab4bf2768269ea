"""Schemas of the exports (CSV and XLSX of the budget and the ledger) and of the traces of the
budget's figures."""

from __future__ import annotations

import marshmallow as ma

from consortium.trace import TRACEABLE
from web.i18n import LANGUAGES
from web.schemas.budget import BudgetArgs
from web.schemas.fields import Instant, MoneyField
from web.schemas.money import year_field


class ExportArgs(BudgetArgs):
    """The books to export (``as_of`` or ``on``, as the budget reads them) and the language of
    the column headers."""

    lang = ma.fields.String(
        load_default=None,
        validate=ma.validate.OneOf(LANGUAGES),
        metadata={
            "description": "The language of the column headers: nl or en. Default: the "
            "language of your account, else the better of Accept-Language."
        },
    )


class BudgetExportArgs(ExportArgs):
    year = year_field(
        strict=False,
        load_default=None,
        metadata={"description": "Only the rows of this year (per year, per member and year)."},
    )


class TraceArgs(BudgetArgs):
    figure = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(TRACEABLE),
        metadata={"description": "The figure of the budget view to explain."},
    )
    member_id = ma.fields.UUID(
        load_default=None,
        metadata={"description": "The member's figure; without it, the whole consortium's."},
    )
    year = year_field(
        strict=False,
        load_default=None,
        metadata={"description": "That year's figure; without it, every year's together."},
    )


class TracedLineOut(ma.Schema):
    version = ma.fields.Integer(metadata={"description": "The event's version in the history."})
    event = ma.fields.String(metadata={"description": "The event's type."})
    occurred_at = Instant(metadata={"description": "When it was recorded."})
    actor = ma.fields.String(metadata={"description": "Who recorded it."})
    request_id = ma.fields.String(metadata={"description": "The request it came from."})
    about = ma.fields.Date(allow_none=True, metadata={"description": "The day it is about."})
    member_id = ma.fields.UUID(allow_none=True)
    party = ma.fields.String(allow_none=True)
    year = ma.fields.Integer()
    kind = ma.fields.String(
        metadata={
            "description": "The ledger's kind it changed: cash, in_kind, committed:cash, "
            "committed:in_kind, spent, needed:<purpose>."
        }
    )
    amount = MoneyField(metadata={"description": "How it changed that kind (a reversal: < 0)."})
    counted = MoneyField(metadata={"description": "What it adds to the figure."})


class TraceOut(ma.Schema):
    consortium_id = ma.fields.UUID()
    figure = ma.fields.String()
    member_id = ma.fields.UUID(allow_none=True)
    year = ma.fields.Integer(allow_none=True)
    as_of = Instant(allow_none=True)
    on = ma.fields.Date(allow_none=True)
    total = MoneyField(
        metadata={"description": "The figure: the sum of the lines' counted amounts."}
    )
    lines = ma.fields.List(
        ma.fields.Nested(TracedLineOut),
        metadata={
            "description": "The events that make the figure up, oldest first: every amount "
            "added (contributions, reversals, spending) and the pledges and needs in force."
        },
    )
