"""A JSON body the service does not read is a 400 problem, never a 500: nested deeper than 32
levels (Python's parser recursed a thousand levels deep, then failed), an integer of more than
100 digits (Python refuses over 4,300 with a bare ValueError), and a body streamed in chunks
past the size limit is a 413, as one with a Content-Length is (it was cut and read as broken
JSON, a 400).

These rules run before any view, so the module shares one SQLite store; streaming needs a real
HTTP server, so those tests start werkzeug's on a free port.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any, Final

import pytest
import requests
from flask import Flask
from werkzeug.serving import make_server
from werkzeug.test import TestResponse

from events.bootstrap import Store
from tests.api.support import CONSORTIA, admit, problem_of
from tests.conftest import Api
from web.body import MAX_DEPTH, MAX_DIGITS

MAX_BODY: Final = 256 * 1024


@pytest.fixture
def store(sqlite_store: Store) -> Store:
    return sqlite_store


def post_raw(api: Api, address: str, text: str, **headers: str) -> TestResponse:
    return api.client.post(
        address, data=text, content_type="application/json", headers={**api.headers, **headers}
    )


def nested(levels: int) -> str:
    """A founding whose name is a list nested ``levels`` deep (the body itself is one more)."""
    return '{"challenge": "c", "name": ' + "[" * levels + "]" * levels + "}"


# -- nesting ------------------------------------------------------------------------------------


def test_a_body_nested_a_thousand_levels_deep_is_a_400_problem(api: Api) -> None:
    response = post_raw(api, CONSORTIA, "[" * 1000 + "]" * 1000)

    assert response.status_code == 400
    assert "32 levels" in problem_of(response)["detail"]


def test_a_deep_body_with_an_idempotency_key_is_a_400_problem(api: Api, consortium_id: str) -> None:
    member = admit(api, consortium_id, "Gemeente Utrecht", "municipality", "lead")
    body = (
        f'{{"member_id": "{member["id"]}", "kind": "cash", "amount": "100.00",'
        f' "date": "2026-03-02", "reference": {"[" * 1000 + "]" * 1000}}}'
    )

    response = post_raw(
        api, f"{CONSORTIA}/{consortium_id}/contributions", body, **{"Idempotency-Key": "deep-1"}
    )

    assert response.status_code == 400
    assert api.get(f"{CONSORTIA}/{consortium_id}/contributions").json["items"] == []


def test_a_body_nested_as_deep_as_allowed_is_read(api: Api) -> None:
    response = post_raw(api, CONSORTIA, nested(MAX_DEPTH - 1))

    assert {e["field"] for e in problem_of(response)["errors"]} == {"name"}


def test_a_body_nested_one_level_deeper_is_not(api: Api) -> None:
    assert post_raw(api, CONSORTIA, nested(MAX_DEPTH)).status_code == 400


def test_brackets_inside_text_are_no_nesting(api: Api) -> None:
    name = "[" * 100 + "{" * 100

    response = api.post(CONSORTIA, json={"name": name, "challenge": 'a "quoted" \\ ]]]'})

    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.json["name"] == name


# -- numbers ------------------------------------------------------------------------------------


def test_an_integer_of_five_thousand_digits_is_a_400_problem(api: Api) -> None:
    response = post_raw(api, CONSORTIA, '{"name": ' + "9" * 5000 + ', "challenge": "c"}')

    assert response.status_code == 400
    assert "digits" in problem_of(response)["detail"]


def test_an_integer_of_as_many_digits_as_allowed_is_read(api: Api) -> None:
    response = post_raw(api, CONSORTIA, '{"name": -' + "9" * MAX_DIGITS + ', "challenge": "c"}')

    assert {e["field"] for e in problem_of(response)["errors"]} == {"name"}


def test_an_integer_of_one_digit_more_is_not(api: Api) -> None:
    body = '{"name": ' + "9" * (MAX_DIGITS + 1) + ', "challenge": "c"}'

    assert post_raw(api, CONSORTIA, body).status_code == 400


def test_broken_json_is_still_a_400_problem(api: Api) -> None:
    response = post_raw(api, CONSORTIA, '{"name": "N", "challenge": ')

    assert response.status_code == 400
    assert problem_of(response)["detail"] == "The request body is not valid JSON."


def test_an_empty_json_body_is_left_to_the_schema(api: Api) -> None:
    response = post_raw(api, CONSORTIA, "")

    assert response.status_code == 422


# -- bodies streamed in chunks --------------------------------------------------------------------


@pytest.fixture
def server(app: Flask) -> Iterator[str]:
    """The app behind werkzeug's HTTP server (which reads chunked bodies), on a free port."""
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    thread.join()


def chunks(body: bytes, size: int = 16 * 1024) -> Iterator[bytes]:
    """The body in pieces: requests sends a generator with Transfer-Encoding: chunked."""
    for start in range(0, len(body), size):
        yield body[start : start + size]


def founding_of_size(size: int) -> bytes:
    """A founding of exactly ``size`` bytes of JSON."""
    empty = json.dumps({"name": "N", "challenge": "C", "description": ""})
    body = json.dumps({"name": "N", "challenge": "C", "description": "x" * (size - len(empty))})
    assert len(body) == size
    return body.encode()


def post_chunked(server: str, api: Api, body: bytes) -> Any:
    headers = {**api.headers, "Content-Type": "application/json"}
    response = requests.post(f"{server}{CONSORTIA}", data=chunks(body), headers=headers, timeout=30)
    assert response.request.headers.get("Transfer-Encoding") == "chunked"
    return response


def test_a_chunked_body_over_the_limit_is_a_413_problem(server: str, api: Api) -> None:
    response = post_chunked(server, api, founding_of_size(MAX_BODY + 1))

    assert response.status_code == 413
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 413


def test_a_chunked_body_of_exactly_the_limit_is_read(server: str, api: Api) -> None:
    response = post_chunked(server, api, founding_of_size(MAX_BODY))

    # 422: the description is longer than a description may be; the body was read whole.
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["description"]


def test_a_small_chunked_body_is_read(server: str, api: Api) -> None:
    response = post_chunked(server, api, json.dumps({"name": "N", "challenge": "C"}).encode())

    assert response.status_code == 201
