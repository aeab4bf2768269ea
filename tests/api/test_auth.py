"""Bearer tokens: every API address but the OpenAPI document needs a valid one (401 otherwise)."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from events.bootstrap import Store
from events.caller import Caller
from tests.api.support import CONSORTIA, problem_of
from tests.clock import StepClock
from tests.conftest import Api, issue_token


def token_expiring_in(store: Store, clock: StepClock, lifetime: timedelta) -> str:
    caller = Caller.system(actor="cli:test", request_id="setup")
    issue_token(store, "funder@provincie-utrecht.example")
    account = store.accounts.find_account("funder@provincie-utrecht.example")
    assert account is not None
    expires_at = clock.peek() + lifetime
    issued = store.accounts.issue_token(account, name="t", expires_at=expires_at, caller=caller)
    return issued.secret


def portfolio(client: FlaskClient, authorization: str | None) -> TestResponse:
    headers = {} if authorization is None else {"Authorization": authorization}
    return client.get(CONSORTIA, headers=headers)


def test_without_a_token_the_answer_is_401(client: FlaskClient) -> None:
    response = portfolio(client, None)

    assert response.status_code == 401
    assert problem_of(response)["detail"]


def test_a_401_names_the_bearer_scheme(client: FlaskClient) -> None:
    response = portfolio(client, None)

    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_token_sent_with_another_scheme_is_refused(client: FlaskClient, admin_token: str) -> None:
    response = portfolio(client, f"Basic {admin_token}")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_token_is_refused(client: FlaskClient) -> None:
    response = portfolio(client, "Bearer cst_thisTokenWasNeverIssuedByTheServiceXXXXXXXXXXX")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_malformed_authorization_header_is_refused(client: FlaskClient) -> None:
    headers = ["Bearer", "Bearer ", "Bearer  ", "cst_abc", ""]

    statuses = {header: portfolio(client, header).status_code for header in headers}

    assert statuses == dict.fromkeys(headers, 401)


def test_a_valid_token_is_accepted(client: FlaskClient, admin_token: str) -> None:
    assert portfolio(client, f"Bearer {admin_token}").status_code == 200


def test_the_bearer_scheme_is_case_insensitive(client: FlaskClient, admin_token: str) -> None:
    assert portfolio(client, f"bearer {admin_token}").status_code == 200


def test_a_token_is_accepted_until_it_expires(
    client: FlaskClient, store: Store, clock: StepClock
) -> None:
    token = token_expiring_in(store, clock, timedelta(hours=1))
    clock.advance(timedelta(minutes=59))

    assert portfolio(client, f"Bearer {token}").status_code == 200


def test_an_expired_token_is_refused(client: FlaskClient, store: Store, clock: StepClock) -> None:
    token = token_expiring_in(store, clock, timedelta(hours=1))
    clock.advance(timedelta(hours=1, minutes=1))

    response = portfolio(client, f"Bearer {token}")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_write_without_a_token_records_nothing(client: FlaskClient, admin_token: str) -> None:
    client.post(CONSORTIA, json={"name": "Slimme wijk", "challenge": "Eenzaamheid"})

    listed = Api(client, admin_token).get(CONSORTIA).json

    assert listed["items"] == []
