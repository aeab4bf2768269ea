"""Rules every request meets before a view runs: JSON bodies of bounded size, known addresses
and methods. They do not depend on the store, so this module shares one SQLite store."""

from __future__ import annotations

import json

import pytest

from events.bootstrap import Store
from tests.api.support import CONSORTIA, problem_of
from tests.conftest import Api

MAX_BODY = 256 * 1024


@pytest.fixture
def store(sqlite_store: Store) -> Store:
    return sqlite_store


# -- addresses and methods ----------------------------------------------------------------------


def test_a_consortium_id_that_is_no_uuid_is_not_found(api: Api) -> None:
    response = api.get(f"{CONSORTIA}/langer-thuis")

    assert response.status_code == 404
    assert problem_of(response)["instance"] == f"{CONSORTIA}/langer-thuis"


def test_an_unknown_api_address_is_a_problem_404(api: Api) -> None:
    response = api.get("/api/v1/consortiums")

    assert response.status_code == 404
    assert problem_of(response)["instance"] == "/api/v1/consortiums"


def test_a_method_an_address_does_not_take_is_405(api: Api, consortium_id: str) -> None:
    response = api.client.delete(f"{CONSORTIA}/{consortium_id}", headers=api.headers)

    assert response.status_code == 405
    assert problem_of(response)["status"] == 405


def test_a_405_lists_the_allowed_methods(api: Api, consortium_id: str) -> None:
    response = api.client.put(f"{CONSORTIA}/{consortium_id}/phase", headers=api.headers)

    assert {m.strip() for m in response.headers["Allow"].split(",")} >= {"POST"}
    assert "PUT" not in response.headers["Allow"]


# -- bodies -------------------------------------------------------------------------------------


def test_a_body_over_256_kib_is_too_large(api: Api) -> None:
    body = {"name": "N", "challenge": "C", "description": "x" * MAX_BODY}

    response = api.post(CONSORTIA, json=body)

    assert response.status_code == 413
    assert problem_of(response)["detail"]


def test_a_body_just_within_256_kib_is_not_too_large(api: Api) -> None:
    padding = MAX_BODY - len(json.dumps({"name": "N", "challenge": "C", "description": ""}))
    body = {"name": "N", "challenge": "C", "description": "x" * padding}
    assert len(json.dumps(body)) == MAX_BODY

    response = api.post(CONSORTIA, json=body)

    assert response.status_code != 413


def test_a_body_that_is_not_json_is_unsupported(api: Api) -> None:
    bodies = {
        "text/plain": '{"name": "N", "challenge": "C"}',
        "application/x-www-form-urlencoded": "name=N&challenge=C",
        "application/xml": "<consortium><name>N</name></consortium>",
    }

    statuses = {
        kind: api.post(CONSORTIA, data=data, content_type=kind).status_code
        for kind, data in bodies.items()
    }

    assert statuses == dict.fromkeys(bodies, 415)


def test_an_unsupported_body_is_told_to_send_json(api: Api) -> None:
    response = api.post(CONSORTIA, data="name=N", content_type="text/plain")

    assert "application/json" in problem_of(response)["detail"]


def test_json_with_a_charset_is_accepted(api: Api) -> None:
    response = api.post(
        CONSORTIA,
        data='{"name": "Slimme wijk", "challenge": "Eenzaamheid"}',
        content_type="application/json; charset=utf-8",
    )

    assert response.status_code == 201


def test_malformed_json_is_a_bad_request(api: Api) -> None:
    bodies = ['{"name": "N",', "{'name': 'N'}", "naam=N", "\xff"]

    statuses = {
        body: api.post(CONSORTIA, data=body, content_type="application/json").status_code
        for body in bodies
    }

    assert statuses == dict.fromkeys(bodies, 400)


def test_a_bad_request_is_a_problem_saying_why(api: Api) -> None:
    response = api.post(CONSORTIA, data='{"name": "N",', content_type="application/json")

    assert "JSON" in problem_of(response)["detail"]
