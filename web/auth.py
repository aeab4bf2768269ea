"""Bearer-token authentication and the identity of each request (actor and request id)."""

from __future__ import annotations

import logging
import re
import uuid
from typing import Final

from flask import Flask, Response, abort, current_app, g, request

from consortium.accounts import Account
from consortium.errors import InvalidValue
from events.bootstrap import Store
from events.caller import Caller
from web.ratelimit import too_many_failures

log = logging.getLogger(__name__)

API_PREFIX: Final = "/api/v1/"
# Endpoints without a bearer token: the API's own description; an invitation, whose address
# is its secret; a new token for an e-mail address and password (HTTP Basic); the catalogue
# of proven solutions, public by design; and the audit chain's public key and offline
# verifier (public by nature).
PUBLIC_ENDPOINTS: Final = frozenset(
    {
        "api-docs.openapi_json",
        "invitations.InvitationByToken",
        "invitations.InvitationAccept",
        "accounts.PasswordTokens",
        "catalogue.Catalogue",
        "catalogue.CatalogueEntry",
        "audit.PublicKey",
        "audit.Verifier",
    }
)
_REQUEST_ID: Final = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def store() -> Store:
    return current_app.extensions["consortium.store"]  # type: ignore[no-any-return]


def current_account() -> Account:
    account: Account | None = g.get("account")
    if account is None:  # pragma: no cover - every API view runs after authentication
        abort(401)
    return account


def password_account(email: str, password: str) -> Account | None:
    """The active account with this e-mail address and password, if any (API and pages)."""
    try:
        return store().accounts.check_password(email, password)
    except InvalidValue:  # not an e-mail address: no account has it
        return None


def current_caller() -> Caller:
    account = current_account()
    return Caller(
        actor=account.email,
        request_id=g.request_id,
        is_admin=account.is_admin,
        may_found=account.may_found,
    )


def _assign_request_id() -> None:
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def _authenticate() -> Response | None:
    if not request.path.startswith(API_PREFIX) or request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if request.endpoint is None:
        return None  # unknown address: answered 404 by routing
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    secret = secret.strip() if scheme.lower() == "bearer" else ""
    account = store().accounts.authenticate(secret) if secret else None
    if account is None:
        # Only failures count, so a valid token is never refused for others' mistakes.
        refused = too_many_failures(request.remote_addr, secret)
        # Never log the secret; the request id ties this line to the client's report.
        log.warning(
            "rejected API token from %s (request %s)%s",
            request.remote_addr,
            g.request_id,
            "" if refused is None else ", answered 429: too many failures",
        )
        if refused is not None:
            return refused
        abort(401)
    g.account = account
    return None


def _echo_request_id(response: Response) -> Response:
    if "request_id" in g:
        response.headers["X-Request-ID"] = g.request_id
    return response


def init_auth(app: Flask) -> None:
    app.before_request(_assign_request_id)
    app.before_request(_authenticate)
    app.after_request(_echo_request_id)
