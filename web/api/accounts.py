"""Accounts and their API tokens. Administrators manage every account; everyone may read and
change their own profile, password and tokens, and make a token with their e-mail address and
password (HTTP Basic), which is how an invited colleague gets their first one."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

import marshmallow as ma
from flask import g, request, url_for
from flask.views import MethodView

from consortium.accounts import Account, ApiToken
from consortium.errors import NotAllowed
from events.accounts import AccountNotFound
from events.caller import Caller
from events.readmodel.roles import HeldRole
from web.api.paging import page_body
from web.arguments import Blueprint
from web.auth import current_account, current_caller, password_account, store
from web.problems import PROBLEM_JSON as PROBLEM
from web.problems import problem
from web.ratelimit import login_blocked, too_many_failed_logins
from web.schemas.accounts import (
    AccountChangeIn,
    AccountIn,
    AccountOut,
    AccountPage,
    IssuedTokenOut,
    MeOut,
    PasswordIn,
    TokenIn,
    TokenList,
    TokenOut,
)
from web.schemas.common import PageArgs, Problem

blp = Blueprint(
    "accounts",
    __name__,
    url_prefix="/api/v1",
    description="Accounts and API tokens (administrators; everyone for their own account).",
)
_ADMIN_ONLY = ("active", "is_admin", "may_found")
_BASIC = {"WWW-Authenticate": 'Basic realm="consortium", charset="UTF-8"'}
log = logging.getLogger(__name__)


def require_admin() -> None:
    if not current_account().is_admin:
        raise NotAllowed("Only administrators manage accounts.")


def visible_account(account_id: UUID) -> Account:
    """The account, if it is the caller's own or the caller is an administrator; else 404."""
    me = current_account()
    if not me.is_admin and account_id != me.id:
        raise AccountNotFound(account_id)
    return store().accounts.account(account_id)


@dataclass(frozen=True)
class AccountWithRoles:
    account: Account
    roles: list[HeldRole]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.account, name)


@blp.route("/me")
class Me(MethodView):
    @blp.response(200, MeOut)
    def get(self) -> AccountWithRoles:
        """The account of the token used, with its roles per consortium: the consortium's name,
        and for a member representative the member it acts for (member_id and party)."""
        account = current_account()
        return AccountWithRoles(account, store().read.held_roles(account.email))


@blp.route("/accounts")
class Accounts(MethodView):
    @blp.arguments(PageArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, AccountPage)
    @blp.alt_response(403, schema=Problem, content_type=PROBLEM)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Every account (administrators)."""
        require_admin()
        page = store().accounts.accounts(after=args["cursor"], limit=args["limit"])
        return page_body(page, page.items, "cursor", args["limit"])

    @blp.arguments(AccountIn)
    @blp.response(201, AccountOut, headers={"Location": {"schema": {"type": "string"}}})
    @blp.alt_response(403, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(409, schema=Problem, content_type=PROBLEM)
    def post(self, data: dict[str, Any]) -> tuple[Account, int, dict[str, str]]:
        """Open an account (administrators). Roles in consortia are granted per consortium."""
        require_admin()
        account = store().accounts.open_account(**data, caller=current_caller())
        return account, 201, {"Location": url_for("accounts.AccountById", account_id=account.id)}


@blp.route("/accounts/<uuid:account_id>")
class AccountById(MethodView):
    @blp.response(200, AccountOut)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(self, account_id: UUID) -> Account:
        """One account: your own, or any for administrators."""
        return visible_account(account_id)

    @blp.arguments(AccountChangeIn, required=False)
    @blp.response(200, AccountOut)
    @blp.alt_response(403, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(409, schema=Problem, content_type=PROBLEM)
    def patch(self, data: dict[str, Any], account_id: UUID) -> Account:
        """Change name and language (your own); active, is_admin, may_found (administrators).

        The last active administrator stays one (409)."""
        visible_account(account_id)
        if any(data[name] is not None for name in _ADMIN_ONLY):
            require_admin()
        if data["active"] is False and account_id == current_account().id:
            raise NotAllowed("You cannot deactivate your own account.")
        return store().accounts.change_account(account_id, caller=current_caller(), **data)


@blp.route("/accounts/<uuid:account_id>/password")
class AccountPassword(MethodView):
    @blp.arguments(PasswordIn)
    @blp.response(204)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(422, schema=Problem, content_type=PROBLEM)
    def put(self, data: dict[str, Any], account_id: UUID) -> None:
        """Set the password for the web pages (kept only as an argon2id hash)."""
        visible_account(account_id)
        store().accounts.set_password(account_id, data["password"], caller=current_caller())


@blp.route("/accounts/<uuid:account_id>/tokens")
class AccountTokens(MethodView):
    @blp.response(200, TokenList)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(self, account_id: UUID) -> dict[str, Any]:
        """The account's tokens (never their secrets)."""
        visible_account(account_id)
        return {"items": store().accounts.tokens(account_id)}

    @blp.arguments(TokenIn, required=False)
    @blp.response(201, IssuedTokenOut, headers={"Location": {"schema": {"type": "string"}}})
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def post(self, data: dict[str, Any], account_id: UUID) -> tuple[dict[str, Any], int, Any]:
        """Issue a token; its secret is in this response only."""
        account = visible_account(account_id)
        return _issue(account, data, current_caller())


