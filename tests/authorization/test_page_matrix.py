"""Every page route, for every kind of visitor, answers the status the rules promise: the same
rules as the API's (tests/authorization/test_route_matrix.py), with a page's ways of saying so:
a visitor who is not logged in is sent to the login page (302), a form sent successfully
redirects (302), and a consortium one may not see is not there (404).

The routes come from the Flask URL map: a new page without an entry here fails
``test_every_page_route_has_an_entry_in_the_matrix``."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from events.bootstrap import Store
from events.caller import Caller
from tests.authorization.test_route_matrix import READ, Expect, fixed, for_own_member, manage
from tests.authorization.world import ROLES, World, email

EVERYONE: Expect = dict.fromkeys(ROLES[1:], 200)
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass(frozen=True)
class Case:
    method: str
    rule: str
    path: Callable[[World], str]
    expect: Expect
    form: Callable[[World], dict[str, str]] | None = None

    @property
    def name(self) -> str:
        return f"{self.method} {self.rule}"


def c(w: World) -> str:
    return f"/consortia/{w.consortium}"


def in_consortium(suffix: str) -> Callable[[World], str]:
    """The page of the world's consortium with that suffix."""
    return lambda w: f"{c(w)}/{suffix}"


def contribution(w: World) -> dict[str, str]:
    return {
        "member_id": str(w.member),
        "kind": "cash",
        "amount": "250,00",
        "date": "01-03-2026",
        "once": uuid.uuid4().hex,
    }


CASES = [
    Case("GET", "/", lambda w: "/", EVERYONE),
    Case("GET", "/me", lambda w: "/me", EVERYONE),
    # Everyone may renew or close their own calendar address (and no one else's: no id here).
    Case("POST", "/me/calendar", lambda w: "/me/calendar", dict.fromkeys(ROLES[1:], 302)),
    Case(
        "POST", "/me/calendar/close", lambda w: "/me/calendar/close", dict.fromkeys(ROLES[1:], 302)
    ),
    Case("GET", "/consortia/<uuid:consortium_id>", c, READ),
    Case("GET", "/consortia/<uuid:consortium_id>/budget", lambda w: f"{c(w)}/budget", READ),
    *(
        Case("GET", f"/consortia/<uuid:consortium_id>/{name}", in_consortium(name), READ)
        for name in ("budget.csv", "budget.xlsx", "ledger.csv", "ledger.xlsx")
    ),
    *(
        Case("GET", f"/{name}", fixed(f"/{name}"), EVERYONE)
        for name in ("budget.csv", "budget.xlsx", "ledger.csv", "ledger.xlsx")
    ),
    Case(
        "GET",
        "/consortia/<uuid:consortium_id>/budget/trace",
        lambda w: f"{c(w)}/budget/trace?figure=committed",
        READ,
    ),
    Case(
        "GET",
        "/consortia/<uuid:consortium_id>/contributions",
        lambda w: f"{c(w)}/contributions",
        READ,
    ),
    Case(
        "GET",
        "/consortia/<uuid:consortium_id>/contributions/new",
        lambda w: f"{c(w)}/contributions/new",
        for_own_member(200),
    ),
    Case(
        "POST",
        "/consortia/<uuid:consortium_id>/contributions/new",
        lambda w: f"{c(w)}/contributions/new",
        for_own_member(302),
        form=contribution,
    ),
    Case(
        "GET",
        "/consortia/<uuid:consortium_id>/commitments/new",
        lambda w: f"{c(w)}/commitments/new",
        for_own_member(200),
    ),
    Case(
        "POST",
        "/consortia/<uuid:consortium_id>/commitments/new",
        lambda w: f"{c(w)}/commitments/new",
        for_own_member(302),
        form=lambda w: {
            "member_id": str(w.member),
            "pledge_2027_cash": "2.500,00",
            "once": uuid.uuid4().hex,
        },
    ),
    Case(
        "GET",
        "/consortia/<uuid:consortium_id>/expenditures/new",
        lambda w: f"{c(w)}/expenditures/new",
        manage(200),
    ),
    Case(
        "POST",
        "/consortia/<uuid:consortium_id>/expenditures/new",
        lambda w: f"{c(w)}/expenditures/new",
        manage(302),
        form=lambda w: {
            "amount": "100,00",
            "date": "01-03-2026",
            "description": "Zaal",
            "once": uuid.uuid4().hex,
        },
    ),
    Case(
        "GET",
        "/consortia/<uuid:consortium_id>/contributions/<uuid:contribution_id>/reversal",
        lambda w: f"{c(w)}/contributions/{w.contribution}/reversal",
        for_own_member(200),
    ),
    Case(
        "POST",
        "/consortia/<uuid:consortium_id>/contributions/<uuid:contribution_id>/reversal",
        lambda w: f"{c(w)}/contributions/{w.contribution}/reversal",
        for_own_member(302),
        form=lambda w: {"reason": "Dubbel geboekt"},
    ),
]

