"""Schemas of the ledger: pledges (commitments), contributions, reversals and expenditures."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Final

import marshmallow as ma

from consortium.budget import MAX_HOURS
from consortium.ledger import ContributionKind
from consortium.money import CURRENCIES
from consortium.text import MAX_DESCRIPTION, MAX_REASON, MAX_REFERENCE
from web.schemas.common import MAX_POSITION, PageOut
from web.schemas.fields import Instant, LongText, MoneyField, StrictSchema

CURRENCY = ma.fields.String(
    load_default="EUR",
    validate=ma.validate.OneOf(sorted(CURRENCIES), error="Unknown currency; amounts are in EUR."),
)


def year_field(*, strict: bool = True, **kwargs: Any) -> ma.fields.Integer:
    """A calendar year; whether it lies in the consortium's budget years is the domain's rule.
    Strict (a JSON number, never text) in bodies; a query string's values are text."""
    return ma.fields.Integer(
        strict=strict, validate=ma.validate.Range(min=1900, max=2200), **kwargs
    )


def _hours(value: Decimal) -> None:
    if not Decimal(0) < value <= MAX_HOURS:
        raise ma.ValidationError(f"Hours lie between 0 and {MAX_HOURS}.")
    if value != value.quantize(Decimal("0.01")):
        raise ma.ValidationError("At most two decimals.")


class CommitmentIn(StrictSchema):
    member_id = ma.fields.UUID(required=True)
    year = year_field(required=True)
    amount = MoneyField(required=True, metadata={"description": 'Text, e.g. "25000.00".'})
    currency = CURRENCY
    kind = ma.fields.Enum(
        ContributionKind,
        by_value=True,
        load_default=ContributionKind.CASH,
        metadata={
            "description": "What is pledged: cash (default), or work in kind; a member may "
            "pledge both for a year, as two pledges. Each is paid off by contributions of "
            "its kind."
        },
    )
    pledged_on = ma.fields.Date(
        load_default=None,
        metadata={
            "description": "The day the pledge was made (a council decision, a letter); "
            "today by default. A day before today marks the pledge as entered afterwards. "
            "A revision is not about a day before the pledge it revises."
        },
    )
    reason = LongText(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(max=MAX_REASON),
        metadata={"description": "Required when revising an earlier pledge for the same year."},
    )


class CommitmentOut(ma.Schema):
    id = ma.fields.UUID()
    member_id = ma.fields.UUID()
    year = ma.fields.Integer()
    amount = MoneyField()
    currency = ma.fields.Constant("EUR")
    revision = ma.fields.Integer(metadata={"description": "1 for the first pledge."})
    reason = ma.fields.String(allow_none=True)
    recorded_at = Instant()
    recorded_by = ma.fields.String()
    kind = ma.fields.Enum(ContributionKind, by_value=True)
    pledged_on = ma.fields.Date(metadata={"description": "The day the pledge was made."})


class PledgeOut(ma.Schema):
    """A member's current pledge for a year, with every revision that led to it."""

    member_id = ma.fields.UUID()
    party = ma.fields.String()
    year = ma.fields.Integer()
    kind = ma.fields.Enum(ContributionKind, by_value=True)
    amount = MoneyField()
    currency = ma.fields.Constant("EUR")
    revisions = ma.fields.List(ma.fields.Nested(CommitmentOut))


class PledgeArgs(StrictSchema):
    member_id = ma.fields.UUID(load_default=None)
    year = year_field(strict=False, load_default=None)
    kind = ma.fields.Enum(ContributionKind, by_value=True, load_default=None)


class PledgeList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(PledgeOut))


