"""Schemas of the budget view, the member-money view and cost-sharing keys."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import marshmallow as ma

from consortium.cost_sharing import KeyKind
from consortium.members import MAX_PARTY_LENGTH
from web.schemas.common import Problem
from web.schemas.fields import AsOf, Instant, MoneyField, StrictSchema
from web.schemas.money import CURRENCY, year_field


class FiguresOut(ma.Schema):
    """committed (cash + in kind), received (cash + in kind), spent and available (cash
    received minus spent); what is still outstanding of the pledges, per kind."""

    committed = MoneyField(metadata={"description": "Pledged, cash and in kind."})
    committed_cash = MoneyField()
    committed_in_kind = MoneyField()
    received = MoneyField()
    received_cash = MoneyField()
    received_in_kind = MoneyField()
    spent = MoneyField()
    available = MoneyField(metadata={"description": "Cash received minus spent."})
    outstanding = MoneyField(metadata={"description": "Pledged in cash minus received in cash."})
    outstanding_in_kind = MoneyField(
        metadata={"description": "Pledged in kind minus given in kind."}
    )
    needed = MoneyField(metadata={"description": "What the financing plan says is needed."})
    gap = MoneyField(metadata={"description": "Needed but not pledged (0 when covered)."})


class YearOut(FiguresOut):
    year = ma.fields.Integer()

    @ma.pre_dump
    def flatten(self, row: Any, **_: Any) -> dict[str, Any]:
        return {"year": row.year, **figures_dict(row.figures)}


class MemberYearOut(YearOut):
    key_version = ma.fields.Integer(
        allow_none=True,
        metadata={
            "description": "The version of the consortium's cost-sharing key that made the "
            "member's pledge in force for this year (see GET .../cost-sharing; 0: the key it "
            "shared by before one was set); null when the pledge was made otherwise."
        },
    )

    @ma.pre_dump
    def flatten(self, row: Any, **_: Any) -> dict[str, Any]:
        return {"year": row.year, "key_version": row.key_version, **figures_dict(row.figures)}


class MemberBudgetOut(FiguresOut):
    member_id = ma.fields.UUID()
    party = ma.fields.String()
    active = ma.fields.Boolean()
    years = ma.fields.List(ma.fields.Nested(MemberYearOut))

    @ma.pre_dump
    def flatten(self, row: Any, **_: Any) -> dict[str, Any]:
        return {
            "member_id": row.member.id,
            "party": row.member.party,
            "active": row.member.is_active,
            "years": row.years,
            **figures_dict(row.figures),
        }


class NeedOut(ma.Schema):
    year = ma.fields.Integer()
    committed = MoneyField()
    needed = MoneyField(
        metadata={"description": "The plan's need (or, without a plan, the year's tranches)."}
    )
    gap = MoneyField(metadata={"description": "Needed but not pledged (0 when covered)."})


class HorizonOut(ma.Schema):
    last_committed_year = ma.fields.Integer(
        allow_none=True, metadata={"description": "The last year with a pledge above zero."}
    )
    needs = ma.fields.List(ma.fields.Nested(NeedOut))
    needs_from = ma.fields.String(
        metadata={
            "description": "plan: the financing plan's needs; tranches: without a plan, the "
            "tranches of milestones due each year."
        }
    )
    year = ma.fields.Integer(
        allow_none=True,
        metadata={
            "description": "The horizon: the last year, counting on from this one, "
            "whose need is fully pledged."
        },
    )
    years_covered = ma.fields.Integer()
    at_risk = ma.fields.Boolean(metadata={"description": "Financiering in gevaar."})
    reasons = ma.fields.List(ma.fields.String())


class TrancheOut(ma.Schema):
    milestone_id = ma.fields.UUID()
    title = ma.fields.String()
    due_date = ma.fields.Date()
    amount = MoneyField()
    status = ma.fields.String(metadata={"description": "planned, released or cancelled."})
    spent = MoneyField(metadata={"description": "Spent against this milestone."})


class TranchesOut(ma.Schema):
    released = MoneyField(attribute="tranches_released")
    planned = MoneyField(attribute="tranches_planned")
    items = ma.fields.List(ma.fields.Nested(TrancheOut), attribute="tranches")


class BudgetArgs(StrictSchema):
    as_of = AsOf(
        load_default=None,
        metadata={
            "description": "The books as recorded by then: what they said at that instant (an "
            "ISO 8601 instant with offset, or a date: the end of that day).",
            "type": "string",
        },
    )
    on = ma.fields.Date(
        load_default=None,
        metadata={
            "description": "The books as booked for the days up to this date: facts whose own "
            "day (a pledge's, a contribution's, a spending's) lies on or before it, "
            "corrections included, also those entered later."
        },
    )

    @ma.validates_schema
    def one_time(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("as_of") is not None and data.get("on") is not None:
            raise ma.ValidationError("Ask as_of or on, not both.", "on")


class BudgetOut(ma.Schema):
    consortium_id = ma.fields.UUID()
    as_of = Instant(allow_none=True)
    on = ma.fields.Date(allow_none=True, metadata={"description": "The ?on= asked for."})
    currency = ma.fields.Constant("EUR")
    totals = ma.fields.Nested(FiguresOut)
    years = ma.fields.List(ma.fields.Nested(YearOut))
    members = ma.fields.List(ma.fields.Nested(MemberBudgetOut))
    horizon = ma.fields.Nested(HorizonOut)
    tranches = ma.fields.Nested(TranchesOut)


def figures_dict(figures: Any) -> dict[str, Any]:
    return {name: getattr(figures, name) for name in FiguresOut._declared_fields}


# Weights are relative; no key needs more than this (it keeps the arithmetic bounded).
MAX_WEIGHT = 10**12


def _weight(value: Decimal) -> None:
    # A Range validator would have the OpenAPI document give its bounds as text (apispec writes
    # them with the Decimal field), so the bounds are checked here and documented as numbers.
    if not 0 <= value <= MAX_WEIGHT:
        raise ma.ValidationError(f"A weight lies between 0 and {MAX_WEIGHT}.")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -6:
        raise ma.ValidationError("A weight has at most six decimals.")


class CostSharingIn(StrictSchema):
    amount = MoneyField(required=True)
    currency = CURRENCY
    key = ma.fields.Enum(KeyKind, by_value=True, required=True)
    member_ids = ma.fields.List(
        ma.fields.UUID(),
        load_default=None,
        metadata={"description": "Default: the current members, in the order they joined."},
    )
    weights = ma.fields.Dict(
        keys=ma.fields.UUID(),
        values=ma.fields.Decimal(
            allow_nan=False,
            validate=_weight,
            metadata={"minimum": 0, "maximum": MAX_WEIGHT},
        ),
        load_default=None,
        metadata={"description": "{member_id: number} for the `weights` key."},
    )
    commit_year = year_field(
        load_default=None,
        metadata={"description": "When given, each share is pledged by its member for that year."},
    )


class ShareOut(ma.Schema):
    member_id = ma.fields.UUID()
    party = ma.fields.String()
    weight = ma.fields.Decimal(as_string=True)
    amount = MoneyField()


class CostSharingOut(ma.Schema):
    amount = MoneyField()
    currency = ma.fields.Constant("EUR")
    key = ma.fields.Enum(KeyKind, by_value=True)
    commit_year = ma.fields.Integer(allow_none=True)
    shares = ma.fields.List(ma.fields.Nested(ShareOut))


class PartyConsortiumOut(FiguresOut):
    consortium_id = ma.fields.UUID()
    name = ma.fields.String()
    member_ids = ma.fields.List(ma.fields.UUID())
    active = ma.fields.Boolean()
    years = ma.fields.List(ma.fields.Nested(YearOut))


class PartyPath(StrictSchema):
    party = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=MAX_PARTY_LENGTH),
        metadata={
            "description": "The organisation's name, matched whatever its case, accents and "
            "surrounding spaces."
        },
    )


class PartyNotFoundOut(Problem):
    suggestions = ma.fields.List(
        ma.fields.String(),
        metadata={"description": "The closest names of parties in consortia you may see."},
    )


class PartyMoneyOut(ma.Schema):
    party = ma.fields.String()
    totals = ma.fields.Nested(FiguresOut)
    consortia = ma.fields.List(ma.fields.Nested(PartyConsortiumOut))
