"""Rules every API request meets before its view runs: a body is JSON (415 otherwise) and bounded
in size (413, via MAX_CONTENT_LENGTH); a query parameter the address does not know is refused
(422), never silently ignored."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, request

from web.auth import API_PREFIX
from web.problems import field_errors, problem

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


def _takes_query_arguments() -> bool:
    view: Any = current_app.view_functions.get(request.endpoint or "")
    view_class = getattr(view, "view_class", None)
    method = getattr(view_class, request.method.lower(), None) if view_class else view
    arguments = getattr(method, "_apidoc", {}).get("arguments", {})
    return any(p.get("in") == "query" for p in arguments.get("parameters", []))


def _refuse_unknown_query() -> Response | None:
    if not request.args or not request.path.startswith(API_PREFIX) or request.endpoint is None:
        return None
    if _takes_query_arguments():
        return None  # the view's schema refuses unknown parameters field by field
    messages = {name: ["Unknown field."] for name in request.args}
    return problem(422, errors=field_errors(messages, "query"))


def init_body_rules(app: Flask, max_bytes: int) -> None:
    app.config["MAX_CONTENT_LENGTH"] = max_bytes
    app.before_request(_require_json_body)
    app.before_request(_refuse_unknown_query)
