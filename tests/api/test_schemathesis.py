"""The reliability suite: schemathesis calls every operation of the OpenAPI document, on SQLite
and on PostgreSQL, as an administrator (valid and invalid input, the boundary cases of every
field, every parameter of the wrong type) and as a programme manager (valid input, so that the
authorization paths answer). Every answer must keep the documented contract:

- never a 5xx; invalid input is refused with a 4xx, never accepted;
- the status is documented for the operation, or is one every operation may answer (below);
- the body matches the documented schema and content type, and documented headers are sent;
- every error is application/problem+json, with its status in the body.

Path parameters schemathesis makes up well-formed are replaced by ids of existing resources (a
small world: tests/authorization/world.py), and so are the member and the account a valid body
names, so that operations act on real data instead of answering 404 or 422; malformed ones are
kept and meet the router or the schema. The cases are derandomized: a failure comes back on the
next run with the same input. Each xdist worker builds the world once per backend, and the
operations it runs share it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

import pytest
import schemathesis
from flask import Flask
from schemathesis import BaseSchema, Case, CheckContext, GenerationMode, Response
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
)

from consortium.members import MemberRole, Sector
from events.bootstrap import Store, open_store
from events.caller import Caller
from tests.api.support import OPENAPI, PROBLEM_JSON, PROBLEM_MEMBERS
from tests.authorization.world import build_world, email
from tests.backends import postgres_schema, sqlite_file
from tests.clock import StepClock
from web.app import create_app
from web.config import WebSettings

# schemathesis's Case is generic in its operation, which holds four types of its own.
ApiCase = Case[Any]

# Answered before any view runs (web/auth.py, web/body.py, web/problems.py), so by every
# operation; the document gives them once, as each operation's `default` problem response.
ANY_OPERATION: Final = frozenset({400, 401, 413, 415, 429, 503})
# These operations end something (a phase, a membership, a checkpoint): they act on a
# consortium of their own, so that the world's consortium stays open for the others.
ENDING: Final = frozenset(
    {
        "POST /api/v1/consortia/{consortium_id}/phase",
        "POST /api/v1/consortia/{consortium_id}/members/{member_id}/leave",
        "POST /api/v1/consortia/{consortium_id}/milestones/{milestone_id}/evaluations",
    }
)


def make_app(store: Store) -> Flask:
    # A valid token is never counted by the failed-login limiter, but a case that sends none
    # is: with a limit no run can reach, a 429 never hides what the operation answers.
    return create_app(
        store=store,
        settings=WebSettings(secret_key="test", base_url="http://testserver"),
        config={"FAILED_AUTH_LIMIT": "1000000 per second", "RATELIMIT_STORAGE_URI": "memory://"},
    )


def served_document() -> dict[str, Any]:
    """The OpenAPI document as the app serves it (it does not depend on the store)."""
    with tempfile.TemporaryDirectory() as directory, sqlite_file(Path(directory)) as settings:
        store = open_store(settings, StepClock())
        try:
            document = make_app(store).test_client().get(OPENAPI).json
        finally:
            store.close()
    assert isinstance(document, dict)
    return document


def load(document: dict[str, Any], *, mode: str, coverage: bool) -> BaseSchema:
    config = schemathesis.Config.from_dict(
        {
            "suppress-health-check": ["too_slow", "filter_too_much"],
            "generation": {"mode": mode, "max-examples": 8, "deterministic": True},
            "phases": {"coverage": {"enabled": coverage}, "stateful": {"enabled": False}},
        }
    )
    return schemathesis.openapi.from_dict(document, config=config)


DOCUMENT: Final = served_document()
THOROUGH: Final = load(DOCUMENT, mode="all", coverage=True)
VALID_ONLY: Final = load(DOCUMENT, mode="positive", coverage=False)


@dataclass(frozen=True)
class Site:
    app: Flask
    tokens: dict[str, str]
    ids: dict[str, str]  # by the name of a path parameter
    ending_ids: dict[str, str]  # the same, for the ENDING operations
    body_ids: dict[str, str]  # by the name of a body field


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    if request.param == "postgres":
        backend = postgres_schema()
    else:
        backend = sqlite_file(tmp_path_factory.mktemp("schemathesis"))
    with backend as settings:
        store = open_store(settings, StepClock())
        try:
            yield build_site(store)
        finally:
            store.close()


def build_site(store: Store) -> Site:
    world = build_world(store)
    ids = {
        "consortium_id": world.consortium,
        "member_id": world.member,
        "commitment_id": world.commitment,
        "contribution_id": world.contribution,
        "expenditure_id": world.expenditure,
        "milestone_id": world.redone_milestone,  # it has an evaluation, number 1
        "number": 1,
        "grant_id": world.grant,
        "account_id": world.accounts["rep"],  # not the caller's own: it may be deactivated
        "token_id": world.spare_token,
        "party": "Gemeente Utrecht",
        "adoption_id": world.adoption_request,
    }
    return Site(
        app=make_app(store),
        tokens=world.tokens,
        ids={name: str(value) for name, value in ids.items()},
        ending_ids=ending_consortium(store),
        body_ids={"member_id": str(world.member), "account": email("outsider")},
    )


def ending_consortium(store: Store) -> dict[str, str]:
    """A consortium of the programme manager's with a member and an open milestone."""
    pm = Caller(email("pm"), "setup", may_found=True)
    app = store.consortia
    c = app.found(name="Slim parkeren", challenge="Minder zoekverkeer", description=None, caller=pm)
    member = app.admit_member(
        c.id,
        party="Gemeente Zeist",
        sector=Sector.MUNICIPALITY,
        role=MemberRole.LEAD,
        contact_email=None,
        population=65_000,
        caller=pm,
    )
    milestone = app.plan_milestone(
        c.id,
        title="Verkenning klaar",
        due_date=date(2026, 4, 1),
        description=None,
        questions=None,
        tranche=None,
        closes_phase=None,
        responsible_member_ids=None,
        caller=pm,
    )
    return {
        "consortium_id": str(c.id),
        "member_id": str(member.id),
        "milestone_id": str(milestone.id),
    }


