"""Logging in and out on the pages: a password account, a fresh session at login, the session
cookie's flags, and the same limit on wrong passwords as the API."""

from __future__ import annotations

import pytest

from tests.pages.conftest import Visitor, text_of
from tests.pages.world import OFFICER, PASSWORD, World


def test_a_page_sends_a_visitor_who_is_not_logged_in_to_the_login_page(
    visitor: Visitor, world: World
) -> None:
    answer = visitor.get(f"/consortia/{world.consortium_id}")
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/login?next=/consortia/")


def test_the_login_page_is_dutch_by_default(visitor: Visitor) -> None:
    page = text_of(visitor.get("/login"))
    assert '<html lang="nl">' in page
    assert "Inloggen" in page


def test_logging_in_with_the_password_opens_the_page_asked_for(
    visitor: Visitor, world: World
) -> None:
    path = f"/consortia/{world.consortium_id}"
    token = visitor.token("/login")
    answer = visitor.client.post(
        f"/login?next={path}", data={"email": OFFICER, "password": "een-lang-wachtwoord-2026",
                                     "csrf_token": token},
    )  # fmt: skip
    assert answer.status_code == 302
    assert answer.headers["Location"] == path
    assert "Langer thuis in de wijk" in text_of(visitor.get(path))


def test_the_session_cookie_is_secure_http_only_and_same_site_lax(
    visitor: Visitor, world: World
) -> None:
    answer = visitor.log_in(OFFICER)
    cookie = answer.headers["Set-Cookie"]
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_logging_in_starts_a_new_session(visitor: Visitor, world: World) -> None:
    token_before = visitor.token("/login")
    before = visitor.cookie()
    visitor.log_in(OFFICER)
    after = visitor.cookie()
    assert before is not None
    assert after is not None
    assert after != before
    # What the visitor's session held before the login (its CSRF token) is no longer good.
    answer = visitor.client.post("/logout", data={"csrf_token": token_before})
    assert answer.status_code == 403


def test_a_wrong_password_is_refused_in_the_visitors_language(
    visitor: Visitor, world: World
) -> None:
    answer = visitor.send("/login", {"email": OFFICER, "password": "niet-het-wachtwoord"})
    assert answer.status_code == 401
    assert "Dit e-mailadres en wachtwoord horen niet bij een account." in text_of(answer)


def test_wrong_passwords_are_limited_as_in_the_api(visitor: Visitor, world: World) -> None:
    statuses = [
        visitor.send("/login", {"email": OFFICER, "password": f"fout-{n}"}).status_code
        for n in range(21)
    ]
    assert statuses[:20] == [401] * 20
    assert statuses[20] == 429


def test_logging_out_ends_the_session(visitor: Visitor, world: World) -> None:
    visitor.log_in(OFFICER)
    answer = visitor.send("/logout", {}, form_on="/me")
    assert answer.status_code == 302
    assert visitor.get("/me").status_code == 302


@pytest.mark.parametrize(
    "elsewhere", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:x"]
)
def test_after_logging_in_a_visitor_stays_on_this_site(
    visitor: Visitor, world: World, elsewhere: str
) -> None:
    token = visitor.token("/login")
    answer = visitor.client.post(
        "/login",
        query_string={"next": elsewhere},
        data={"email": OFFICER, "password": PASSWORD, "csrf_token": token},
    )
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/"
