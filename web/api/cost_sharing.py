"""Cost-sharing keys (verdeelsleutels): divide an amount over members to the exact cent."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import url_for
from flask.views import MethodView

from consortium.cost_sharing import Share
from events.idempotency import StoredResponse
from web.arguments import Blueprint
from web.auth import current_caller, store
from web.idempotency import IDEMPOTENT, run_once
from web.problems import PROBLEM_JSON as PROBLEM
from web.schemas.budget import CostSharingIn, CostSharingOut
from web.schemas.common import Problem

blp = Blueprint(
    "cost_sharing",
    __name__,
    url_prefix="/api/v1/consortia/<uuid:consortium_id>/cost-sharing",
    description="Cost-sharing keys: equal, by population (inwonertal) or by custom weights.",
)


@blp.route("")
class CostSharing(MethodView):
    @blp.arguments(CostSharingIn)
    @blp.response(200, CostSharingOut, description="The shares (nothing recorded).")
    @blp.alt_response(
        201, schema=CostSharingOut, description="With commit_year: the shares were pledged."
    )
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(409, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(422, schema=Problem, content_type=PROBLEM)
    @blp.doc(**IDEMPOTENT)
    def post(self, data: dict[str, Any], consortium_id: UUID) -> Any:
        """Divide an amount over members; the shares add up to the amount to the cent (largest
        remainder, ties in the order given). With `commit_year` each share is recorded as its
        member's pledge for that year."""
        commit_year = data["commit_year"]

        def render(shares: list[Share]) -> StoredResponse:
            consortium = store().consortia.consortium(consortium_id, current_caller())
            body = CostSharingOut().dump(
                {
                    "amount": data["amount"],
                    "key": data["key"],
                    "commit_year": commit_year,
                    "shares": [
                        {
                            "member_id": s.member_id,
                            "party": consortium.member(s.member_id).party,
                            "weight": s.weight,
                            "amount": s.amount,
                        }
                        for s in shares
                    ],
                }
            )
            if commit_year is None:
                return StoredResponse(200, body)
            location = url_for(
                "commitments.Commitments", consortium_id=consortium_id, year=commit_year
            )
            return StoredResponse(201, body, {"Location": location})

        return run_once(
            render,
            lambda claim: store().consortia.share_costs(
                consortium_id,
                amount=data["amount"],
                key=data["key"],
                member_ids=data["member_ids"],
                weights=data["weights"],
                commit_year=commit_year,
                caller=current_caller(),
                claim=claim,
            ),
        )