def status_is_documented(ctx: CheckContext, response: Response, case: ApiCase) -> None:
    """Unlike schemathesis's own check, a `default` response does not document everything."""
    if case.method.upper() != case.operation.method.upper():
        return  # a probe with another method: the router's 405 (problems are checked below)
    documented = {int(code) for code in case.operation.responses.status_codes if code.isdigit()}
    assert response.status_code in documented | ANY_OPERATION, (
        f"{case.operation.label} answered {response.status_code}; "
        f"documented: {sorted(documented)}, and for every operation {sorted(ANY_OPERATION)}"
    )


def errors_are_problems(ctx: CheckContext, response: Response, case: ApiCase) -> None:
    if response.status_code < 400:
        return
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type.split(";")[0] == PROBLEM_JSON, f"an error answered as {content_type}"
    body = response.json()
    assert body.keys() >= PROBLEM_MEMBERS, body
    assert body["status"] == response.status_code, body


CHECKS: Final = [
    not_a_server_error,
    negative_data_rejection,
    status_is_documented,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    errors_are_problems,
]


def is_valid(case: ApiCase, location: ParameterLocation) -> bool:
    component = case.meta.components.get(location) if case.meta else None
    return component is not None and component.mode == GenerationMode.POSITIVE


def use_existing_resources(case: ApiCase, site: Site) -> None:
    if is_valid(case, ParameterLocation.PATH):
        ids = {**site.ids, **site.ending_ids} if case.operation.label in ENDING else site.ids
        case.path_parameters = {
            name: ids.get(name, value) for name, value in case.path_parameters.items()
        }
    if is_valid(case, ParameterLocation.BODY) and isinstance(case.body, dict):
        case.body = {
            name: site.body_ids.get(name, value) if value is not None else None
            for name, value in case.body.items()
        }


def call_and_check(case: ApiCase, site: Site, token: str) -> None:
    use_existing_resources(case, site)
    case.call_and_validate(
        app=site.app, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS
    )


@THOROUGH.parametrize()
def test_every_operation_keeps_its_contract_for_an_administrator(case: ApiCase, site: Site) -> None:
    call_and_check(case, site, site.tokens["admin"])


@VALID_ONLY.parametrize()
def test_every_operation_keeps_its_contract_for_a_programme_manager(
    case: ApiCase, site: Site
) -> None:
    call_and_check(case, site, site.tokens["pm"])
