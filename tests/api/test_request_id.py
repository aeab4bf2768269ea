"""X-Request-ID: every answer carries one; a valid one sent is echoed, else one is made."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from events.bootstrap import Store
from tests.api.support import CONSORTIA, problem_of
from tests.conftest import Api

GENERATED = re.compile(r"[A-Za-z0-9._:-]{1,128}")


@pytest.fixture
def store(sqlite_store: Store) -> Store:
    """Request ids are given before any view runs: one SQLite store serves the module."""
    return sqlite_store


def answered_id(api: Api, sent: str) -> str:
    """The X-Request-ID answered to a request that sent this one."""
    answered: str = api.get(CONSORTIA, headers={"X-Request-ID": sent}).headers["X-Request-ID"]
    return answered


def test_a_valid_request_id_is_echoed(api: Api) -> None:
    sent = ["abc", "7f3e9c2a-1b4d-4e8f-9a6b-2c5d8e1f4a7b", "ticket:4711.retry_2", "x" * 128]

    echoed = {rid: answered_id(api, rid) for rid in sent}

    assert echoed == {rid: rid for rid in sent}


def test_each_request_without_an_id_is_given_a_new_one(api: Api) -> None:
    made = [api.get(CONSORTIA).headers["X-Request-ID"] for _ in range(3)]

    assert all(GENERATED.fullmatch(request_id) for request_id in made), made
    assert len(set(made)) == 3


def test_an_invalid_request_id_is_replaced_by_a_new_one(api: Api) -> None:
    sent = ["", "has spaces", "x" * 129, "<script>", "ä"]

    answered = {rid: answered_id(api, rid) for rid in sent}

    assert {
        rid for rid, new in answered.items() if new == rid or not GENERATED.fullmatch(new)
    } == set()


def test_an_error_answer_carries_the_request_id(client: FlaskClient) -> None:
    response = client.get(CONSORTIA, headers={"X-Request-ID": "no-token-42"})

    assert response.status_code == 401
    assert response.headers["X-Request-ID"] == "no-token-42"


def test_a_problem_body_carries_the_request_id(api: Api) -> None:
    response = api.get(
        f"{CONSORTIA}/00000000-0000-4000-8000-000000000000", headers={"X-Request-ID": "support-42"}
    )

    assert problem_of(response)["request_id"] == "support-42"
