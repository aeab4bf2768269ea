"""The financing plan (financieringsplan): what each year needs, and whether pledges cover it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import marshmallow as ma
from flask.views import MethodView

from consortium.financing import FinancingWatch, Need
from events.idempotency import StoredResponse
from events.readmodel.records import PlannedNeed
from web.arguments import Blueprint
from web.auth import current_caller, store
from web.idempotency import IDEMPOTENT, run_once
from web.problems import PROBLEM_JSON as PROBLEM
from web.schemas.common import Problem
from web.schemas.financing import (
    FinancingArgs,
    FinancingOut,
    NeedIn,
    NeedList,
    NeedRevisionOut,
    WatchIn,
    WatchOut,
)

blp = Blueprint(
    "financing",
    __name__,
    url_prefix="/api/v1/consortia/<uuid:consortium_id>",
    description="The financing plan: needs per year and purpose, beyond the pilot; the gap, "
    "the horizon, and whether the financing is at risk.",
)


def plan_of(needs: list[PlannedNeed]) -> list[dict[str, Any]]:
    """The needs in force per year and purpose, each with its revisions (oldest first)."""
    grouped: dict[tuple[int, str], list[PlannedNeed]] = {}
    for need in needs:
        grouped.setdefault((need.year, need.category.value), []).append(need)
    return [
        {
            "year": year,
            "category": revisions[-1].category,
            "amount": revisions[-1].amount,
            "revisions": revisions,
        }
        for (year, _), revisions in sorted(grouped.items())
    ]


@blp.route("/needs")
class Needs(MethodView):
    @blp.response(200, NeedList)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(self, consortium_id: UUID) -> dict[str, Any]:
        """The financing plan: every year's needs per purpose, with their revisions."""
        overview = store().consortia.financing(consortium_id, current_caller())
        return {"items": plan_of(overview.needs)}

    @blp.arguments(NeedIn)
    @blp.response(201, NeedRevisionOut)
    @blp.alt_response(403, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(409, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(422, schema=Problem, content_type=PROBLEM)
    @blp.doc(**IDEMPOTENT)
    def post(self, data: dict[str, Any], consortium_id: UUID) -> Any:
        """Say what a year needs for a purpose (pilot, scale-up, running costs, licences,
        maintenance, support), or revise it with a reason (programme managers)."""

        def render(need: Need) -> StoredResponse:
            return StoredResponse(201, NeedRevisionOut().dump(need))

        return run_once(
            render,
            lambda claim: store().consortia.plan_need(
                consortium_id, **data, caller=current_caller(), claim=claim
            ),
        )


@blp.route("/financing")
class Financing(MethodView):
    @blp.arguments(FinancingArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, FinancingOut)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(self, args: dict[str, Any], consortium_id: UUID) -> dict[str, Any]:
        """Per year: needed (per purpose), pledged (cash, in kind), received, spent and the
        gap; the horizon and whether the financing is at risk; with `?as_of=` as it stood then."""
        overview = store().consortia.financing(consortium_id, current_caller(), args["as_of"])
        return {
            "consortium_id": consortium_id,
            "as_of": args["as_of"],
            "watch": overview.watch,
            "status": overview.budget.financing,
            "years": overview.budget.years,
            "plan": plan_of(overview.needs),
        }


@blp.route("/financing/watch")
class Watch(MethodView):
    @blp.arguments(WatchIn)
    @blp.response(200, WatchOut)
    @blp.alt_response(403, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(409, schema=Problem, content_type=PROBLEM)
    def put(self, data: dict[str, Any], consortium_id: UUID) -> FinancingWatch:
        """When this consortium counts as at risk: pledges covering fewer than `years_ahead`
        years (counting this one), or next year's gap above `gap_threshold`."""
        return store().consortia.watch_financing(consortium_id, **data, caller=current_caller())
