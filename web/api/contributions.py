"""Contributions (bijdragen): money received or work given in kind; reversals correct them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import url_for
from flask.views import MethodView

from consortium.errors import NotFound
from consortium.ledger import Contribution, Reversal
from events.idempotency import StoredResponse
from events.readmodel.records import ContributionFilter
from web.api.paging import page_body
from web.arguments import Blueprint
from web.auth import current_caller, store
from web.idempotency import IDEMPOTENT, run_once
from web.problems import PROBLEM_JSON as PROBLEM
from web.schemas.common import Problem
from web.schemas.money import (
    ContributionArgs,
    ContributionIn,
    ContributionOut,
    ContributionPage,
    ReversalIn,
    ReversalOut,
)

blp = Blueprint(
    "contributions",
    __name__,
    url_prefix="/api/v1/consortia/<uuid:consortium_id>/contributions",
    description="Contributions (bijdragen), cash or in kind, and their reversals.",
)


def shown(contribution: Contribution, reversal: Reversal | None = None) -> dict[str, Any]:
    """A contribution with its reversal, if any, for the ContributionOut schema."""
    fields = {name: getattr(contribution, name) for name in Contribution.__dataclass_fields__}
    return {**fields, "reversal": reversal}


def _location(consortium_id: UUID, contribution_id: UUID) -> str:
    return url_for(
        "contributions.ContributionById",
        consortium_id=consortium_id,
        contribution_id=contribution_id,
    )


@blp.route("")
class Contributions(MethodView):
    @blp.arguments(ContributionArgs, location="query", unknown="raise")
    @blp.response(200, ContributionPage)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(self, args: dict[str, Any], consortium_id: UUID) -> dict[str, Any]:
        """Contributions in the order they were logged, filtered, a page at a time."""
        where = ContributionFilter(args["member_id"], args["year"], args["kind"])
        page = store().consortia.contributions(
            consortium_id, current_caller(), where, start=args["cursor"], limit=args["limit"]
        )
        items = [shown(b.contribution, b.reversal) for b in page.items]
        return page_body(page, items, "cursor", args["limit"])

    @blp.arguments(ContributionIn)
    @blp.response(201, ContributionOut, headers={"Location": {"schema": {"type": "string"}}})
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(409, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(422, schema=Problem, content_type=PROBLEM)
    @blp.doc(**IDEMPOTENT)
    def post(self, data: dict[str, Any], consortium_id: UUID) -> Any:
        """Log money received (cash) or work given (in_kind, valued by hours × rate or as a
        whole); the year defaults to the year of the date."""

        def render(contribution: Contribution) -> StoredResponse:
            body = ContributionOut().dump(shown(contribution))
            return StoredResponse(
                201, body, {"Location": _location(consortium_id, contribution.id)}
            )

        return run_once(
            render,
            lambda claim: store().consortia.log_contribution(
                consortium_id,
                member_id=data["member_id"],
                kind=data["kind"],
                amount=data.get("amount"),  # None: hours × rate
                on=data["date"],
                year=data["year"],
                reference=data["reference"],
                hours=data["hours"],
                rate=data["rate"],
                caller=current_caller(),
                claim=claim,
            ),
        )


@blp.route("/<uuid:contribution_id>")
class ContributionById(MethodView):
    @blp.response(200, ContributionOut)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(self, consortium_id: UUID, contribution_id: UUID) -> dict[str, Any]:
        """One contribution, with its reversal if it was reversed."""
        booked = store().consortia.contribution(consortium_id, contribution_id, current_caller())
        return shown(booked.contribution, booked.reversal)


@blp.route("/<uuid:contribution_id>/reversal")
class ContributionReversal(MethodView):
    @blp.response(200, ReversalOut)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(self, consortium_id: UUID, contribution_id: UUID) -> Reversal:
        """The reversal of a contribution, if it was reversed."""
        booked = store().consortia.contribution(consortium_id, contribution_id, current_caller())
        if booked.reversal is None:
            raise NotFound("This contribution has not been reversed.")
        return booked.reversal

    @blp.arguments(ReversalIn)
    @blp.response(201, ReversalOut, headers={"Location": {"schema": {"type": "string"}}})
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(409, schema=Problem, content_type=PROBLEM)
    @blp.doc(**IDEMPOTENT)
    def post(self, data: dict[str, Any], consortium_id: UUID, contribution_id: UUID) -> Any:
        """Reverse a contribution booked by mistake (once); it stays in the ledger, marked."""

        def render(reversal: Reversal) -> StoredResponse:
            location = _location(consortium_id, contribution_id) + "/reversal"
            return StoredResponse(201, ReversalOut().dump(reversal), {"Location": location})

        return run_once(
            render,
            lambda claim: store().consortia.reverse_contribution(
                consortium_id,
                contribution_id,
                reason=data["reason"],
                caller=current_caller(),
                claim=claim,
            ),
        )
