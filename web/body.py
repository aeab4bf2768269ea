"""Rules every API request meets before its view runs: a body is JSON (415 otherwise), bounded
in size (413, via MAX_CONTENT_LENGTH, also when it is streamed in chunks) and readable within
bounds (400: nested no deeper than MAX_DEPTH, no integer longer than MAX_DIGITS); a query
parameter the address does not know is refused (422), never silently ignored.

Python's JSON parser recurses once per level of nesting (a thousand brackets exhaust the stack)
and refuses an integer of over 4,300 digits with a bare ValueError: either would be a 500. The
app's JSON provider reads within the bounds instead, and every JSON body is read with it before
a view runs, since the views' argument parser (webargs) reads bodies with the standard library.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

from flask import Flask, Response, current_app, g, request
from flask.json.provider import DefaultJSONProvider

from web.auth import API_PREFIX
from web.problems import field_errors, problem

MAX_DEPTH: Final = 32
MAX_DIGITS: Final = 100  # no value here has nearly as many
# Where the body read before the view is kept for it (web/arguments.py), so it is read once.
READ_BODY: Final = "json_body"

_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})
_STRING: Final = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_BRACKET: Final = re.compile(r"[\[\]{}]")


class UnreadableJSON(ValueError):
    """JSON this service does not read: the message says why, in words for the client."""


def _check_depth(text: str) -> None:
    """Count the nesting without parsing (brackets inside strings do not count)."""
    depth = 0
    for bracket in _BRACKET.findall(_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > MAX_DEPTH:
            raise UnreadableJSON(f"The body nests arrays and objects over {MAX_DEPTH} levels deep.")


def _integer(literal: str) -> int:
    if len(literal.lstrip("-")) > MAX_DIGITS:
        raise UnreadableJSON(f"A number in the body has more than {MAX_DIGITS} digits.")
    return int(literal)


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading only what lies within MAX_DEPTH and MAX_DIGITS."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        # As json.loads reads bytes: in the encoding they announce (UTF-8, -16 or -32).
        text = s.decode(json.detect_encoding(s), "surrogatepass") if isinstance(s, bytes) else s
        _check_depth(text)
        return super().loads(text, parse_int=_integer, **kwargs)


def _require_json_body() -> Response | None:
    if request.method not in _WITH_BODY or not request.path.startswith(API_PREFIX):
        return None
    has_body = bool(request.content_length) or "chunked" in request.headers.get(
        "Transfer-Encoding", ""
    )
    if has_body and not request.is_json:
        return problem(415)
    return None


def _was_cut(data: bytes) -> bool:
    """Whether a body streamed in chunks went on past the limit. Werkzeug stops reading such a
    body there instead of refusing it, as it refuses one with a Content-Length over the limit;
    the byte after the limit tells whether there was more."""
    limit = request.max_content_length
    if request.content_length is not None or limit is None or len(data) < limit:
        return False
    return bool(request.environ["wsgi.input"].read(1))


def _read_json_body() -> Response | None:
    if request.method not in _WITH_BODY or not request.path.startswith(API_PREFIX):
        return None
    if not request.is_json:
        return None  # no body at all (one of another type was refused just before)
    data = request.get_data(cache=True)
    if _was_cut(data):
        return problem(413)
    if not data:
        return None  # the view's schema says whether a body was needed
    try:
        setattr(g, READ_BODY, current_app.json.loads(data))
    except UnreadableJSON as error:
        return problem(400, str(error))
    except ValueError:
        return problem(400, "The request body is not valid JSON.")
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
    app.json = BoundedJSONProvider(app)
    app.before_request(_require_json_body)
    app.before_request(_read_json_body)
    app.before_request(_refuse_unknown_query)
