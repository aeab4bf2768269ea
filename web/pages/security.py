"""The pages' defences: a CSRF token on every form (Flask-WTF), and headers that keep the
browser strict: a Content-Security-Policy without inline script or style, no framing, no
sniffing, no caching of pages that show the books."""

from __future__ import annotations

from typing import Final

from flask import Flask, Response
from flask_wtf.csrf import CSRFProtect

CONTENT_SECURITY_POLICY: Final = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
    )
)

csrf = CSRFProtect()


# The API authenticates with a bearer token, which a browser never sends by itself: only the
# pages (whose blueprint calls csrf.protect()) check a CSRF token.
CSRF_CONFIG: Final = {
    "WTF_CSRF_CHECK_DEFAULT": False,
    "WTF_CSRF_TIME_LIMIT": None,  # valid as long as the session
}


def init_csrf(app: Flask) -> None:
    csrf.init_app(app)


def strict_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    return response
