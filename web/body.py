"""Request bodies: JSON only (415 otherwise) and bounded in size (413, via MAX_CONTENT_LENGTH)."""

from __future__ import annotations

from flask import Flask, Response, request

from web.auth import API_PREFIX
from web.problems import problem

_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})


def _require_json_body() -> Response | None:
    if request.method not in _WITH_BODY or not request.path.startswith(API_PREFIX):
        return None
    has_body = bool(request.content_length) or "chunked" in request.headers.get(
        "Transfer-Encoding", ""
    )
    if has_body and not request.is_json:
        return problem(415)
    return None


def init_body_rules(app: Flask, max_bytes: int) -> None:
    app.config["MAX_CONTENT_LENGTH"] = max_bytes
    app.before_request(_require_json_body)
