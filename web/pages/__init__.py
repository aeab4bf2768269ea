"""The web pages for people (Dutch first, NL Design System): server-rendered over the same use
cases as the API, with a session cookie, CSRF tokens and strict headers."""

from __future__ import annotations

from flask import Flask

from web.pages import (
    adopting,
    adoption_requests,
    catalogue,
    consortium_page,
    contribution,
    downloads,
    evaluation,
    expenditure,
    ledger,
    login,
    management,
    me,
    pledge,
    portfolio,
    reminder_policy,
    replan,
    roles,
    trace,
)
from web.pages.blueprint import bp
from web.pages.security import CSRF_CONFIG, init_csrf
from web.pages.session import SESSION_CONFIG, init_sessions

__all__ = [
    "PAGE_CONFIG",
    "adopting",
    "adoption_requests",
    "catalogue",
    "consortium_page",
    "contribution",
    "downloads",
    "evaluation",
    "expenditure",
    "init_pages",
    "ledger",
    "login",
    "management",
    "me",
    "pledge",
    "portfolio",
    "reminder_policy",
    "replan",
    "roles",
    "trace",
]

PAGE_CONFIG = {**SESSION_CONFIG, **CSRF_CONFIG}


def init_pages(app: Flask) -> None:
    init_sessions(app)
    init_csrf(app)
    app.register_blueprint(bp)