class ContributionIn(StrictSchema):
    """Cash, or work in kind: valued by `hours` × `rate` (then `amount` may be left out: the
    service computes it, and refuses one that differs), or valued as a whole by `amount`."""

    member_id = ma.fields.UUID(required=True)
    kind = ma.fields.Enum(ContributionKind, by_value=True, required=True)
    amount = MoneyField(
        metadata={
            "description": "Required, except for work in kind valued by hours and rate: then it "
            "is hours × rate (rounded half up to the cent), and one given must be exactly that."
        },
    )
    currency = CURRENCY
    date = ma.fields.Date(required=True, metadata={"description": "When received or given."})
    year = year_field(
        load_default=None, metadata={"description": "The year it counts for; default: of date."}
    )
    reference = ma.fields.String(
        load_default=None, allow_none=True, validate=ma.validate.Length(max=MAX_REFERENCE)
    )
    hours = ma.fields.Decimal(
        load_default=None,
        allow_none=True,
        validate=_hours,
        metadata={"description": "In kind: hours of work, valued at `rate` per hour."},
    )
    rate = MoneyField(
        load_default=None,
        allow_none=True,
        metadata={"description": 'In kind: euro per hour, e.g. "85.00".'},
    )

    @ma.validates_schema(skip_on_field_errors=False, pass_original=True)
    def _amount_or_hours(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        # Only work in kind can be valued by hours; whether both hours and rate came, and an
        # amount given agrees with them, is the domain's rule (consortium.budget). An amount
        # given but refused has its own error already: it is not also "missing".
        if isinstance(original, Mapping) and "amount" in original:
            return
        by_hours = data.get("hours") is not None or data.get("rate") is not None
        if data.get("amount") is None and not (
            by_hours and data.get("kind") is not ContributionKind.CASH
        ):
            raise ma.ValidationError(self.fields["amount"].error_messages["required"], "amount")


# OpenAPI: what the schema's own validation adds to its fields (`amount` or hours and rate).
CONTRIBUTION_IN_RULES: Final = {
    "anyOf": [
        {"required": ["amount"]},
        {"required": ["hours", "rate"], "properties": {"kind": {"const": "in_kind"}}},
    ]
}


class ReversalIn(StrictSchema):
    reason = LongText(required=True, validate=ma.validate.Length(min=1, max=MAX_REASON))


class ReversalOut(ma.Schema):
    contribution_id = ma.fields.UUID()
    reason = ma.fields.String()
    reversed_at = Instant()
    reversed_by = ma.fields.String()


class ContributionOut(ma.Schema):
    id = ma.fields.UUID()
    member_id = ma.fields.UUID()
    kind = ma.fields.Enum(ContributionKind, by_value=True)
    amount = MoneyField()
    currency = ma.fields.Constant("EUR")
    date = ma.fields.Date()
    year = ma.fields.Integer()
    reference = ma.fields.String(allow_none=True)
    hours = ma.fields.Decimal(as_string=True, allow_none=True)
    rate = MoneyField(allow_none=True)
    logged_at = Instant()
    logged_by = ma.fields.String()
    reversal = ma.fields.Nested(ReversalOut, allow_none=True)


class ContributionArgs(StrictSchema):
    member_id = ma.fields.UUID(load_default=None)
    year = year_field(strict=False, load_default=None)
    kind = ma.fields.Enum(ContributionKind, by_value=True, load_default=None)
    cursor = ma.fields.Integer(load_default=0, validate=ma.validate.Range(min=0, max=MAX_POSITION))
    limit = ma.fields.Integer(load_default=100, validate=ma.validate.Range(min=1, max=500))


class ContributionPage(PageOut):
    items = ma.fields.List(ma.fields.Nested(ContributionOut))


class ExpenditureIn(StrictSchema):
    amount = MoneyField(required=True)
    currency = CURRENCY
    date = ma.fields.Date(required=True)
    description = LongText(required=True, validate=ma.validate.Length(min=1, max=MAX_DESCRIPTION))
    milestone_id = ma.fields.UUID(load_default=None, allow_none=True)


class ExpenditureOut(ma.Schema):
    id = ma.fields.UUID()
    amount = MoneyField()
    currency = ma.fields.Constant("EUR")
    date = ma.fields.Date()
    year = ma.fields.Integer()
    description = ma.fields.String()
    milestone_id = ma.fields.UUID(allow_none=True)
    recorded_at = Instant()
    recorded_by = ma.fields.String()


class ExpenditureList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ExpenditureOut))