CASES += [
    Case(
        "GET",
        "/consortia/<uuid:consortium_id>/milestones/<uuid:milestone_id>/evaluation",
        lambda w: f"{c(w)}/milestones/{w.milestone}/evaluation",
        manage(200),
    ),
    Case(
        "POST",
        "/consortia/<uuid:consortium_id>/milestones/<uuid:milestone_id>/evaluation",
        lambda w: f"{c(w)}/milestones/{w.milestone}/evaluation",
        manage(302),
        form=lambda w: {"answer_0": "yes", "answer_1": "yes", "answer_2": "yes", "decision": "go"},
    ),
]

CASES += [
    Case("GET", "/consortia/<uuid:consortium_id>/members/new", lambda w: f"{c(w)}/members/new",
         manage(200)),
    Case("POST", "/consortia/<uuid:consortium_id>/members/new", lambda w: f"{c(w)}/members/new",
         manage(302),
         form=lambda w: {"party": "Gemeente Bunnik", "sector": "municipality", "role": "adopter"}),
    Case("GET", "/consortia/<uuid:consortium_id>/milestones/new",
         lambda w: f"{c(w)}/milestones/new", manage(200)),
    Case("POST", "/consortia/<uuid:consortium_id>/milestones/new",
         lambda w: f"{c(w)}/milestones/new", manage(302),
         form=lambda w: {"title": "Tweede proef", "due_date": "01-06-2026"}),
]  # fmt: skip

CASES += [
    Case("GET", "/consortia/<uuid:consortium_id>/milestones/<uuid:milestone_id>/replan",
         lambda w: f"{c(w)}/milestones/{w.milestone}/replan", manage(200)),
    Case("POST", "/consortia/<uuid:consortium_id>/milestones/<uuid:milestone_id>/replan",
         lambda w: f"{c(w)}/milestones/{w.milestone}/replan", manage(302),
         form=lambda w: {"due_date": "01-09-2026", "reason": "Zaal bezet"}),
    Case("GET", "/consortia/<uuid:consortium_id>/roles/new", lambda w: f"{c(w)}/roles/new",
         manage(200)),
    Case("POST", "/consortia/<uuid:consortium_id>/roles/new", lambda w: f"{c(w)}/roles/new",
         manage(302), form=lambda w: {"account": email("outsider"), "role": "funder"}),
    Case("GET", "/consortia/<uuid:consortium_id>/roles/<uuid:grant_id>/revoke",
         lambda w: f"{c(w)}/roles/{w.grant}/revoke", manage(200)),
    Case("POST", "/consortia/<uuid:consortium_id>/roles/<uuid:grant_id>/revoke",
         lambda w: f"{c(w)}/roles/{w.grant}/revoke", manage(302)),
    Case("GET", "/consortia/<uuid:consortium_id>/reminder-policy",
         lambda w: f"{c(w)}/reminder-policy", manage(200)),
    Case("POST", "/consortia/<uuid:consortium_id>/reminder-policy",
         lambda w: f"{c(w)}/reminder-policy", manage(302),
         form=lambda w: {"offsets": "14, 3, 0", "escalate_to_funders": "y"}),
]  # fmt: skip

