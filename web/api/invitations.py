"""Invitations: a programme manager invites a colleague by e-mail to a role; the colleague sets
a password with the one-time address the mail brings, without a token (the address is the
secret), and then makes a token with ``POST /api/v1/tokens``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import marshmallow as ma
from flask import Response, current_app, g, request, url_for
from flask.views import MethodView

from consortium.accounts import Account
from consortium.invitations import InvitationGone, InvitationStatus
from events.invitation_records import InvitationNotFound
from events.readmodel.invitations import ListedInvitation
from web.arguments import Blueprint
from web.auth import current_caller, store
from web.problems import PROBLEM_JSON as PROBLEM
from web.problems import problem
from web.ratelimit import too_many_failures
from web.schemas.accounts import AccountOut, PasswordIn
from web.schemas.common import Problem
from web.schemas.invitations import (
    InvitationIn,
    InvitationList,
    InvitationOut,
    InvitationPath,
    InvitationViewOut,
)

blp = Blueprint(
    "invitations",
    __name__,
    url_prefix="/api/v1",
    description="Invite a colleague by e-mail to a role in a consortium; the invited person sets "
    "a password with the address in the mail.",
)
_NO_TOKEN: dict[str, Any] = {"security": []}


@dataclass(frozen=True)
class ListedNow:
    """A listed invitation with its status now."""

    invitation: ListedInvitation
    now: datetime

    def __getattr__(self, name: str) -> Any:
        return getattr(self.invitation, name)

    @property
    def status(self) -> InvitationStatus:
        return self.invitation.status_at(self.now)


def _now(invitation: ListedInvitation) -> ListedNow:
    return ListedNow(invitation, store().consortia.clock())


@blp.errorhandler(InvitationGone)
def _gone(error: InvitationGone) -> Response:
    return problem(410, error.message, title=error.title)


def _not_found(error: InvitationNotFound) -> Response:
    """404, or 429 for an address that keeps guessing invitation addresses."""
    return too_many_failures(request.remote_addr, "") or problem(404, error.message)


@blp.route("/consortia/<uuid:consortium_id>/invitations")
class Invitations(MethodView):
    @blp.response(200, InvitationList)
    @blp.alt_response(403, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(self, consortium_id: UUID) -> dict[str, Any]:
        """Every invitation to this consortium, newest first (its programme managers)."""
        found = store().consortia.invitations(consortium_id, current_caller())
        return {"items": [_now(i) for i in found]}

    @blp.arguments(InvitationIn)
    @blp.response(201, InvitationOut, headers={"Location": {"schema": {"type": "string"}}})
    @blp.alt_response(403, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(409, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(422, schema=Problem, content_type=PROBLEM)
    def post(self, data: dict[str, Any], consortium_id: UUID) -> tuple[ListedNow, int, Any]:
        """Invite someone by e-mail to a role (programme managers and administrators): their
        account is opened if they have none, the role is granted now, and a mail brings them
        a one-time address to set their password, valid for 7 days. A member_representative
        is bound to one member (member_id). 409 when they hold that role already."""
        caller = current_caller()
        invitation = store().invitations.invite(consortium_id, **data, caller=caller)
        listed = store().consortia.listed_invitation(consortium_id, invitation.id, caller)
        location = url_for(
            "invitations.InvitationById", consortium_id=consortium_id, invitation_id=listed.id
        )
        return _now(listed), 201, {"Location": location}


@blp.route("/consortia/<uuid:consortium_id>/invitations/<uuid:invitation_id>")
class InvitationById(MethodView):
    @blp.response(200, InvitationOut)
    @blp.alt_response(403, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(self, consortium_id: UUID, invitation_id: UUID) -> ListedNow:
        """One invitation, and whether its mail went out (its programme managers)."""
        return _now(
            store().consortia.listed_invitation(consortium_id, invitation_id, current_caller())
        )


@blp.route("/invitations/<string:token>")
class InvitationByToken(MethodView):
    # The secret in the address is text like any other: checked by a schema (422 naming it).
    @blp.arguments(InvitationPath, location="path", unknown=ma.RAISE)
    @blp.response(200, InvitationViewOut)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(429, schema=Problem, content_type=PROBLEM)
    @blp.doc(**_NO_TOKEN)
    def get(self, _path: dict[str, str], token: str) -> Any:
        """Your invitation, from the address in its mail (no token needed): the consortium,
        the role, until when it is valid, and where to set your password."""
        try:
            view = store().invitations.view(token)
        except InvitationNotFound as error:
            return _not_found(error)
        accept = url_for("invitations.InvitationAccept", token=token)
        return {**vars(view), "accept": current_app.config["BASE_URL"].rstrip("/") + accept}


@blp.route("/invitations/<string:token>/accept")
class InvitationAccept(MethodView):
    @blp.arguments(InvitationPath, location="path", unknown=ma.RAISE)
    @blp.arguments(PasswordIn)
    @blp.response(200, AccountOut)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(410, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(422, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(429, schema=Problem, content_type=PROBLEM)
    @blp.doc(**_NO_TOKEN)
    def post(self, _path: dict[str, str], data: dict[str, Any], token: str) -> Account | Response:
        """Set your password with the invitation (no token needed: its address is the secret).
        It works once, within 7 days: 410 Gone after. Then make a token with your e-mail
        address and this password: POST /api/v1/tokens (HTTP Basic)."""
        try:
            return store().invitations.accept(token, data["password"], request_id=g.request_id)
        except InvitationNotFound as error:
            return _not_found(error)
