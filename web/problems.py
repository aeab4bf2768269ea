"""Every error is answered as ``application/problem+json`` (RFC 9457), in one place.

Invalid input lists its errors field by field: ``{"field", "pointer", "detail"}``, where
``pointer`` is a JSON pointer into the request body (``#/name``) or names the query
parameter or header it came from. Titles and details are in the caller's language (web/i18n.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, g, json, request
from werkzeug.exceptions import HTTPException

from consortium.errors import DomainError, InvalidValue, NotAllowed, NotFound, RuleViolation
from events.application import UNREACHABLE, StoreBusy
from events.idempotency import HEADER as IDEMPOTENCY_HEADER
from events.readmodel.side import StaleReadModel
from web.i18n import language, translate
from web.outage import breaker
from web.redaction import loggable_path

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
# Seconds a client waits before trying again while the database cannot be reached.
DATABASE_RETRY_AFTER = 5

_DETAILS = {
    400: "The request could not be read.",
    403: "You may not do this.",
    401: "A valid API token is needed: send it as 'Authorization: Bearer <token>'.",
    404: "There is nothing at this address.",
    405: "This address does not accept that method.",
    413: "The request body is too large.",
    429: "Too many failed attempts from this address; wait a minute and try again.",
    415: "The request body must be JSON, sent with 'Content-Type: application/json'.",
    422: "Some values are invalid; see 'errors'.",
}


def problem(
    status: int,
    detail: str | None = None,
    *,
    title: str | None = None,
    errors: list[dict[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": translate(title or HTTPStatus(status).phrase),
        "status": status,
        "detail": translate(detail or _DETAILS.get(status, HTTPStatus(status).description)),
        "instance": request.path,
    }
    if errors:
        body["errors"] = [{**e, "detail": translate(e["detail"])} for e in errors]
    request_id = g.get("request_id")
    if request_id:
        body["request_id"] = request_id
    # Extension members never overwrite the standard ones.
    body.update({k: v for k, v in (extensions or {}).items() if k not in body and v is not None})
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    response.headers["Content-Language"] = language()
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def field_errors(messages: Any, location: str = "json") -> list[dict[str, str]]:
    """Flatten marshmallow's nested messages into one entry per field and message."""
    return [
        {
            "field": ".".join(path) or "(body)",
            "pointer": _pointer(location, path),
            "detail": detail,
        }
        for path, detail in _walk(messages, ())
    ]


def _pointer(location: str, path: tuple[str, ...]) -> str:
    if location == "json":
        return "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in path)
    return f"{location}:{'.'.join(path)}"


def _walk(messages: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str]]:
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            # "_schema" is the object itself; "value" is marshmallow's name for the value of a
            # map entry (the entry's key already names it).
            step = () if key in ("_schema", "value") else (str(key),)
            yield from _walk(value, path + step)
    elif isinstance(messages, list | tuple):
        for item in messages:
            yield from _walk(item, path)
    else:
        yield path, str(messages)


def _from_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    messages = data.get("messages")
    if status == 422 and isinstance(messages, Mapping):
        errors = [e for loc, m in messages.items() for e in field_errors(m, str(loc))]
        return problem(422, errors=errors)
    if status == 400 and messages:
        return problem(400, "The request body is not valid JSON.")
    headers: dict[str, str] = {}
    if status == 405 and error.valid_methods:  # type: ignore[attr-defined]
        headers["Allow"] = ", ".join(sorted(error.valid_methods))  # type: ignore[attr-defined]
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="consortium"'
    if status == 429:
        headers["Retry-After"] = "60"
    detail = data.get("message") if isinstance(data.get("message"), str) else None
    return problem(status, detail or _DETAILS.get(status), headers=headers)


def _from_domain_error(error: DomainError) -> Response:
    if isinstance(error, InvalidValue):
        field = error.field or "(body)"
        location = "json"
        if field == IDEMPOTENCY_HEADER:
            location = "header"
        elif request.method == "GET":
            location = "query"  # a read has no body: what the domain refused came in the query
        errors = [
            {"field": field, "pointer": _pointer(location, (field,)), "detail": error.message}
        ]
        return problem(422, error.message, errors=errors)
    status = 422
    if isinstance(error, NotFound):
        status = 404
    elif isinstance(error, NotAllowed):
        status = 403
    elif isinstance(error, RuleViolation):
        status = 409
    # What the rule concerned (e.g. "available": "400.00") goes along as extension members.
    context = {k: _json_value(v) for k, v in error.context.items()}
    return problem(status, error.message, title=error.title, extensions=context)


def _from_store_busy(error: StoreBusy | StaleReadModel) -> Response:
    return problem(503, str(error), headers={"Retry-After": "1"})


def _from_database_unreachable(error: Exception) -> Response:
    log.warning(
        "database unreachable in %s %s: %s",
        request.method,
        loggable_path(request.path),
        type(error).__name__,
    )
    tripped = breaker()
    if tripped is not None:
        tripped.trip()
    return database_unreachable()


def database_unreachable() -> Response:
    return problem(
        503,
        "The database cannot be reached at the moment; please try again shortly.",
        headers={"Retry-After": str(DATABASE_RETRY_AFTER)},
    )


def _from_unexpected(error: Exception) -> Response:
    log.exception("unexpected error in %s %s", request.method, loggable_path(request.path))
    return problem(500, "Something went wrong on our side; it was logged. Please try again.")


def _json_value(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    return value if isinstance(value, int | str | bool) else str(value)


def handle_http_exception(error: HTTPException) -> Response:
    return _from_http_exception(error)


def init_problems(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DomainError, _from_domain_error)
    app.register_error_handler(StoreBusy, _from_store_busy)
    app.register_error_handler(StaleReadModel, _from_store_busy)
    for unreachable in UNREACHABLE:
        app.register_error_handler(unreachable, _from_database_unreachable)
    app.register_error_handler(Exception, _from_unexpected)
