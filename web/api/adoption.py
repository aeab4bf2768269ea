"""Requests to adopt a proven solution: a municipality asks, the programme manager approves
(the adopter becomes a member, with its representative, checkpoints and place in the key) or
declines with a reason."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import url_for
from flask.views import MethodView

from consortium.adoption import AdoptionRequest
from web.arguments import Blueprint
from web.auth import current_caller, store
from web.problems import PROBLEM_JSON as PROBLEM
from web.schemas.adoption import (
    AdoptionRequestIn,
    AdoptionRequestList,
    AdoptionRequestOut,
    ApprovalIn,
    ApprovalOut,
    DeclineIn,
)
from web.schemas.common import Problem

blp = Blueprint(
    "adoption",
    __name__,
    url_prefix="/api/v1/consortia/<uuid:consortium_id>/adoption-requests",
    description="Requests of municipalities to adopt a solution of the catalogue.",
)


@blp.route("")
class AdoptionRequests(MethodView):
    @blp.response(200, AdoptionRequestList)
    @blp.alt_response(403, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(self, consortium_id: UUID) -> dict[str, Any]:
        """Every request to adopt this consortium's solution (programme managers)."""
        return {"items": store().consortia.adoption_requests(consortium_id, current_caller())}

    @blp.arguments(AdoptionRequestIn)
    @blp.response(201, AdoptionRequestOut, headers={"Location": {"schema": {"type": "string"}}})
    @blp.alt_response(403, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(
        404, schema=Problem, content_type=PROBLEM, description="Not in the catalogue."
    )
    @blp.alt_response(
        409,
        schema=Problem,
        content_type=PROBLEM,
        description="A request of this municipality is pending, or it is a member already.",
    )
    @blp.alt_response(422, schema=Problem, content_type=PROBLEM)
    def post(
        self, data: dict[str, Any], consortium_id: UUID
    ) -> tuple[AdoptionRequest, int, dict[str, str]]:
        """Ask to adopt the solution, for a municipality, with its population and a contact
        address; by an account with no role in the consortium."""
        asked = store().consortia.ask_to_adopt(consortium_id, **data, caller=current_caller())
        return asked, 201, {"Location": _location(consortium_id, asked.id)}


@blp.route("/<uuid:adoption_id>")
class AdoptionRequestById(MethodView):
    @blp.response(200, AdoptionRequestOut)
    @blp.alt_response(403, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(self, consortium_id: UUID, adoption_id: UUID) -> AdoptionRequest:
        """A request, for the account that asked and the programme managers."""
        return store().consortia.adoption_request(consortium_id, adoption_id, current_caller())


@blp.route("/<uuid:adoption_id>/approval")
class Approval(MethodView):
    @blp.arguments(ApprovalIn, required=False)
    @blp.response(200, ApprovalOut)
    @blp.alt_response(403, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(409, schema=Problem, content_type=PROBLEM, description="Decided already.")
    @blp.alt_response(422, schema=Problem, content_type=PROBLEM)
    def post(self, data: dict[str, Any], consortium_id: UUID, adoption_id: UUID) -> dict[str, Any]:
        """Approve (programme managers): the municipality joins as adopter, the account that
        asked represents it, its checkpoints are planned from the consortium's milestones, and
        the cost-sharing key gets a version with it from the first year not yet pledged."""
        approved, member = store().consortia.approve_adoption(
            consortium_id, adoption_id, caller=current_caller(), weight=data.get("weight")
        )
        return {**_fields(approved), "member": member}


@blp.route("/<uuid:adoption_id>/decline")
class Decline(MethodView):
    @blp.arguments(DeclineIn)
    @blp.response(200, AdoptionRequestOut)
    @blp.alt_response(403, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(409, schema=Problem, content_type=PROBLEM, description="Decided already.")
    @blp.alt_response(422, schema=Problem, content_type=PROBLEM)
    def post(self, data: dict[str, Any], consortium_id: UUID, adoption_id: UUID) -> AdoptionRequest:
        """Decline with a reason (programme managers); the municipality may ask again later."""
        return store().consortia.decline_adoption(
            consortium_id, adoption_id, reason=data["reason"], caller=current_caller()
        )


def _location(consortium_id: UUID, adoption_id: UUID) -> str:
    return url_for(
        "adoption.AdoptionRequestById", consortium_id=consortium_id, adoption_id=adoption_id
    )


def _fields(request: AdoptionRequest) -> dict[str, Any]:
    return {name: getattr(request, name) for name in AdoptionRequestOut().fields}
