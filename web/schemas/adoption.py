"""Schemas of adoption: the public catalogue, what a consortium publishes, requests to adopt,
and the versioned cost-sharing key with its preview."""

from __future__ import annotations

import marshmallow as ma

from consortium.adoption import RequestStatus
from consortium.aggregate import MAX_REASON
from consortium.catalogue import BANDS
from consortium.cost_sharing import KeyKind
from consortium.members import MAX_PARTY_LENGTH, MAX_POPULATION, MemberRole, Sector
from consortium.phases import Phase
from consortium.provinces import Province
from consortium.publication import Part
from web.schemas.budget import MAX_WEIGHT, ShareOut, _weight
from web.schemas.common import PageOut
from web.schemas.fields import Instant, LongText, MoneyField, StrictSchema
from web.schemas.members import PROVINCE, MemberOut
from web.schemas.money import year_field

POPULATION_DESCRIPTION = "Inwonertal: the number of inhabitants of the municipality."


def _weight_field(description: str) -> ma.fields.Decimal:
    return ma.fields.Decimal(
        allow_nan=False,
        load_default=None,
        validate=_weight,
        metadata={"minimum": 0, "maximum": MAX_WEIGHT, "description": description},
    )


# -- the catalogue ---------------------------------------------------------------------------


class CatalogueArgs(StrictSchema):
    q = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(min=1, max=200),
        metadata={"description": "Text in the name or the published challenge."},
    )
    sector = ma.fields.Enum(
        Sector,
        by_value=True,
        load_default=None,
        metadata={"description": "Solutions with a published member of this sector."},
    )
    phase = ma.fields.Enum(Phase, by_value=True, load_default=None)
    population_band = ma.fields.String(
        load_default=None,
        validate=ma.validate.OneOf([name for name, _, _ in BANDS]),
        metadata={
            "description": "Solutions with a published municipality of this size: small "
            "(below 20,000 inhabitants), medium (up to 100,000), large."
        },
    )
    province = ma.fields.Enum(
        Province,
        by_value=True,
        load_default=None,
        metadata={"description": "Solutions with a published municipality in this province."},
    )
    cursor = ma.fields.Integer(
        load_default=None,
        validate=ma.validate.Range(min=0, max=2**62),
        metadata={"description": "The previous page's next_cursor."},
    )
    limit = ma.fields.Integer(load_default=20, validate=ma.validate.Range(min=1, max=100))


class GateOut(ma.Schema):
    title = ma.fields.String()
    questions = ma.fields.List(ma.fields.String())
    decision = ma.fields.String()
    conditions = ma.fields.String(allow_none=True)


class PartyOut(ma.Schema):
    party = ma.fields.String()
    sector = ma.fields.Enum(Sector, by_value=True)
    role = ma.fields.Enum(MemberRole, by_value=True)
    population = ma.fields.Integer(allow_none=True)
    province = ma.fields.Enum(Province, by_value=True, allow_none=True)
    joined_on = ma.fields.Date()


PER_INHABITANT = {"description": "Euros per inhabitant covered, to a hundredth of a cent."}


class AdoptionOut(ma.Schema):
    party = ma.fields.String()
    joined_on = ma.fields.Date()
    adopters = ma.fields.Integer(metadata={"description": "Adopters after it joined."})
    population_before = ma.fields.Integer()
    population_after = ma.fields.Integer()
    cost_per_inhabitant_before = ma.fields.Decimal(
        as_string=True, allow_none=True, metadata=PER_INHABITANT
    )
    cost_per_inhabitant_after = ma.fields.Decimal(
        as_string=True, allow_none=True, metadata=PER_INHABITANT
    )


class YearFigureOut(ma.Schema):
    year = ma.fields.Integer()
    adopters = ma.fields.Integer(metadata={"description": "Adopters at the end of the year."})
    population = ma.fields.Integer(metadata={"description": "Inhabitants covered then."})
    cost_per_inhabitant = ma.fields.Decimal(
        as_string=True, allow_none=True, metadata=PER_INHABITANT
    )


class CatalogueEntryOut(ma.Schema):
    """A solution as the catalogue shows it; a part the consortium does not publish is null."""

    consortium_id = ma.fields.UUID()
    name = ma.fields.String()
    phase = ma.fields.Enum(Phase, by_value=True)
    published = ma.fields.Method(
        "_published",
        metadata={
            "type": "array",
            "items": {"type": "string", "enum": [p.value for p in Part]},
            "description": "The parts the consortium publishes.",
        },
    )
    challenge = ma.fields.String(allow_none=True)
    results = ma.fields.List(ma.fields.String(), allow_none=True)
    decisions = ma.fields.List(ma.fields.Nested(GateOut), allow_none=True)
    members = ma.fields.List(ma.fields.Nested(PartyOut), allow_none=True)
    adopters = ma.fields.Integer(allow_none=True)
    population_covered = ma.fields.Integer(allow_none=True)
    adoptions = ma.fields.List(ma.fields.Nested(AdoptionOut), allow_none=True)
    years = ma.fields.List(
        ma.fields.Nested(YearFigureOut),
        allow_none=True,
        metadata={"description": "Adopters over time (with members published)."},
    )
    cost_so_far = MoneyField(allow_none=True)
    cost_per_inhabitant = ma.fields.Decimal(
        as_string=True, allow_none=True, metadata=PER_INHABITANT
    )
    horizon = ma.fields.Integer(
        allow_none=True, metadata={"description": "The last year whose need is fully pledged."}
    )

    def _published(self, entry: object) -> list[str]:
        parts: frozenset[Part] = getattr(entry, "published", frozenset())
        return [p.value for p in Part if p in parts]


