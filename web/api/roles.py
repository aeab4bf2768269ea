"""Roles in a consortium: programme managers, member representatives and funders."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import url_for
from flask.views import MethodView

from consortium.access import Grant
from consortium.errors import InvalidValue
from web.arguments import Blueprint
from web.auth import current_caller, store
from web.problems import PROBLEM_JSON as PROBLEM
from web.schemas.accounts import GrantIn, GrantList, GrantOut
from web.schemas.common import Problem

blp = Blueprint(
    "roles",
    __name__,
    url_prefix="/api/v1/consortia/<uuid:consortium_id>/roles",
    description="Who holds which role in a consortium; granting and revoking are recorded.",
)


@blp.route("")
class Roles(MethodView):
    @blp.response(200, GrantList)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(self, consortium_id: UUID) -> dict[str, Any]:
        """Every grant, revoked ones included."""
        return {"items": store().consortia.grants(consortium_id, current_caller())}

    @blp.arguments(GrantIn)
    @blp.response(201, GrantOut, headers={"Location": {"schema": {"type": "string"}}})
    @blp.alt_response(403, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(409, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(422, schema=Problem, content_type=PROBLEM)
    def post(self, data: dict[str, Any], consortium_id: UUID) -> tuple[Grant, int, Any]:
        """Grant a role to an account (administrators and the consortium's programme managers).
        A member_representative is bound to one member (member_id)."""
        caller = current_caller()
        consortium = store().consortia.consortium(consortium_id, caller)
        consortium.check_can_manage(caller.principal)
        if store().accounts.find_account(data["account"]) is None:
            raise InvalidValue(
                f"There is no account for {data['account']}; an administrator opens it first.",
                field="account",
            )
        grant = store().consortia.grant_role(consortium_id, **data, caller=caller)
        location = url_for("roles.RoleById", consortium_id=consortium_id, grant_id=grant.id)
        return grant, 201, {"Location": location}


@blp.route("/<uuid:grant_id>")
class RoleById(MethodView):
    @blp.response(200, GrantOut)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(self, consortium_id: UUID, grant_id: UUID) -> Grant:
        """One grant."""
        return store().consortia.grant(consortium_id, grant_id, current_caller())


@blp.route("/<uuid:grant_id>/revoke")
class RoleRevoke(MethodView):
    @blp.response(200, GrantOut)
    @blp.alt_response(403, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(409, schema=Problem, content_type=PROBLEM)
    def post(self, consortium_id: UUID, grant_id: UUID) -> Grant:
        """Revoke a grant; the account loses the role at once. The record stays. A grant
        revoked already is not revoked again (409)."""
        return store().consortia.revoke_role(consortium_id, grant_id, caller=current_caller())