def _issue(
    account: Account, data: dict[str, Any], caller: Caller
) -> tuple[dict[str, Any], int, Any]:
    accounts = store().accounts
    days = data["expires_in_days"]
    expires_at = None if days is None else accounts.clock() + timedelta(days=days)
    issued = accounts.issue_token(account, name=data["name"], expires_at=expires_at, caller=caller)
    token = issued.token
    body = {
        "id": token.id,
        "name": token.name,
        "prefix": token.prefix,
        "created_on": token.created_on,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
        "token": issued.secret,
    }
    location = url_for("accounts.AccountTokenById", account_id=account.id, token_id=token.id)
    return body, 201, {"Location": location}


@blp.route("/tokens")
class PasswordTokens(MethodView):
    @blp.arguments(TokenIn)
    @blp.response(201, IssuedTokenOut, headers={"Location": {"schema": {"type": "string"}}})
    @blp.alt_response(401, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(429, schema=Problem, content_type=PROBLEM)
    @blp.doc(security=[{"basicAuth": []}])
    def post(self, data: dict[str, Any]) -> Any:
        """Issue a token for your own account with your e-mail address and password (HTTP
        Basic: `curl -u you@example.org`); its secret is in this response only. Wrong
        passwords are limited per address and per account (429 with Retry-After)."""
        credentials = request.authorization
        if credentials is None or credentials.type != "basic" or not credentials.username:
            return problem(
                401, "Send your e-mail address and password (HTTP Basic).", headers=_BASIC
            )
        email, password = credentials.username, credentials.password or ""
        refused = login_blocked(request.remote_addr, email)
        if refused is not None:
            return refused
        account = password_account(email, password)
        if account is None:
            refused = too_many_failed_logins(request.remote_addr, email)
            # Never the address tried nor the password; the request id ties this to the client.
            log.warning(
                "rejected password for a new token from %s (request %s)%s",
                request.remote_addr,
                g.request_id,
                "" if refused is None else ", answered 429: too many failures",
            )
            return refused or problem(
                401, "This e-mail address and password do not match an account.", headers=_BASIC
            )
        caller = Caller(
            actor=account.email,
            request_id=g.request_id,
            is_admin=account.is_admin,
            may_found=account.may_found,
        )
        return _issue(account, data, caller)


@blp.route("/accounts/<uuid:account_id>/tokens/<uuid:token_id>")
class AccountTokenById(MethodView):
    @blp.response(200, TokenOut)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(self, account_id: UUID, token_id: UUID) -> ApiToken:
        """One token (never its secret)."""
        visible_account(account_id)
        return store().accounts.token(account_id, token_id)


@blp.route("/accounts/<uuid:account_id>/tokens/<uuid:token_id>/revoke")
class AccountTokenRevoke(MethodView):
    @blp.response(200, TokenOut)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def post(self, account_id: UUID, token_id: UUID) -> ApiToken:
        """Revoke a token; it stops working at once."""
        visible_account(account_id)
        return store().accounts.revoke_token(account_id, token_id, caller=current_caller())
