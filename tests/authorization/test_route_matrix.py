"""Every route of the API, for every kind of caller, answers the status the rules promise.

The routes come from the Flask URL map: a new route without an entry here fails
``test_every_api_route_has_an_entry_in_the_matrix``, so no endpoint escapes authorization.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask

from events.bootstrap import Store
from events.caller import Caller
from tests.authorization.world import ROLES, World, email

Expect = dict[str, int]

READ: Expect = {
    "admin": 200,
    "pm": 200,
    "rep": 200,
    "funder": 200,
    "other_pm": 404,
    "outsider": 404,
}
EVERYONE: Expect = dict.fromkeys(ROLES[1:], 200)


def manage(ok: int) -> Expect:
    return {"admin": ok, "pm": ok, "rep": 403, "funder": 403, "other_pm": 404, "outsider": 404}


def for_own_member(ok: int) -> Expect:
    return {"admin": ok, "pm": ok, "rep": ok, "funder": 403, "other_pm": 404, "outsider": 404}


def for_other_member(ok: int) -> Expect:
    return {**for_own_member(ok), "rep": 403}


def admin_only(ok: int) -> Expect:
    return {role: ok if role == "admin" else 403 for role in ROLES[1:]}


def own_account(ok: int) -> Expect:
    """Routes of the representative's own account: itself and administrators, 404 for others."""
    return {role: ok if role in ("admin", "rep") else 404 for role in ROLES[1:]}


@dataclass(frozen=True)
class Case:
    """``public``: the route takes no bearer token, and answers every caller this status.
    ``headers``: what the request sends instead of the role's bearer token."""

    method: str
    rule: str
    path: Callable[[World], str]
    expect: Expect
    body: Callable[[World], Any] | None = None
    public: int | None = None
    headers: Callable[[Store, World], dict[str, str]] | None = None

    @property
    def name(self) -> str:
        return f"{self.method} {self.rule}"


def c(w: World) -> str:
    return f"/api/v1/consortia/{w.consortium}"


def in_consortium(suffix: str) -> Callable[[World], str]:
    """The path of the world's consortium with that suffix."""
    return lambda w: f"{c(w)}/{suffix}"


def fixed(path: str) -> Callable[[World], str]:
    return lambda w: path


PASSWORD = "correct horse battery staple"


