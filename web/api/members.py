"""Members (deelnemers): admit a party, list and read members, a member leaves."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import url_for
from flask.views import MethodView

from consortium.members import Member
from web.arguments import Blueprint
from web.auth import current_caller, store
from web.problems import PROBLEM_JSON as PROBLEM
from web.schemas.common import Problem
from web.schemas.members import MemberIn, MemberLeaveIn, MemberList, MemberOut

blp = Blueprint(
    "members",
    __name__,
    url_prefix="/api/v1/consortia/<uuid:consortium_id>/members",
    description="Members (deelnemers) of a consortium: admission and leaving; history is kept.",
)


@blp.route("")
class Members(MethodView):
    @blp.response(200, MemberList)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(self, consortium_id: UUID) -> dict[str, Any]:
        """Every membership, current and past, in the order they began."""
        return {"items": store().consortia.members(consortium_id, current_caller())}

    @blp.arguments(MemberIn)
    @blp.response(201, MemberOut, headers={"Location": {"schema": {"type": "string"}}})
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(409, schema=Problem, content_type=PROBLEM)
    def post(self, data: dict[str, Any], consortium_id: UUID) -> tuple[Member, int, dict[str, str]]:
        """Admit a party as member (lead, partner, funder or adopter)."""
        member = store().consortia.admit_member(consortium_id, **data, caller=current_caller())
        location = url_for("members.MemberById", consortium_id=consortium_id, member_id=member.id)
        return member, 201, {"Location": location}


@blp.route("/<uuid:member_id>")
class MemberById(MethodView):
    @blp.response(200, MemberOut)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(self, consortium_id: UUID, member_id: UUID) -> Member:
        """One membership, also after the member left."""
        return store().consortia.member(consortium_id, member_id, current_caller())


@blp.route("/<uuid:member_id>/leave")
class MemberLeave(MethodView):
    @blp.arguments(MemberLeaveIn, required=False)
    @blp.response(200, MemberOut)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(409, schema=Problem, content_type=PROBLEM)
    def post(self, data: dict[str, Any], consortium_id: UUID, member_id: UUID) -> Member:
        """The member leaves; its history stays. The last lead cannot leave."""
        return store().consortia.member_leaves(
            consortium_id,
            member_id,
            reason=data.get("reason"),
            left_on=data.get("left_on"),
            caller=current_caller(),
        )
