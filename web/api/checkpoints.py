"""Checkpoints across consortia, and the iCalendar feeds of them."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import marshmallow as ma
from flask import Response, current_app
from flask.views import MethodView

from events.milestones import DUE_SOON_DAYS
from events.readmodel.queries import CheckpointRow
from web.arguments import Blueprint
from web.auth import current_caller, store
from web.calendar import checkpoint_calendar
from web.problems import PROBLEM_JSON as PROBLEM
from web.schemas.common import Problem
from web.schemas.milestones import CheckpointArgs, CheckpointList

blp = Blueprint(
    "checkpoints",
    __name__,
    url_prefix="/api/v1",
    description="Validation checkpoints across consortia, as a list and as calendar feeds.",
)

# Open checkpoints this far ahead go into the calendar feeds.
FEED_DAYS = 3650
ICS = "text/calendar"


def _checkpoints(
    due_within_days: int, include_closed: bool = False, consortium_id: UUID | None = None
) -> list[CheckpointRow]:
    return store().read.checkpoints(
        current_caller().principal,
        today=store().consortia.today(),
        due_within_days=due_within_days,
        soon_days=DUE_SOON_DAYS,
        include_closed=include_closed,
        consortium_id=consortium_id,
    )


def _feed(checkpoints: list[CheckpointRow], name: str) -> Response:
    body = checkpoint_calendar(
        checkpoints,
        name=name,
        base_url=current_app.config["BASE_URL"],
        now=store().consortia.clock(),
    )
    return Response(
        body, mimetype=ICS, headers={"Content-Disposition": "inline; filename=checkpoints.ics"}
    )


@blp.route("/checkpoints")
class Checkpoints(MethodView):
    @blp.arguments(CheckpointArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, CheckpointList)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Upcoming and overdue checkpoints of every consortium you may see, soonest first,
        with status (planned, due_soon, overdue, passed, stopped) and days left."""
        return {"today": store().consortia.today(), "items": _checkpoints(**args)}


@blp.route("/checkpoints.ics")
class CheckpointsFeed(MethodView):
    @blp.response(200, content_type=ICS, description="iCalendar (RFC 5545).")
    def get(self) -> Response:
        """Every open checkpoint you may see, as a calendar to subscribe to."""
        return _feed(_checkpoints(FEED_DAYS), "Validatiemomenten")


@blp.route("/consortia/<uuid:consortium_id>/calendar.ics")
class ConsortiumFeed(MethodView):
    @blp.response(200, content_type=ICS, description="iCalendar (RFC 5545).")
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(self, consortium_id: UUID) -> Response:
        """The open checkpoints of one consortium; a re-planned one keeps its UID."""
        consortium = store().consortia.consortium(consortium_id, current_caller())
        return _feed(
            _checkpoints(FEED_DAYS, consortium_id=consortium_id),
            f"Validatiemomenten {consortium.name}",
        )
