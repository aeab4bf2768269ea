"""Asking to adopt on the pages: an officer asks on the solution's catalogue page (errors
summarised at the top, linked to their fields, in Dutch and English), sees the pending request
instead of the form; the programme manager approves after a confirmation or declines with a
reason; the adopter's representative then sees its share for next year and its first
checkpoint on /me and on the consortium page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from consortium.accounts import Language
from consortium.figures import NeedCategory
from consortium.money import Money
from events.bootstrap import Store
from events.settings import StoreSettings
from tests.adoption.support import PM, Pilot, logged_in, pilot
from tests.backends import sqlite_file
from tests.clock import StepClock
from tests.conftest import issue_token

OFFICER = "officer@houten.example"
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ASK = {
    "party": "Gemeente Houten",
    "population": "50.000",
    "contact_email": OFFICER,
    "province": "utrecht",
}


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[StoreSettings]:
    """The pages on SQLite only: the use cases under them are tested on both backends."""
    with sqlite_file(tmp_path) as settings:
        yield settings


@pytest.fixture
def solution(store: Store, clock: StepClock) -> Pilot:
    """The pilot, in September 2026, with 120.000 euro of running costs planned for 2027."""
    found = pilot(store.consortia)
    clock.advance(datetime(2026, 9, 1, 9, tzinfo=UTC) - clock.peek())
    store.consortia.plan_need(
        found.consortium_id,
        year=2027,
        category=NeedCategory.RUNNING_COSTS,
        amount=Money(Decimal("120000.00")),
        reason=None,
        caller=PM,
    )
    return found


def as_user(app: Flask, store: Store, email: str, language: Language = Language.EN) -> FlaskClient:
    """A client logged in as the account (opened if need be, reading ``language``)."""
    client = app.test_client()
    issue_token(store, email, language=language)
    logged_in(client, store, email)
    return client


def send(client: FlaskClient, page: str, path: str, data: dict[str, str]) -> tuple[int, str]:
    """Send a form with the CSRF token of the page it is on."""
    found = _TOKEN.search(client.get(page).get_data(as_text=True))
    assert found is not None, f"no form on {page}"
    answer = client.post(path, data={**data, "csrf_token": found.group(1)})
    return answer.status_code, answer.get_data(as_text=True)


def entry(solution: Pilot) -> str:
    return f"/catalogus/{solution.consortium_id}"


def ask(client: FlaskClient, solution: Pilot, **changes: str) -> tuple[int, str]:
    return send(client, entry(solution), f"{entry(solution)}/adopt", {**ASK, **changes})


def test_an_officer_asks_and_then_sees_the_request_pending_instead_of_the_form(
    app: Flask, store: Store, solution: Pilot
) -> None:
    officer = as_user(app, store, OFFICER)
    assert 'action="/catalogus/' in officer.get(entry(solution)).get_data(as_text=True)
    assert ask(officer, solution)[0] == 302
    page = officer.get(entry(solution)).get_data(as_text=True)
    assert "waits for the programme manager" in page
    assert f'action="{entry(solution)}/adopt"' not in page
    (asked,) = store.consortia.adoption_requests(solution.consortium_id, PM)
    assert (asked.population, asked.province and asked.province.value) == (50_000, "utrecht")


def test_the_errors_are_summarised_at_the_top_with_links_to_their_fields(
    app: Flask, store: Store, solution: Pilot
) -> None:
    officer = as_user(app, store, OFFICER)
    status, page = ask(officer, solution, population="veel", contact_email="")
    assert status == 422
    summary = page.split('id="error-summary-title"')[1].split("</ul>")[0]
    assert 'href="#population"' in summary
    assert 'href="#contact_email"' in summary
    assert "Enter a whole number, such as 65.000." in summary


def test_the_errors_speak_dutch_to_a_dutch_officer(
    app: Flask, store: Store, solution: Pilot
) -> None:
    officer = as_user(app, store, OFFICER, language=Language.NL)
    status, page = ask(officer, solution, population="0")
    assert status == 422
    assert "Verbeter het volgende" in page
    assert "Vul een aantal inwoners in." in page


def test_someone_with_a_role_in_the_consortium_gets_no_form(
    app: Flask, store: Store, solution: Pilot
) -> None:
    pm = as_user(app, store, PM.actor)
    page = pm.get(entry(solution)).get_data(as_text=True)
    assert "You hold a role in this consortium" in page
    assert f'action="{entry(solution)}/adopt"' not in page


def test_a_visitor_not_logged_in_is_asked_to_log_in_first(
    client: FlaskClient, solution: Pilot
) -> None:
    page = client.get(entry(solution), headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Log in to ask to adopt it" in page
    status, _ = send(client, entry(solution), f"{entry(solution)}/adopt", ASK)
    assert status == 302  # to the login page


def test_the_manager_approves_and_the_adopter_sees_its_next_year(
    app: Flask, store: Store, solution: Pilot
) -> None:
    officer = as_user(app, store, OFFICER)
    ask(officer, solution)
    pm = as_user(app, store, PM.actor)
    c = f"/consortia/{solution.consortium_id}"
    assert "waiting for your decision: 1" in pm.get(c).get_data(as_text=True)
    (asked,) = store.consortia.adoption_requests(solution.consortium_id, PM)
    approve = f"{c}/adoption-requests/{asked.id}/approve"
    assert "Let Gemeente Houten (50,000 inhabitants)" in pm.get(approve).get_data(as_text=True)
    assert send(pm, approve, approve, {})[0] == 302
    preview = store.consortia.preview_shares(
        solution.consortium_id,
        PM,
        year=2027,
        amount=None,
        candidate_population=None,
        candidate_weight=None,
    )
    (houten,) = [s for s in preview.shares if s.member_id not in solution.member_ids]
    share = f"€{houten.amount.amount:,.2f}"
    for page in (officer.get("/me"), officer.get(c)):
        text = page.get_data(as_text=True)
        assert "Your share for 2027" in text
        assert share in text.replace("\xa0", "")
        assert "by version 2 of the cost-sharing key" in text
        assert "Your first checkpoint" in text
        assert "Het loket werkt" in text.split('id="next-year"')[1]


def test_the_manager_declines_with_a_reason_the_officer_reads(
    app: Flask, store: Store, solution: Pilot
) -> None:
    officer = as_user(app, store, OFFICER)
    ask(officer, solution)
    pm = as_user(app, store, PM.actor)
    (asked,) = store.consortia.adoption_requests(solution.consortium_id, PM)
    decline = f"/consortia/{solution.consortium_id}/adoption-requests/{asked.id}/decline"
    status, page = send(pm, decline, decline, {"reason": ""})
    assert status == 422
    assert 'href="#reason"' in page
    assert send(pm, decline, decline, {"reason": "Eerst de pilot afronden"})[0] == 302
    page_text = officer.get(entry(solution)).get_data(as_text=True)
    assert "was declined: Eerst de pilot afronden" in page_text
    assert f'action="{entry(solution)}/adopt"' in page_text  # it may ask again
