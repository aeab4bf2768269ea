"""Who is logged in on the pages: a signed session cookie (Secure, HttpOnly, SameSite=Lax) for
the pages only; the API keeps no session and reads none. A login starts a new session (nothing
a visitor carried in before survives it, so a session cannot be fixed in advance), and every
request reads the account again, so a deactivated account is out at its next click."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Final
from uuid import UUID

from flask import Flask, Request, g, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

from consortium.accounts import Account
from events.accounts import AccountNotFound
from web.auth import API_PREFIX, store

SESSION_HOURS: Final = 8
_ACCOUNT: Final = "account_id"
_LANGUAGE: Final = "language"


class PageSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, opened only outside the API (which authenticates every
    request with a token and must not read or set a cookie)."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith(API_PREFIX):
            return None  # Flask then gives the request its null session, never saved
        return super().open_session(app, request)


# Flask's settings of the session cookie (create_app sets them before a caller's own config).
SESSION_CONFIG: Final = {
    "SESSION_COOKIE_NAME": "consortium_session",
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=SESSION_HOURS),
}


def init_sessions(app: Flask) -> None:
    app.session_interface = PageSessions()


def log_in(account: Account) -> None:
    """A new session for this account: whatever the visitor's session held is dropped (its
    CSRF token too), except the language chosen."""
    language = session.get(_LANGUAGE)
    session.clear()
    session.permanent = True
    session["sid"] = secrets.token_urlsafe(16)
    session[_ACCOUNT] = str(account.id)
    if language:
        session[_LANGUAGE] = language
    g.account = account


def log_out() -> None:
    language = session.get(_LANGUAGE)
    session.clear()
    if language:
        session[_LANGUAGE] = language
    g.pop("account", None)


def logged_in_account() -> Account | None:
    """The account of this session, if it is still active."""
    account_id = session.get(_ACCOUNT)
    if not account_id:
        return None
    try:
        account = store().accounts.account(UUID(account_id))
    except (AccountNotFound, ValueError):
        account = None
    if account is None or not account.is_active:
        session.clear()
        return None
    return account


def chosen_language() -> str | None:
    value = session.get(_LANGUAGE)
    return value if isinstance(value, str) else None


def choose_language(language: str) -> None:
    session[_LANGUAGE] = language
