"""Schemas of the financing plan: needs per year and purpose, the watch, and the status."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from consortium.figures import NeedCategory
from consortium.text import MAX_REASON
from web.schemas.budget import YearOut
from web.schemas.fields import AsOf, Instant, LongText, MoneyField, StrictSchema
from web.schemas.money import year_field


class NeedIn(StrictSchema):
    year = year_field(required=True)
    category = ma.fields.Enum(
        NeedCategory,
        by_value=True,
        required=True,
        metadata={
            "description": "What the money is for: a phase (exploration, pilot, scale_up) or "
            "a structural cost after adoption (running_costs, licences, maintenance, support)."
        },
    )
    amount = MoneyField(required=True, metadata={"description": 'Text, e.g. "80000.00".'})
    reason = LongText(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(max=MAX_REASON),
        metadata={"description": "Required when revising the need of a year and purpose."},
    )


class NeedRevisionOut(ma.Schema):
    year = ma.fields.Integer()
    category = ma.fields.Enum(NeedCategory, by_value=True)
    amount = MoneyField()
    revision = ma.fields.Integer(metadata={"description": "1 for the first plan of it."})
    reason = ma.fields.String(allow_none=True)
    recorded_at = Instant(allow_none=True)
    recorded_by = ma.fields.String(allow_none=True)


class PlanLineOut(ma.Schema):
    """The need in force for a year and purpose, with every revision that led to it."""

    year = ma.fields.Integer()
    category = ma.fields.Enum(NeedCategory, by_value=True)
    amount = MoneyField()
    revisions = ma.fields.List(ma.fields.Nested(NeedRevisionOut))


class NeedList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(PlanLineOut))


class WatchIn(StrictSchema):
    years_ahead = ma.fields.Integer(
        strict=True,
        required=True,
        validate=ma.validate.Range(min=1, max=10),
        metadata={"description": "Years, counting this one, the pledges must cover."},
    )
    gap_threshold = MoneyField(
        required=True,
        metadata={"description": "Next year's gap beyond which the consortium is at risk."},
    )


class WatchOut(ma.Schema):
    years_ahead = ma.fields.Integer()
    gap_threshold = MoneyField()


class StatusOut(ma.Schema):
    horizon = ma.fields.Integer(
        allow_none=True,
        metadata={"description": "The last year, counting on from this one, fully pledged."},
    )
    years_covered = ma.fields.Integer()
    next_year_gap = MoneyField()
    at_risk = ma.fields.Boolean(metadata={"description": "Financiering in gevaar."})
    reasons = ma.fields.List(ma.fields.String())


class FinancingYearOut(YearOut):
    needed_by_category = ma.fields.Dict(
        keys=ma.fields.String(), values=MoneyField(), metadata={"description": "Per purpose."}
    )

    @ma.pre_dump
    def flatten(self, row: Any, **kwargs: Any) -> dict[str, Any]:
        flat: dict[str, Any] = super().flatten(row, **kwargs)
        flat["needed_by_category"] = {
            c.value: row.figures.needed_for(c)
            for c in NeedCategory
            if row.figures.needed_for(c).is_positive
        }
        return flat


class FinancingOut(ma.Schema):
    consortium_id = ma.fields.UUID()
    as_of = Instant(allow_none=True)
    currency = ma.fields.Constant("EUR")
    watch = ma.fields.Nested(WatchOut)
    status = ma.fields.Nested(StatusOut)
    years = ma.fields.List(ma.fields.Nested(FinancingYearOut))
    plan = ma.fields.List(ma.fields.Nested(PlanLineOut))


class FinancingArgs(StrictSchema):
    as_of = AsOf(
        load_default=None,
        metadata={"description": "The plan and its figures as recorded by then.", "type": "string"},
    )
