"""Every figure of the budget traced to the events that make it up, with who recorded each, in
which request and when."""

from __future__ import annotations

from dataclasses import fields
from typing import Any
from uuid import UUID

import marshmallow as ma
from flask.views import MethodView

from consortium.trace import Selection
from web.arguments import Blueprint
from web.auth import current_caller, store
from web.problems import PROBLEM_JSON as PROBLEM
from web.schemas.common import Problem
from web.schemas.exports import TraceArgs, TraceOut

blp = Blueprint(
    "trace",
    __name__,
    url_prefix="/api/v1/consortia/<uuid:consortium_id>/budget",
    description="Each figure of the budget, expanded to its events.",
)


@blp.route("/trace")
class BudgetTrace(MethodView):
    @blp.arguments(TraceArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, TraceOut)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(422, schema=Problem, content_type=PROBLEM)
    def get(self, args: dict[str, Any], consortium_id: UUID) -> dict[str, Any]:
        """The events behind one figure of `GET /budget` (the same `as_of` or `on`): of a member
        (`member_id`) or the whole consortium, in a year (`year`) or every year. Their counted
        amounts add up to the figure: every contribution, reversal and spending, and of the
        pledges and needs the ones in force."""
        selection = Selection(args["figure"], args["member_id"], args["year"])
        traced = store().consortia.trace(
            consortium_id, current_caller(), selection, as_of=args["as_of"], on=args["on"]
        )
        return {
            "consortium_id": consortium_id,
            "figure": selection.figure,
            "member_id": selection.member_id,
            "year": selection.year,
            "as_of": args["as_of"],
            "on": args["on"],
            "total": traced.trace.total,
            "lines": [
                {
                    **{f.name: getattr(line, f.name) for f in fields(line)},
                    "party": None if line.member_id is None else traced.parties[line.member_id],
                }
                for line in traced.trace.lines
            ],
        }
