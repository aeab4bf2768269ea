"""The versioned cost-sharing key: its versions with a preview of a year's shares (with and
without a candidate adopter), a new version, and a year's pledges by the version of that year.
(``POST .../cost-sharing`` itself, a calculation by any key, is in ``cost_sharing``.)"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import marshmallow as ma
from flask import url_for
from flask.views import MethodView

from consortium.cost_sharing import Share
from events.key_versions import CANDIDATE, Preview
from web.arguments import Blueprint
from web.auth import current_caller, store
from web.problems import PROBLEM_JSON as PROBLEM
from web.schemas.adoption import (
    KeyPledgeIn,
    KeyPledgeOut,
    KeyVersionIn,
    KeyVersionOut,
    KeyVersionsOut,
    PreviewArgs,
)
from web.schemas.common import Problem

blp = Blueprint(
    "key_versions",
    __name__,
    url_prefix="/api/v1/consortia/<uuid:consortium_id>/cost-sharing",
    description="The consortium's own cost-sharing key, kept as versions that apply from a year.",
)


@blp.route("")
class KeyVersions(MethodView):
    @blp.arguments(PreviewArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, KeyVersionsOut)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(422, schema=Problem, content_type=PROBLEM)
    def get(self, args: dict[str, Any], consortium_id: UUID) -> dict[str, Any]:
        """The key's versions, and a preview of a year's shares by the version of that year;
        with `candidate_population` (or `candidate_weight`), also as they would be with that
        candidate adopter sharing (member_id null)."""
        caller = current_caller()
        consortia = store().consortia
        preview = consortia.preview_shares(
            consortium_id,
            caller,
            year=args["year"],
            amount=args["amount"],
            candidate_population=args["candidate_population"],
            candidate_weight=args["candidate_weight"],
        )
        return {
            "versions": consortia.key_versions(consortium_id, caller),
            "preview": _preview(consortium_id, preview),
        }


@blp.route("/versions")
class NewKeyVersion(MethodView):
    @blp.arguments(KeyVersionIn)
    @blp.response(201, KeyVersionOut, headers={"Location": {"schema": {"type": "string"}}})
    @blp.alt_response(403, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(409, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(422, schema=Problem, content_type=PROBLEM)
    def post(self, data: dict[str, Any], consortium_id: UUID) -> tuple[Any, int, dict[str, str]]:
        """Set the key (programme managers): a new version, applying from the first year that
        no member sharing pledged for yet."""
        version = store().consortia.set_key(consortium_id, **data, caller=current_caller())
        return version, 201, _location(consortium_id)


@blp.route("/pledges")
class KeyPledges(MethodView):
    @blp.arguments(KeyPledgeIn)
    @blp.response(201, KeyPledgeOut, headers={"Location": {"schema": {"type": "string"}}})
    @blp.alt_response(403, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(409, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(422, schema=Problem, content_type=PROBLEM)
    def post(self, data: dict[str, Any], consortium_id: UUID) -> tuple[Any, int, dict[str, str]]:
        """Pledge a year's amount as shares by the version of the key of that year (programme
        managers); each pledge's reason names the version."""
        version, shares = store().consortia.pledge_by_key(
            consortium_id, year=data["year"], amount=data["amount"], caller=current_caller()
        )
        body = {
            "year": data["year"],
            "amount": data["amount"],
            "version": version,
            "shares": _shares(consortium_id, shares),
        }
        location = url_for(
            "commitments.Commitments", consortium_id=consortium_id, year=data["year"]
        )
        return body, 201, {"Location": location}


def _location(consortium_id: UUID) -> dict[str, str]:
    return {"Location": url_for("key_versions.KeyVersions", consortium_id=consortium_id)}


def _shares(consortium_id: UUID, shares: list[Share]) -> list[dict[str, Any]]:
    parties = {m.id: m.party for m in store().consortia.members(consortium_id, current_caller())}
    return [
        {
            "member_id": None if s.member_id == CANDIDATE else s.member_id,
            "party": parties.get(s.member_id, "kandidaat"),
            "weight": s.weight,
            "amount": s.amount,
        }
        for s in shares
    ]


def _preview(consortium_id: UUID, preview: Preview) -> dict[str, Any]:
    return {
        "year": preview.year,
        "amount": preview.amount,
        "version": preview.version,
        "shares": _shares(consortium_id, preview.shares),
        "with_candidate": None
        if preview.candidate_shares is None
        else _shares(consortium_id, preview.candidate_shares),
    }