def rep_password(store: Store, w: World) -> dict[str, str]:
    """HTTP Basic with the representative's e-mail address and a password set for it now."""
    system = Caller.system("cli:test", "setup")
    store.accounts.set_password(w.accounts["rep"], PASSWORD, caller=system)
    pair = base64.b64encode(f"{email('rep')}:{PASSWORD}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


CASES = [
    Case("GET", "/api/v1/openapi.json", lambda w: "/api/v1/openapi.json", EVERYONE, public=200),
    Case("GET", "/api/v1/me", lambda w: "/api/v1/me", EVERYONE),
    Case("GET", "/api/v1/consortia", lambda w: "/api/v1/consortia", EVERYONE),
    Case(
        "POST",
        "/api/v1/consortia",
        lambda w: "/api/v1/consortia",
        {**admin_only(201), "pm": 201, "other_pm": 201},
        body=lambda w: {"name": "Nieuw", "challenge": "Iets"},
    ),
    Case("GET", "/api/v1/consortia/<uuid:consortium_id>", c, READ),
    Case(
        "POST",
        "/api/v1/consortia/<uuid:consortium_id>/phase",
        lambda w: f"{c(w)}/phase",
        manage(200),
        body=lambda w: {"phase": "pilot"},
    ),
    Case(
        "GET", "/api/v1/consortia/<uuid:consortium_id>/members", lambda w: f"{c(w)}/members", READ
    ),
    Case(
        "POST",
        "/api/v1/consortia/<uuid:consortium_id>/members",
        lambda w: f"{c(w)}/members",
        manage(201),
        body=lambda w: {"party": "Gemeente Houten", "sector": "municipality", "role": "partner"},
    ),
    Case(
        "GET",
        "/api/v1/consortia/<uuid:consortium_id>/members/<uuid:member_id>",
        lambda w: f"{c(w)}/members/{w.member}",
        READ,
    ),
    Case(
        "POST",
        "/api/v1/consortia/<uuid:consortium_id>/members/<uuid:member_id>/leave",
        lambda w: f"{c(w)}/members/{w.other_member}/leave",
        manage(200),
        body=lambda w: {"reason": "Einde deelname"},
    ),
    Case(
        "GET",
        "/api/v1/consortia/<uuid:consortium_id>/commitments",
        lambda w: f"{c(w)}/commitments",
        READ,
    ),
    Case(
        "POST",
        "/api/v1/consortia/<uuid:consortium_id>/commitments",
        lambda w: f"{c(w)}/commitments",
        for_own_member(201),
        body=lambda w: {"member_id": str(w.member), "year": 2027, "amount": "2500.00"},
    ),
    Case(
        "GET",
        "/api/v1/consortia/<uuid:consortium_id>/commitments/<uuid:commitment_id>",
        lambda w: f"{c(w)}/commitments/{w.commitment}",
        READ,
    ),
    Case(
        "GET",
        "/api/v1/consortia/<uuid:consortium_id>/contributions",
        lambda w: f"{c(w)}/contributions",
        READ,
    ),
    Case(
        "POST",
        "/api/v1/consortia/<uuid:consortium_id>/contributions",
        lambda w: f"{c(w)}/contributions",
        for_own_member(201),
        body=lambda w: {
            "member_id": str(w.member),
            "kind": "cash",
            "amount": "250.00",
            "date": "2026-03-01",
        },
    ),
    Case(
        "GET",
        "/api/v1/consortia/<uuid:consortium_id>/contributions/<uuid:contribution_id>",
        lambda w: f"{c(w)}/contributions/{w.contribution}",
        READ,
    ),
    Case(
        "GET",
        "/api/v1/consortia/<uuid:consortium_id>/contributions/<uuid:contribution_id>/reversal",
        lambda w: f"{c(w)}/contributions/{w.reversed_contribution}/reversal",
        READ,
    ),
    Case(
        "POST",
        "/api/v1/consortia/<uuid:consortium_id>/contributions/<uuid:contribution_id>/reversal",
        lambda w: f"{c(w)}/contributions/{w.contribution}/reversal",
        for_own_member(201),
        body=lambda w: {"reason": "Verkeerd bedrag"},
    ),
    Case(
        "GET",
        "/api/v1/consortia/<uuid:consortium_id>/expenditures",
        lambda w: f"{c(w)}/expenditures",
        READ,
    ),
    Case(
        "POST",
        "/api/v1/consortia/<uuid:consortium_id>/expenditures",
        lambda w: f"{c(w)}/expenditures",
        manage(201),
        body=lambda w: {"amount": "50.00", "date": "2026-03-01", "description": "Zaalhuur"},
    ),
    Case(
        "GET",
        "/api/v1/consortia/<uuid:consortium_id>/expenditures/<uuid:expenditure_id>",
        lambda w: f"{c(w)}/expenditures/{w.expenditure}",
        READ,
    ),
    Case(
        "POST",
        "/api/v1/consortia/<uuid:consortium_id>/cost-sharing",
        lambda w: f"{c(w)}/cost-sharing",
        READ,
        body=lambda w: {"amount": "1000.00", "key": "population"},
    ),
    Case("GET", "/api/v1/consortia/<uuid:consortium_id>/budget", lambda w: f"{c(w)}/budget", READ),
    *(
        Case(
            "GET",
            f"/api/v1/consortia/<uuid:consortium_id>/{name}",
            in_consortium(name),
            READ,
        )
        for name in ("budget.csv", "budget.xlsx", "ledger.csv", "ledger.xlsx")
    ),
    *(
        Case("GET", f"/api/v1/consortia/{name}", fixed(f"/api/v1/consortia/{name}"), EVERYONE)
        for name in ("budget.csv", "budget.xlsx", "ledger.csv", "ledger.xlsx")
    ),
    Case(
        "GET",
        "/api/v1/consortia/<uuid:consortium_id>/budget/trace",
        lambda w: f"{c(w)}/budget/trace?figure=received",
        READ,
    ),
    Case("GET", "/api/v1/consortia/<uuid:consortium_id>/needs", lambda w: f"{c(w)}/needs", READ),
    Case(
        "POST",
        "/api/v1/consortia/<uuid:consortium_id>/needs",
        lambda w: f"{c(w)}/needs",
        manage(201),
        body=lambda w: {"year": 2027, "category": "running_costs", "amount": "12000.00"},
    ),
    Case(
        "GET",
        "/api/v1/consortia/<uuid:consortium_id>/financing",
        lambda w: f"{c(w)}/financing",
        READ,
    ),
    Case(
        "PUT",
        "/api/v1/consortia/<uuid:consortium_id>/financing/watch",
        lambda w: f"{c(w)}/financing/watch",
        manage(200),
        body=lambda w: {"years_ahead": 3, "gap_threshold": "1000.00"},
    ),
    Case("GET", "/api/v1/consortia/<uuid:consortium_id>/events", lambda w: f"{c(w)}/events", READ),
    Case("GET", "/api/v1/consortia/<uuid:consortium_id>/roles", lambda w: f"{c(w)}/roles", READ),
    Case(
        "POST",
        "/api/v1/consortia/<uuid:consortium_id>/roles",
        lambda w: f"{c(w)}/roles",
        manage(201),
        body=lambda w: {"account": email("outsider"), "role": "funder"},
    ),
    Case(
        "GET",
        "/api/v1/consortia/<uuid:consortium_id>/roles/<uuid:grant_id>",
        lambda w: f"{c(w)}/roles/{w.grant}",
        READ,
    ),
    Case(
        "POST",
        "/api/v1/consortia/<uuid:consortium_id>/roles/<uuid:grant_id>/revoke",
        lambda w: f"{c(w)}/roles/{w.grant}/revoke",
        manage(200),
    ),
    Case(
        "GET",
        "/api/v1/consortia/<uuid:consortium_id>/invitations",
        lambda w: f"{c(w)}/invitations",
        manage(200),
    ),
    Case(
        "POST",
        "/api/v1/consortia/<uuid:consortium_id>/invitations",
        lambda w: f"{c(w)}/invitations",
        manage(201),
        body=lambda w: {"email": "nieuw@consortium.example", "role": "funder"},
    ),
    Case(
        "GET",
        "/api/v1/consortia/<uuid:consortium_id>/invitations/<uuid:invitation_id>",
        lambda w: f"{c(w)}/invitations/{w.invitation}",
        manage(200),
    ),
    Case(
        "GET",
        "/api/v1/invitations/<string:token>",
        lambda w: f"/api/v1/invitations/{w.invitation_secret}",
        EVERYONE,
        public=200,
    ),
    Case(
        "POST",
        "/api/v1/invitations/<string:token>/accept",
        lambda w: f"/api/v1/invitations/{w.invitation_secret}/accept",
        EVERYONE,
        body=lambda w: {"password": PASSWORD},
        public=200,
    ),
    Case(
        "POST",
        "/api/v1/tokens",
        lambda w: "/api/v1/tokens",
        EVERYONE,
        body=lambda w: {"name": "laptop"},
        public=201,
        headers=rep_password,
    ),
    Case(
        "GET",
        "/api/v1/members/<string:party>/money",
        lambda w: "/api/v1/members/Gemeente%20Utrecht/money",
        READ,  # a party in no consortium one may see is unknown (404, with no suggestion)
    ),
    Case("GET", "/api/v1/checkpoints", lambda w: "/api/v1/checkpoints", EVERYONE),
    Case("GET", "/api/v1/checkpoints.ics", lambda w: "/api/v1/checkpoints.ics", EVERYONE),
    Case(
        "GET",
        "/api/v1/consortia/<uuid:consortium_id>/calendar.ics",
        lambda w: f"{c(w)}/calendar.ics",
        READ,
    ),
    Case(
        "GET",
        "/api/v1/consortia/<uuid:consortium_id>/milestones",
        lambda w: f"{c(w)}/milestones",
        READ,
    ),
    Case(
        "POST",
        "/api/v1/consortia/<uuid:consortium_id>/milestones",
        lambda w: f"{c(w)}/milestones",
        manage(201),
        body=lambda w: {"title": "Opschaling", "due_date": "2026-09-01", "tranche": "500.00"},
    ),
    Case(
        "GET",
        "/api/v1/consortia/<uuid:consortium_id>/milestones/<uuid:milestone_id>",
        lambda w: f"{c(w)}/milestones/{w.milestone}",
        READ,
    ),
    Case(
        "POST",
        "/api/v1/consortia/<uuid:consortium_id>/milestones/<uuid:milestone_id>/replan",
        lambda w: f"{c(w)}/milestones/{w.milestone}/replan",
        manage(200),
        body=lambda w: {"due_date": "2026-04-15", "reason": "Zomervakantie"},
    ),
    Case(
        "GET",
        "/api/v1/consortia/<uuid:consortium_id>/milestones/<uuid:milestone_id>/evaluations",
        lambda w: f"{c(w)}/milestones/{w.redone_milestone}/evaluations",
        READ,
    ),
    Case(
        "POST",
        "/api/v1/consortia/<uuid:consortium_id>/milestones/<uuid:milestone_id>/evaluations",
        lambda w: f"{c(w)}/milestones/{w.milestone}/evaluations",
        manage(201),
        body=lambda w: {
            "answers": [
                {"question": q, "answer": "yes"} for q in ("works", "next_step", "infrastructure")
            ],
            "decision": "go",
        },
    ),
    Case(
        "GET",
        "/api/v1/consortia/<uuid:consortium_id>/milestones/<uuid:milestone_id>/evaluations/<int:number>",
        lambda w: f"{c(w)}/milestones/{w.redone_milestone}/evaluations/1",
        READ,
    ),
    Case(
        "GET",
        "/api/v1/consortia/<uuid:consortium_id>/reminders",
        lambda w: f"{c(w)}/reminders",
        READ,
    ),
    Case(
        "GET",
        "/api/v1/consortia/<uuid:consortium_id>/reminder-policy",
        lambda w: f"{c(w)}/reminder-policy",
        READ,
    ),
    Case(
        "PUT",
        "/api/v1/consortia/<uuid:consortium_id>/reminder-policy",
        lambda w: f"{c(w)}/reminder-policy",
        manage(200),
        body=lambda w: {"offsets": [21, 7, 1], "escalate_to_funders": True},
    ),
    Case(
        "GET",
        "/api/v1/consortia/<uuid:consortium_id>/webhook",
        lambda w: f"{c(w)}/webhook",
        manage(200),
    ),
    Case(
        "PUT",
        "/api/v1/consortia/<uuid:consortium_id>/webhook",
        lambda w: f"{c(w)}/webhook",
        manage(200),
        body=lambda w: {"url": "https://hooks.example.org/v2"},
    ),
    Case(
        "DELETE",
        "/api/v1/consortia/<uuid:consortium_id>/webhook",
        lambda w: f"{c(w)}/webhook",
        manage(204),
    ),
    Case("GET", "/api/v1/read-model", lambda w: "/api/v1/read-model", admin_only(200)),
    Case(
        "GET",
        "/api/v1/consortia/<uuid:consortium_id>/events.jsonl",
        lambda w: f"{c(w)}/events.jsonl",
        {**manage(200), "funder": 200},
    ),
    Case(
        "GET",
        "/api/v1/audit/public-key",
        lambda w: "/api/v1/audit/public-key",
        EVERYONE,
        public=200,
    ),
    Case(
        "GET",
        "/api/v1/audit/verifier.py",
        lambda w: "/api/v1/audit/verifier.py",
        EVERYONE,
        public=200,
    ),
    Case("GET", "/api/v1/audit/verify", lambda w: "/api/v1/audit/verify", admin_only(200)),
    Case(
        "GET",
        "/api/v1/accounts/<uuid:account_id>/history",
        lambda w: f"/api/v1/accounts/{w.accounts['rep']}/history",
        admin_only(200),
    ),
    Case("GET", "/api/v1/accounts", lambda w: "/api/v1/accounts", admin_only(200)),
    Case(
        "POST",
        "/api/v1/accounts",
        lambda w: "/api/v1/accounts",
        admin_only(201),
        body=lambda w: {"email": "nieuw@consortium.example"},
    ),
    Case(
        "GET",
        "/api/v1/accounts/<uuid:account_id>",
        lambda w: f"/api/v1/accounts/{w.accounts['rep']}",
        own_account(200),
    ),
    Case(
        "PATCH",
        "/api/v1/accounts/<uuid:account_id>",
        lambda w: f"/api/v1/accounts/{w.accounts['rep']}",
        own_account(200),
        body=lambda w: {"name": "Ria Representant", "language": "en"},
    ),
    Case(
        "PUT",
        "/api/v1/accounts/<uuid:account_id>/password",
        lambda w: f"/api/v1/accounts/{w.accounts['rep']}/password",
        own_account(204),
        body=lambda w: {"password": "correct horse battery staple"},
    ),
    Case(
        "GET",
        "/api/v1/accounts/<uuid:account_id>/tokens",
        lambda w: f"/api/v1/accounts/{w.accounts['rep']}/tokens",
        own_account(200),
    ),
    Case(
        "POST",
        "/api/v1/accounts/<uuid:account_id>/tokens",
        lambda w: f"/api/v1/accounts/{w.accounts['rep']}/tokens",
        own_account(201),
        body=lambda w: {"name": "laptop", "expires_in_days": 30},
    ),
    # -- adoption (issue 17): the catalogue is public; asking is for accounts without a role
    Case("GET", "/api/v1/catalogue", lambda w: "/api/v1/catalogue", EVERYONE, public=200),
    Case(
        "GET",
        "/api/v1/catalogue/<uuid:consortium_id>",
        lambda w: f"/api/v1/catalogue/{w.consortium}",
        EVERYONE,
        public=200,
    ),
    Case(
        "GET",
        "/api/v1/consortia/<uuid:consortium_id>/publication",
        lambda w: f"{c(w)}/publication",
        READ,
    ),
    Case(
        "PUT",
        "/api/v1/consortia/<uuid:consortium_id>/publication",
        lambda w: f"{c(w)}/publication",
        manage(200),
        body=lambda w: {"parts": ["challenge", "results"]},
    ),
    Case(
        "GET",
        "/api/v1/consortia/<uuid:consortium_id>/adoption-requests",
        lambda w: f"{c(w)}/adoption-requests",
        manage(200),
    ),
    Case(
        "POST",
        "/api/v1/consortia/<uuid:consortium_id>/adoption-requests",
        lambda w: f"{c(w)}/adoption-requests",
        # Anyone without a role in C may ask; those with one are refused.
        {"admin": 201, "pm": 403, "rep": 403, "funder": 403, "other_pm": 201, "outsider": 201},
        body=lambda w: {
            "party": "Gemeente Houten",
            "population": 50_000,
            "contact_email": "officer@houten.example",
        },
    ),
    Case(
        "GET",
        "/api/v1/consortia/<uuid:consortium_id>/adoption-requests/<uuid:adoption_id>",
        lambda w: f"{c(w)}/adoption-requests/{w.adoption_request}",
        manage(200),
    ),
    Case(
        "POST",
        "/api/v1/consortia/<uuid:consortium_id>/adoption-requests/<uuid:adoption_id>/approval",
        lambda w: f"{c(w)}/adoption-requests/{w.adoption_request}/approval",
        manage(200),
    ),
    Case(
        "POST",
        "/api/v1/consortia/<uuid:consortium_id>/adoption-requests/<uuid:adoption_id>/decline",
        lambda w: f"{c(w)}/adoption-requests/{w.adoption_request}/decline",
        manage(200),
        body=lambda w: {"reason": "Eerst de aanbesteding afronden"},
    ),
    Case(
        "GET",
        "/api/v1/consortia/<uuid:consortium_id>/cost-sharing",
        lambda w: f"{c(w)}/cost-sharing?candidate_population=50000",
        READ,
    ),
    Case(
        "POST",
        "/api/v1/consortia/<uuid:consortium_id>/cost-sharing/versions",
        lambda w: f"{c(w)}/cost-sharing/versions",
        manage(201),
        body=lambda w: {"key": "equal", "reason": "Gelijk delen"},
    ),
    Case(
        "POST",
        "/api/v1/consortia/<uuid:consortium_id>/cost-sharing/pledges",
        lambda w: f"{c(w)}/cost-sharing/pledges",
        manage(201),
        body=lambda w: {"year": 2027, "amount": "1000.00"},
    ),
    Case(
        "GET",
        "/api/v1/accounts/<uuid:account_id>/tokens/<uuid:token_id>",
        lambda w: f"/api/v1/accounts/{w.accounts['rep']}/tokens/{w.spare_token}",
        own_account(200),
    ),
    Case(
        "POST",
        "/api/v1/accounts/<uuid:account_id>/tokens/<uuid:token_id>/revoke",
        lambda w: f"/api/v1/accounts/{w.accounts['rep']}/tokens/{w.spare_token}/revoke",
        own_account(200),
    ),
]

# Extra cases: the same route under another rule (not counted for coverage).
RULE_CASES = [
    # A bearer token never makes another token by this route: it takes a password only.
    Case(
        "POST",
        "/api/v1/tokens",
        lambda w: "/api/v1/tokens",
        EVERYONE,
        body=lambda w: {},
        public=401,
    ),
    Case(
        "POST",
        "/api/v1/consortia/<uuid:consortium_id>/commitments",
        lambda w: f"{c(w)}/commitments",
        for_other_member(201),
        body=lambda w: {"member_id": str(w.other_member), "year": 2027, "amount": "2500.00"},
    ),
    Case(
        "POST",
        "/api/v1/consortia/<uuid:consortium_id>/contributions",
        lambda w: f"{c(w)}/contributions",
        for_other_member(201),
        body=lambda w: {
            "member_id": str(w.other_member),
            "kind": "cash",
            "amount": "250.00",
            "date": "2026-03-01",
        },
    ),
    Case(
        "POST",
        "/api/v1/consortia/<uuid:consortium_id>/cost-sharing",
        lambda w: f"{c(w)}/cost-sharing",
        manage(201),
        body=lambda w: {"amount": "1000.00", "key": "population", "commit_year": 2027},
    ),
]


def api_routes(app: Flask) -> set[str]:
    return {
        f"{method} {rule.rule}"
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }


def test_every_api_route_has_an_entry_in_the_matrix(app: Flask) -> None:
    assert api_routes(app) == {case.name for case in CASES}


def _request(app: Flask, store: Store, world: World, case: Case, role: str) -> int:
    headers = {} if role == "anonymous" else {"Authorization": f"Bearer {world.tokens[role]}"}
    if case.headers is not None:
        headers = case.headers(store, world)
    body = case.body(world) if case.body else None
    response = app.test_client().open(
        case.path(world), method=case.method, json=body, headers=headers
    )
    return response.status_code


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES + RULE_CASES, ids=lambda case: case.name)
def test_route_answers_each_role_as_the_rules_say(
    app: Flask, store: Store, world: World, case: Case, role: str
) -> None:
    if case.public is not None:
        expected = case.public
    else:
        expected = 401 if role == "anonymous" else case.expect[role]
    assert _request(app, store, world, case, role) == expected
