"""Who is logged in on the pages: a signed session cookie (Secure, HttpOnly, SameSite=Lax) for
the pages only; the API keeps no session and reads none. The cookie names a page session
recorded in the store (consortium/page_sessions.py), which every request checks: logging out
ends it for real (a copied cookie no longer works), and setting the password or deactivating
the account ends all of the account's sessions. A login starts a new session (nothing a
visitor carried in before survives it, so a session cannot be fixed in advance)."""

from __future__ import annotations

from datetime import timedelta
from typing import Final
from uuid import UUID

from flask import Flask, Request, g, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

from consortium.accounts import Account
from consortium.page_sessions import SESSION_HOURS
from events.caller import Caller
from web.auth import API_PREFIX, store

_SESSION: Final = "session_id"
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
    started = store().accounts.start_session(account, caller=_caller(account))
    language = session.get(_LANGUAGE)
    session.clear()
    session.permanent = True
    session[_SESSION] = str(started.id)
    if language:
        session[_LANGUAGE] = language
    g.account = account


def log_out() -> None:
    """End the session in the store, so that its cookie, wherever copied, logs nobody in."""
    session_id = _session_id()
    account = g.get("account")
    if session_id is not None and account is not None:
        store().accounts.end_session(session_id, caller=_caller(account))
    language = session.get(_LANGUAGE)
    session.clear()
    if language:
        session[_LANGUAGE] = language
    g.pop("account", None)


def logged_in_account() -> Account | None:
    """The account this session logs in, while the session counts (see the module's text)."""
    session_id = _session_id()
    account = None if session_id is None else store().accounts.session_account(session_id)
    if account is None and _SESSION in session:
        session.clear()
    return account


def _session_id() -> UUID | None:
    value = session.get(_SESSION)
    try:
        return UUID(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _caller(account: Account) -> Caller:
    return Caller(actor=account.email, request_id=g.request_id)


def chosen_language() -> str | None:
    value = session.get(_LANGUAGE)
    return value if isinstance(value, str) else None


def choose_language(language: str) -> None:
    session[_LANGUAGE] = language