# Adoption: asking from the catalogue's page (an account with no role in the consortium; the
# others hold one there: 403), and the programme manager's decision on the pending request.
ASKING: Expect = {
    "admin": 302,
    "pm": 403,
    "rep": 403,
    "funder": 403,
    "other_pm": 302,
    "outsider": 302,
}
CASES += [
    Case("POST", "/catalogus/<uuid:consortium_id>/adopt",
         lambda w: f"/catalogus/{w.consortium}/adopt", ASKING,
         form=lambda w: {"party": "Gemeente Houten", "population": "50.000",
                         "contact_email": "officer@houten.example", "province": "utrecht"}),
    Case("GET", "/consortia/<uuid:consortium_id>/adoption-requests",
         lambda w: f"{c(w)}/adoption-requests", manage(200)),
    Case("GET", "/consortia/<uuid:consortium_id>/adoption-requests/<uuid:request_id>/approve",
         lambda w: f"{c(w)}/adoption-requests/{w.adoption_request}/approve", manage(200)),
    Case("POST", "/consortia/<uuid:consortium_id>/adoption-requests/<uuid:request_id>/approve",
         lambda w: f"{c(w)}/adoption-requests/{w.adoption_request}/approve", manage(302)),
    Case("GET", "/consortia/<uuid:consortium_id>/adoption-requests/<uuid:request_id>/decline",
         lambda w: f"{c(w)}/adoption-requests/{w.adoption_request}/decline", manage(200)),
    Case("POST", "/consortia/<uuid:consortium_id>/adoption-requests/<uuid:request_id>/decline",
         lambda w: f"{c(w)}/adoption-requests/{w.adoption_request}/decline", manage(302),
         form=lambda w: {"reason": "Past niet bij de opgave"}),
]  # fmt: skip

# The same route under another rule: a representative cannot even choose another member (the
# form offers only their own: 422).
RULE_CASES = [
    Case(
        "POST",
        "/consortia/<uuid:consortium_id>/commitments/new",
        lambda w: f"{c(w)}/commitments/new",
        {**for_own_member(302), "rep": 422},
        form=lambda w: {
            "member_id": str(w.other_member),
            "pledge_2027_cash": "2.500,00",
            "once": uuid.uuid4().hex,
        },
    ),
    Case(
        "POST",
        "/consortia/<uuid:consortium_id>/contributions/new",
        lambda w: f"{c(w)}/contributions/new",
        {**for_own_member(302), "rep": 422},
        form=lambda w: {**contribution(w), "member_id": str(w.other_member)},
    ),
]

# Pages anyone may open, and what is no page (the API, static files, the API reference).
PUBLIC_RULES = {
    "GET /login",
    "POST /login",
    "POST /logout",
    "POST /language",
    # the catalogue of proven solutions (tests/adoption/test_pages.py)
    "GET /catalogus",
    "GET /catalogus/<uuid:consortium_id>",
}


def page_routes(app: Flask) -> set[str]:
    return {
        f"{method} {rule.rule}"
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("pages.")
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }


def test_every_page_route_has_an_entry_in_the_matrix(app: Flask) -> None:
    assert page_routes(app) == {case.name for case in CASES} | PUBLIC_RULES


def _logged_in(client: FlaskClient, store: Store, world: World, role: str) -> str:
    """Log the client in as that role (a page session of the account, started in the store as
    the login page does) and answer a CSRF token."""
    if role != "anonymous":
        account = store.accounts.account(world.accounts[role])
        started = store.accounts.start_session(account, caller=Caller.system("test", "login"))
        with client.session_transaction() as session:
            session["session_id"] = str(started.id)
    page = client.get("/me" if role != "anonymous" else "/login")
    found = _TOKEN.search(page.get_data(as_text=True))
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES + RULE_CASES, ids=lambda case: case.name)
def test_page_answers_each_role_as_the_rules_say(
    app: Flask, store: Store, world: World, case: Case, role: str
) -> None:
    client = app.test_client()
    token = _logged_in(client, store, world, role)
    form = {**(case.form(world) if case.form else {}), "csrf_token": token}
    if case.method == "GET":
        status = client.get(case.path(world)).status_code
    else:
        status = client.post(case.path(world), data=form).status_code
    assert status == (302 if role == "anonymous" else case.expect[role])


def test_a_second_reversal_is_refused_in_the_form(app: Flask, store: Store, world: World) -> None:
    client = app.test_client()
    token = _logged_in(client, store, world, "pm")
    answer = client.post(
        f"{c(world)}/contributions/{world.reversed_contribution}/reversal",
        data={"reason": "Nog eens", "csrf_token": token},
    )
    assert answer.status_code == 422
    assert "reversed already" in answer.get_data(as_text=True)
