"""Commitments (toezeggingen): a member pledges money for a year, or revises its pledge."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import url_for
from flask.views import MethodView

from consortium.ledger import Commitment
from events.idempotency import StoredResponse
from web.arguments import Blueprint
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
        caller = current_caller()
        parties = {m.id: m.party for m in store().consortia.members(consortium_id, caller)}
        pledges: dict[tuple[int, str, str], list[Commitment]] = {}
        for revision in store().consortia.pledge_revisions(consortium_id, caller):
            if (
                args["member_id"] in (None, revision.member_id)
                and args["year"] in (None, revision.year)
                and args["kind"] in (None, revision.kind)
            ):
                key = (revision.year, str(revision.member_id), revision.kind.value)
                pledges.setdefault(key, []).append(revision)
        return {
            "items": [
                {
                    "member_id": revisions[-1].member_id,
                    "party": parties[revisions[-1].member_id],
                    "year": year,
                    "kind": revisions[-1].kind,
                    "amount": revisions[-1].amount,
                    "revisions": revisions,
                }
                for (year, _, _), revisions in sorted(pledges.items())
            ]
        }

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
                kind=data["kind"],
                pledged_on=data["pledged_on"],
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
        return store().consortia.commitment(consortium_id, commitment_id, current_caller())