class CataloguePage(PageOut):
    items = ma.fields.List(ma.fields.Nested(CatalogueEntryOut))


# -- publication -----------------------------------------------------------------------------


class PublicationIn(StrictSchema):
    parts = ma.fields.List(
        ma.fields.Enum(Part, by_value=True),
        required=True,
        validate=ma.validate.Length(max=len(Part)),
        metadata={"description": "What the catalogue shows; [] takes it out of the catalogue."},
    )


class PublicationOut(ma.Schema):
    parts = ma.fields.List(ma.fields.Enum(Part, by_value=True))
    listed = ma.fields.Boolean(
        metadata={"description": "In the catalogue: something published and a gate passed."}
    )


# -- adoption requests -----------------------------------------------------------------------


class AdoptionRequestIn(StrictSchema):
    party = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=MAX_PARTY_LENGTH),
        metadata={"description": "The municipality, e.g. Gemeente Houten."},
    )
    population = ma.fields.Integer(
        strict=True,
        required=True,
        validate=ma.validate.Range(min=1, max=MAX_POPULATION),
        metadata={"description": POPULATION_DESCRIPTION},
    )
    contact_email = ma.fields.Email(required=True)
    province = ma.fields.Enum(
        Province,
        by_value=True,
        load_default=None,
        allow_none=True,
        metadata={"description": PROVINCE},
    )


class ApprovalIn(StrictSchema):
    weight = _weight_field("The adopter's weight, when the key is by weights.")


class DeclineIn(StrictSchema):
    reason = LongText(required=True, validate=ma.validate.Length(min=1, max=MAX_REASON))


class AdoptionRequestOut(ma.Schema):
    id = ma.fields.UUID()
    consortium_id = ma.fields.UUID()
    party = ma.fields.String()
    population = ma.fields.Integer()
    province = ma.fields.Enum(Province, by_value=True, allow_none=True)
    contact_email = ma.fields.String()
    account = ma.fields.String(metadata={"description": "The account that asked."})
    status = ma.fields.Enum(RequestStatus, by_value=True)
    asked_at = Instant()
    decided_at = Instant(allow_none=True)
    reason = ma.fields.String(allow_none=True, metadata={"description": "Why it was declined."})
    member_id = ma.fields.UUID(allow_none=True, metadata={"description": "Once approved."})


class AdoptionRequestList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AdoptionRequestOut))


class ApprovalOut(AdoptionRequestOut):
    member = ma.fields.Nested(MemberOut)


# -- the versioned key -----------------------------------------------------------------------


class KeyVersionOut(ma.Schema):
    number = ma.fields.Integer(metadata={"description": "0: no key set yet (the default)."})
    key = ma.fields.Enum(KeyKind, by_value=True)
    from_year = ma.fields.Integer()
    member_ids = ma.fields.List(ma.fields.UUID())
    weights = ma.fields.Method(
        "_weights",
        metadata={
            "type": "object",
            "additionalProperties": {"type": "string", "format": "decimal"},
            "description": "{member_id: weight} for the weights key.",
        },
    )
    reason = ma.fields.String()

    def _weights(self, version: object) -> dict[str, str]:
        return {str(m): str(w) for m, w in getattr(version, "weights", ())}


class PreviewArgs(StrictSchema):
    year = year_field(
        strict=False,
        load_default=None,
        metadata={"description": "Default: the first year a new version would apply to."},
    )
    amount = MoneyField(
        load_default=None,
        metadata={"description": "Default: what the financing plan needs that year."},
    )
    candidate_population = ma.fields.Integer(
        load_default=None,
        validate=ma.validate.Range(min=1, max=MAX_POPULATION),
        metadata={"description": "A candidate adopter's population: its shares are added."},
    )
    candidate_weight = _weight_field("A candidate's weight (weights key).")


class PreviewShareOut(ShareOut):
    member_id = ma.fields.UUID(allow_none=True, metadata={"description": "null: the candidate."})


class PreviewOut(ma.Schema):
    year = ma.fields.Integer()
    amount = MoneyField()
    version = ma.fields.Nested(KeyVersionOut)
    shares = ma.fields.List(ma.fields.Nested(PreviewShareOut))
    with_candidate = ma.fields.List(ma.fields.Nested(PreviewShareOut), allow_none=True)


class KeyVersionsOut(ma.Schema):
    versions = ma.fields.List(ma.fields.Nested(KeyVersionOut))
    preview = ma.fields.Nested(PreviewOut)


class KeyVersionIn(StrictSchema):
    key = ma.fields.Enum(KeyKind, by_value=True, required=True)
    member_ids = ma.fields.List(
        ma.fields.UUID(), load_default=None, metadata={"description": "Default: every member."}
    )
    weights = ma.fields.Dict(
        keys=ma.fields.UUID(),
        values=ma.fields.Decimal(
            allow_nan=False, validate=_weight, metadata={"minimum": 0, "maximum": MAX_WEIGHT}
        ),
        load_default=None,
    )
    reason = LongText(required=True, validate=ma.validate.Length(min=1, max=MAX_REASON))


class KeyPledgeIn(StrictSchema):
    year = year_field(required=True)
    amount = MoneyField(required=True)


class KeyPledgeOut(ma.Schema):
    year = ma.fields.Integer()
    amount = MoneyField()
    version = ma.fields.Nested(KeyVersionOut)
    shares = ma.fields.List(ma.fields.Nested(ShareOut))
