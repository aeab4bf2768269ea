"""Expenditures (bestedingen): money spent from the pool, never more than is available."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import url_for
from flask.views import MethodView

from consortium.ledger import Expenditure
from events.idempotency import StoredResponse
from web.arguments import Blueprint
from web.auth import current_caller, store
from web.idempotency import IDEMPOTENT, run_once
from web.problems import PROBLEM_JSON as PROBLEM
from web.schemas.common import Problem
from web.schemas.money import ExpenditureIn, ExpenditureList, ExpenditureOut

blp = Blueprint(
    "expenditures",
    __name__,
    url_prefix="/api/v1/consortia/<uuid:consortium_id>/expenditures",
    description="Expenditures (bestedingen) from the pooled budget.",
)


@blp.route("")
class Expenditures(MethodView):
    @blp.response(200, ExpenditureList)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(self, consortium_id: UUID) -> dict[str, Any]:
        """Every expenditure, in the order recorded."""
        return {"items": store().consortia.expenditures(consortium_id, current_caller())}

    @blp.arguments(ExpenditureIn)
    @blp.response(201, ExpenditureOut, headers={"Location": {"schema": {"type": "string"}}})
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(
        409, schema=Problem, content_type=PROBLEM, description="Not enough cash available."
    )
    @blp.alt_response(422, schema=Problem, content_type=PROBLEM)
    @blp.doc(**IDEMPOTENT)
    def post(self, data: dict[str, Any], consortium_id: UUID) -> Any:
        """Record spending; refused (409, with the amount available) beyond cash in hand."""

        def render(expenditure: Expenditure) -> StoredResponse:
            location = url_for(
                "expenditures.ExpenditureById",
                consortium_id=consortium_id,
                expenditure_id=expenditure.id,
            )
            return StoredResponse(201, ExpenditureOut().dump(expenditure), {"Location": location})

        return run_once(
            render,
            lambda claim: store().consortia.record_expenditure(
                consortium_id,
                amount=data["amount"],
                on=data["date"],
                description=data["description"],
                milestone_id=data["milestone_id"],
                caller=current_caller(),
                claim=claim,
            ),
        )


@blp.route("/<uuid:expenditure_id>")
class ExpenditureById(MethodView):
    @blp.response(200, ExpenditureOut)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(self, consortium_id: UUID, expenditure_id: UUID) -> Expenditure:
        """One expenditure."""
        return store().consortia.expenditure(consortium_id, expenditure_id, current_caller())
