"""Small helpers for reading test-client responses with types."""

from __future__ import annotations

from typing import Any

from werkzeug.test import TestResponse


def json_of(response: TestResponse) -> Any:
    """The JSON body of a response; fails the test when there is none."""
    body = response.get_json(silent=True)
    assert body is not None, f"{response.status} without a JSON body: {response.data[:200]!r}"
    return body
