"""Commitments (toezeggingen): a member pledges money for a year, or revises its pledge."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from consortium.errors import NotFound
from consortium.ledger import Commitment
from events.idempotency import StoredResponse
from web.auth import current_caller, store
from web.idempotency import IDEMPOTENT, run_once
from web.problems import PROBLEM_JSON as PROBLEM
from web.schemas.common import Problem
from web.schemas.money import CommitmentIn, CommitmentOut, PledgeArgs, PledgeList

blp = Blueprint(
    "commitments",
    __name__,
    url_prefix="/api/v1/consortia/<uuid:consortium_id>/commitments",
    description="Commitments (toezeggingen): pledges per member and year, with every revision.",
)


def created(consortium_id: UUID, commitment: Commitment) -> StoredResponse:
    location = url_for(
        "commitments.CommitmentById", consortium_id=consortium_id, commitment_id=commitment.id
    )
    return StoredResponse(201, CommitmentOut().dump(commitment), {"Location": location})


@blp.route("")
class Commitments(MethodView):
    @blp.arguments(PledgeArgs, location="query", unknown="raise")
    @blp.response(200, PledgeList)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(self, args: dict[str, Any], consortium_id: UUID) -> dict[str, Any]:
        """Current pledges per member and year, each with its revisions (oldest first)."""
        consortium = store().consortia.consortium(consortium_id, current_caller())
        ledger = consortium.ledger
        items = []
        for member_id, year, amount in sorted(ledger.pledges(), key=lambda p: (p[1], str(p[0]))):
            if args["member_id"] not in (None, member_id) or args["year"] not in (None, year):
                continue
            items.append(
                {
                    "member_id": member_id,
                    "party": consortium.member(member_id).party,
                    "year": year,
                    "amount": amount,
                    "revisions": ledger.revisions(member_id, year),
                }
            )
        return {"items": items}

    @blp.arguments(CommitmentIn)
    @blp.response(201, CommitmentOut, headers={"Location": {"schema": {"type": "string"}}})
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(409, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(422, schema=Problem, content_type=PROBLEM)
    @blp.doc(**IDEMPOTENT)
    def post(self, data: dict[str, Any], consortium_id: UUID) -> Any:
        """Pledge an amount for a year; pledging again for that year revises it (with a reason)."""
        return run_once(
            lambda commitment: created(consortium_id, commitment),
            lambda claim: store().consortia.pledge(
                consortium_id,
                member_id=data["member_id"],
                year=data["year"],
                amount=data["amount"],
                reason=data["reason"],
                caller=current_caller(),
                claim=claim,
            ),
        )


@blp.route("/<uuid:commitment_id>")
class CommitmentById(MethodView):
    @blp.response(200, CommitmentOut)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(self, consortium_id: UUID, commitment_id: UUID) -> Commitment:
        """One revision of a pledge."""
        commitment = (
            store()
            .consortia.consortium(consortium_id, current_caller())
            .ledger.commitment(commitment_id)
        )
        if commitment is None:
            raise NotFound(f"This consortium has no commitment {commitment_id}.")
        return commitment
