"""Accounts through the API: passwords have a bounded length, and the service always keeps an
active administrator."""

from __future__ import annotations

from typing import Any, Final

from werkzeug.test import TestResponse

from events.accounts import MAX_PASSWORD_LENGTH
from tests.api.support import field_errors, problem_of
from tests.conftest import Api
from tests.http import json_of

ACCOUNTS: Final = "/api/v1/accounts"


def me(api: Api) -> dict[str, Any]:
    body: dict[str, Any] = api.get("/api/v1/me").json
    return body


def stored(api: Api) -> dict[str, Any]:
    """The caller's account as the store has it now."""
    body: dict[str, Any] = api.get(f"{ACCOUNTS}/{me(api)['id']}").json
    return body


def patch(api: Api, account_id: str, **fields: Any) -> TestResponse:
    return api.client.patch(f"{ACCOUNTS}/{account_id}", json=fields, headers=api.headers)


def set_password(api: Api, password: str) -> TestResponse:
    return api.client.put(
        f"{ACCOUNTS}/{me(api)['id']}/password", json={"password": password}, headers=api.headers
    )


def open_account(api: Api, email: str, **fields: Any) -> dict[str, Any]:
    response = api.post(ACCOUNTS, json={"email": email, **fields})
    assert response.status_code == 201, response.get_data(as_text=True)
    body: dict[str, Any] = response.json
    return body


# -- passwords ------------------------------------------------------------------------------------


def test_a_password_of_the_maximum_length_is_set(api: Api) -> None:
    assert set_password(api, "p" * MAX_PASSWORD_LENGTH).status_code == 204
    assert stored(api)["has_password"] is True


def test_a_password_over_the_maximum_length_is_refused_on_its_field(api: Api) -> None:
    response = set_password(api, "p" * (MAX_PASSWORD_LENGTH + 1))

    assert "1024" in field_errors(response)["password"]["detail"]


def test_a_huge_password_is_refused_and_not_kept(api: Api) -> None:
    response = set_password(api, "p" * 200_000)

    assert "password" in field_errors(response)
    assert stored(api)["has_password"] is False


def test_a_short_password_is_refused_on_its_field(api: Api) -> None:
    response = set_password(api, "too-short")

    assert "12" in field_errors(response)["password"]["detail"]


# -- the last administrator -----------------------------------------------------------------------


def test_the_last_administrator_cannot_give_up_being_one(api: Api) -> None:
    response = patch(api, me(api)["id"], is_admin=False)

    assert response.status_code == 409
    assert "last active administrator" in problem_of(response)["detail"]
    assert stored(api)["is_admin"] is True


def test_an_administrator_gives_up_being_one_while_another_remains(api: Api) -> None:
    open_account(api, "beheer@utrecht.example", is_admin=True)

    response = patch(api, me(api)["id"], is_admin=False)

    assert (response.status_code, json_of(response)["is_admin"]) == (200, False)


def test_an_administrator_takes_the_flag_from_another(api: Api) -> None:
    other = open_account(api, "beheer@utrecht.example", is_admin=True)

    response = patch(api, other["id"], is_admin=False)

    assert (response.status_code, json_of(response)["is_admin"]) == (200, False)


def test_a_deactivated_administrator_does_not_count_as_the_one_remaining(api: Api) -> None:
    other = open_account(api, "beheer@utrecht.example", is_admin=True)
    assert patch(api, other["id"], active=False).status_code == 200

    response = patch(api, me(api)["id"], is_admin=False)

    assert response.status_code == 409


def test_an_administrator_is_deactivated_while_another_remains(api: Api) -> None:
    other = open_account(api, "beheer@utrecht.example", is_admin=True)

    response = patch(api, other["id"], active=False)

    assert (response.status_code, json_of(response)["active"]) == (200, False)


def test_the_last_administrator_keeps_changing_their_profile(api: Api) -> None:
    response = patch(api, me(api)["id"], name="Beheerder")

    assert (response.status_code, json_of(response)["name"]) == (200, "Beheerder")


def test_an_address_that_case_folding_changes_beyond_its_case_is_refused(api: Api) -> None:
    response = api.post("/api/v1/accounts", json={"email": "straße@x.example", "name": "Straße"})

    assert "strasse@x.example" in field_errors(response)["email"]["detail"]
    emails = {item["email"] for item in api.get("/api/v1/accounts").json["items"]}
    assert "strasse@x.example" not in emails
