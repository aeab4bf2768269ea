"""Consortia: found one, the portfolio, one consortium now or as of a past moment, its phase."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import marshmallow as ma
from flask import request, url_for
from flask.views import MethodView

from consortium.aggregate import Consortium
from consortium.members import Member
from events.readmodel.queries import PortfolioFilter
from web.arguments import Blueprint
from web.auth import current_caller, store
from web.problems import PROBLEM_JSON as PROBLEM
from web.schemas.common import Problem
from web.schemas.consortia import (
    AsOfArgs,
    ConsortiumIn,
    ConsortiumOut,
    ConsortiumPage,
    PhaseChangeIn,
    PortfolioArgs,
)

blp = Blueprint(
    "consortia",
    __name__,
    url_prefix="/api/v1/consortia",
    description="Consortia (samenwerkingsverbanden): founding, state, as-of views and phases.",
)


@dataclass(frozen=True)
class ConsortiumAt:
    """A consortium together with its memberships (those that ended included) and the moment
    it is shown as of (None: now)."""

    consortium: Consortium
    members: list[Member]
    as_of: datetime | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.consortium, name)


def with_members(consortium_id: UUID, as_of: datetime | None = None) -> ConsortiumAt:
    consortium, members = store().consortia.with_members(consortium_id, current_caller(), as_of)
    return ConsortiumAt(consortium, members, as_of)


def consortium_location(consortium_id: UUID) -> dict[str, str]:
    return {"Location": url_for("consortia.ConsortiumById", consortium_id=consortium_id)}


@blp.route("")
class Consortia(MethodView):
    @blp.arguments(PortfolioArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, ConsortiumPage)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The portfolio: the consortia you may see, filtered and sorted, a page at a time
        (with your latest writes in it)."""
        where = PortfolioFilter(
            phase=args["phase"].value if args["phase"] else None,
            sector=args["sector"].value if args["sector"] else None,
            party=args["party"],
            text=args["q"],
            checkpoint_before=args["checkpoint_before"],
            financing=args["financing"],
        )
        rows, next_cursor = store().read.portfolio(
            current_caller().principal,
            where,
            sort=args["sort"],
            cursor=args["cursor"],
            limit=args["limit"],
        )
        next_url = None
        if next_cursor is not None:
            query: dict[str, Any] = {k: v for k, v in request.args.items() if k != "cursor"}
            next_url = url_for("consortia.Consortia", **{**query, "cursor": next_cursor})
        return {"items": rows, "next_cursor": next_cursor, "next": next_url}

    @blp.arguments(ConsortiumIn)
    @blp.response(201, ConsortiumOut, headers={"Location": {"schema": {"type": "string"}}})
    @blp.alt_response(422, schema=Problem, content_type=PROBLEM)
    def post(self, data: dict[str, Any]) -> tuple[ConsortiumAt, int, dict[str, str]]:
        """Found a consortium; it starts in the exploration phase."""
        consortium = store().consortia.found(**data, caller=current_caller())
        return ConsortiumAt(consortium, []), 201, consortium_location(consortium.id)


@blp.route("/<uuid:consortium_id>")
class ConsortiumById(MethodView):
    @blp.arguments(AsOfArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, ConsortiumOut)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(self, args: dict[str, Any], consortium_id: UUID) -> ConsortiumAt:
        """The consortium now, or with `?as_of=` as it stood at that moment."""
        return with_members(consortium_id, args["as_of"])


@blp.route("/<uuid:consortium_id>/phase")
class ConsortiumPhase(MethodView):
    @blp.arguments(PhaseChangeIn)
    @blp.response(200, ConsortiumOut)
    @blp.alt_response(403, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(
        409, schema=Problem, content_type=PROBLEM, description="Not this phase, or a gate is open."
    )
    @blp.alt_response(422, schema=Problem, content_type=PROBLEM)
    def post(self, data: dict[str, Any], consortium_id: UUID) -> ConsortiumAt:
        """Move to the next phase, or stop the consortium (a reason is then required)."""
        store().consortia.move_to_phase(
            consortium_id,
            data["phase"],
            reason=data["reason"],
            caller=current_caller(),
            override_gates=data["override_gates"],
        )
        return with_members(consortium_id)
