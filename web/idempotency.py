"""The Idempotency-Key header: a retried money request is answered, never booked twice.

The request's key, its caller, address and body make a claim; the store records the first
response in the same transaction as the booking and answers it again for a retry.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Final, TypeVar

from flask import Response, request
from flask import json as flask_json

from consortium.errors import InvalidValue
from events.idempotency import HEADER, AlreadyDone, IdempotencyClaim, StoredResponse
from web.auth import current_account

T = TypeVar("T")

_KEY: Final = re.compile(r"[\x21-\x7e]{1,255}")
REPLAYED_HEADER: Final = "Idempotent-Replayed"
# OpenAPI: the header every money-creating POST honours.
IDEMPOTENT: Final = {
    "parameters": [
        {
            "in": "header",
            "name": HEADER,
            "required": False,
            "schema": {"type": "string", "maxLength": 255},
            "description": "Send the same key when retrying: the first response is answered "
            "again and nothing is booked twice. A key reused with another body is refused (422).",
        }
    ]
}


def _claim(render: Callable[[T], StoredResponse]) -> IdempotencyClaim | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not _KEY.fullmatch(key):
        raise InvalidValue(
            f"The {HEADER} header must be 1 to 255 visible ASCII characters.", field=HEADER
        )
    body = request.get_json(silent=True)
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    fingerprint = hashlib.sha256(canonical.encode()).hexdigest()
    scope = f"{current_account().email} {request.method} {request.path}"
    return IdempotencyClaim(scope=scope, key=key, fingerprint=fingerprint, render=render)


def to_response(stored: StoredResponse, *, replayed: bool = False) -> Response:
    response = Response(
        flask_json.dumps(stored.body), status=stored.status, mimetype="application/json"
    )
    for name, value in stored.headers.items():
        response.headers[name] = value
    if replayed:
        response.headers[REPLAYED_HEADER] = "true"
    return response


def run_once(
    render: Callable[[T], StoredResponse], command: Callable[[IdempotencyClaim | None], T]
) -> Response:
    """Run a command that honours the Idempotency-Key header and answer its response."""
    try:
        result = command(_claim(render))
    except AlreadyDone as done:
        return to_response(done.response, replayed=True)
    return to_response(render(result))
