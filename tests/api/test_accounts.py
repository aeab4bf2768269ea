"""Accounts through the API: passwords have a bounded length."""

from __future__ import annotations

from typing import Any, Final

from werkzeug.test import TestResponse

from events.accounts import MAX_PASSWORD_LENGTH
from tests.api.support import field_errors
from tests.conftest import Api

ACCOUNTS: Final = "/api/v1/accounts"


def me(api: Api) -> dict[str, Any]:
    body: dict[str, Any] = api.get("/api/v1/me").json
    return body


def stored(api: Api) -> dict[str, Any]:
    """The caller's account as the store has it now."""
    body: dict[str, Any] = api.get(f"{ACCOUNTS}/{me(api)['id']}").json
    return body


def set_password(api: Api, password: str) -> TestResponse:
    return api.client.put(
        f"{ACCOUNTS}/{me(api)['id']}/password", json={"password": password}, headers=api.headers
    )


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
