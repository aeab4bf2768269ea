"""Idempotency-Key on the money-creating POSTs (SQLite and PostgreSQL): a retry with the same
key and body is answered with the first response and books nothing, also after a restart (a new
store and app on the same database) and when the retries race each other; the same key with
another body is refused (422 on the header)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from typing import Any, Final
from uuid import UUID

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from consortium.access import Role
from events.bootstrap import Store, open_store
from events.caller import Caller
from events.configuration import Settings
from events.settings import StoreSettings
from tests.budget.support import (
    IDEMPOTENCY_KEY,
    REPLAYED,
    TODAY,
    created,
    of,
    problem_of,
    version_of,
)
from tests.clock import StepClock
from tests.conftest import Api, issue_token
from tests.http import json_of
from web.app import create_app

UTRECHT: Final = "Gemeente Utrecht"

Post = Callable[[Api, dict[str, Any]], TestResponse]


def keyed(key: str) -> dict[str, dict[str, str]]:
    return {"headers": {IDEMPOTENCY_KEY: key}}


def new_app(store: Store) -> Flask:
    return create_app(store=store, settings=Settings.given(secret_key="test", base_url="http://t"))


@pytest.fixture
def funded(pm: Api, consortium_id: str, members: dict[str, str]) -> str:
    """Utrecht's 10,000 euro cash in the pool; answers that contribution's id."""
    contribution_id: str = created(
        pm.post(
            of(consortium_id, "contributions"),
            json={
                "member_id": members[UTRECHT],
                "kind": "cash",
                "amount": "10000.00",
                "date": TODAY.isoformat(),
            },
        )
    )["id"]
    return contribution_id


Request = tuple[str, dict[str, Any], dict[str, Any]]


def requests(consortium_id: str, members: dict[str, str], funded: str) -> dict[str, Request]:
    """Every money-creating POST: its address, a body, and a change that makes another valid
    request of it. In this order each is accepted (the expenditure after the contribution)."""
    utrecht = members[UTRECHT]
    return {
        "commitment": (
            of(consortium_id, "commitments"),
            {"member_id": utrecht, "year": 2027, "amount": "25000.00"},
            {"amount": "25000.01"},
        ),
        "contribution": (
            of(consortium_id, "contributions"),
            {"member_id": utrecht, "kind": "cash", "amount": "1250.00", "date": "2026-03-01"},
            {"amount": "1250.01"},
        ),
        "reversal": (
            of(consortium_id, "contributions", funded, "reversal"),
            {"reason": "Fout"},
            {"reason": "Anders"},
        ),
        "expenditure": (
            of(consortium_id, "expenditures"),
            {"amount": "400.00", "date": "2026-03-02", "description": "Inzet"},
            {"amount": "400.01"},
        ),
        "cost-shares": (
            of(consortium_id, "cost-sharing"),
            {"amount": "900.00", "key": "equal", "commit_year": 2028},
            {"amount": "900.01"},
        ),
    }


def test_a_retry_with_the_same_key_and_body_is_answered_the_first_response_and_books_nothing(
    pm: Api, consortium_id: str, members: dict[str, str], funded: str
) -> None:
    for name, (address, body, _) in requests(consortium_id, members, funded).items():
        first = pm.post(address, json=body, **keyed(f"key-{name}"))
        after_first = version_of(pm, consortium_id)
        retry = pm.post(address, json=dict(reversed(body.items())), **keyed(f"key-{name}"))

        assert first.status_code == 201, (name, first.get_data(as_text=True))
        assert REPLAYED not in first.headers, name
        assert (retry.status_code, json_of(retry)) == (201, json_of(first)), name
        assert retry.headers["Location"] == first.headers["Location"], name
        assert retry.headers[REPLAYED] == "true", name
        assert version_of(pm, consortium_id) == after_first, name


def test_the_same_key_with_another_body_is_refused_on_the_header(
    pm: Api, consortium_id: str, members: dict[str, str], funded: str
) -> None:
    for name, (address, body, change) in requests(consortium_id, members, funded).items():
        created(pm.post(address, json=body, **keyed("hergebruikt")))
        before = version_of(pm, consortium_id)

        problem = problem_of(pm.post(address, json={**body, **change}, **keyed("hergebruikt")), 422)

        assert [(e["field"], e["pointer"]) for e in problem["errors"]] == [
            (IDEMPOTENCY_KEY, f"header:{IDEMPOTENCY_KEY}")
        ], name
        assert version_of(pm, consortium_id) == before, name


@pytest.mark.parametrize("key", ["", "met spatie", "x" * 256, "sleutel-é"])
def test_a_key_is_one_to_255_visible_ascii_characters(
    pm: Api, consortium_id: str, members: dict[str, str], key: str
) -> None:
    before = version_of(pm, consortium_id)
    body = {"member_id": members[UTRECHT], "year": 2027, "amount": "1.00"}

    response = pm.post(of(consortium_id, "commitments"), json=body, **keyed(key))

    assert [e["field"] for e in problem_of(response, 422)["errors"]] == [IDEMPOTENCY_KEY]
    assert version_of(pm, consortium_id) == before


def test_a_retry_after_a_restart_is_answered_from_the_store(
    pm: Api,
    settings: StoreSettings,
    clock: StepClock,
    consortium_id: str,
    members: dict[str, str],
    funded: str,
) -> None:
    token = pm.headers["Authorization"].removeprefix("Bearer ")
    every = requests(consortium_id, members, funded)
    firsts = {
        name: pm.post(address, json=body, **keyed(f"voor-{name}"))
        for name, (address, body, _) in every.items()
    }
    before = version_of(pm, consortium_id)

    restarted = open_store(settings, clock)
    try:
        api = Api(new_app(restarted).test_client(), token)
        retries = {
            name: api.post(address, json=body, **keyed(f"voor-{name}"))
            for name, (address, body, _) in every.items()
        }
        address, body, change = every["contribution"]
        changed = api.post(address, json={**body, **change}, **keyed("voor-contribution"))
        after = version_of(api, consortium_id)
    finally:
        restarted.close()

    assert {n: r.status_code for n, r in firsts.items()} == dict.fromkeys(every, 201)
    assert {n: json_of(r) for n, r in retries.items()} == {n: json_of(r) for n, r in firsts.items()}
    assert {n: r.headers.get(REPLAYED) for n, r in retries.items()} == dict.fromkeys(every, "true")
    assert [e["field"] for e in problem_of(changed, 422)["errors"]] == [IDEMPOTENCY_KEY]
    assert after == before


def test_the_key_is_the_callers_own_and_a_refusal_is_not_remembered(
    store: Store,
    caller: Caller,
    client: FlaskClient,
    pm: Api,
    consortium_id: str,
    members: dict[str, str],
) -> None:
    store.consortia.grant_role(
        UUID(consortium_id),
        account="wethouder@utrecht.example",
        role=Role.MEMBER_REPRESENTATIVE,
        member_id=UUID(members[UTRECHT]),
        caller=caller,
    )
    representative = Api(client, issue_token(store, "wethouder@utrecht.example"))
    gift = {"member_id": members[UTRECHT], "kind": "cash", "amount": "100.00", "date": "2026-03-02"}
    spending = {"amount": "250.00", "date": "2026-03-02", "description": "Inzet"}
    contributions, expenditures = (
        of(consortium_id, "contributions"),
        of(consortium_id, "expenditures"),
    )

    mine = created(pm.post(contributions, json=gift, **keyed("1")))
    theirs = created(representative.post(contributions, json=gift, **keyed("1")))
    refused = pm.post(expenditures, json=spending, **keyed("2"))
    created(pm.post(contributions, json=gift, **keyed("3")))
    spent = pm.post(expenditures, json=spending, **keyed("2"))

    assert mine["id"] != theirs["id"]
    assert problem_of(refused, 409)["available"] == "200.00"
    assert (spent.status_code, REPLAYED in spent.headers) == (201, False)
    assert json_of(pm.get(of(consortium_id, "budget")))["totals"]["available"] == "50.00"


RACERS: Final = 4
STORES: Final = 2


@pytest.fixture
def racing_apps(store: Store, settings: StoreSettings, clock: StepClock) -> Iterator[list[Flask]]:
    """Apps on stores of their own on the test's database, as the service's worker processes
    have (writers in different stores do not take turns: they collide)."""
    with ExitStack() as stack:
        apps = []
        for _ in range(STORES):
            another = open_store(settings, clock)
            stack.callback(another.close)
            apps.append(new_app(another))
        yield apps


def test_retries_racing_each_other_book_once(
    racing_apps: list[Flask], pm: Api, consortium_id: str, members: dict[str, str]
) -> None:
    token = pm.headers["Authorization"].removeprefix("Bearer ")
    body = {"member_id": members[UTRECHT], "kind": "cash", "amount": "777.77", "date": "2026-03-02"}
    start = threading.Barrier(RACERS)
    before = version_of(pm, consortium_id)

    def racer(n: int) -> tuple[int, Any]:
        api = Api(racing_apps[n % STORES].test_client(), token)
        start.wait()
        response = api.post(of(consortium_id, "contributions"), json=body, **keyed("race"))
        return response.status_code, json_of(response)

    with ThreadPoolExecutor(RACERS) as pool:
        answers = list(pool.map(racer, range(RACERS)))

    assert [status for status, _ in answers] == [201] * RACERS
    assert len({answer["id"] for _, answer in answers}) == 1
    assert version_of(pm, consortium_id) == before + 1
    assert json_of(pm.get(of(consortium_id, "budget")))["totals"]["received_cash"] == "777.77"


def test_a_replay_passes_the_same_access_check_as_a_first_request(
    store: Store,
    caller: Caller,
    client: FlaskClient,
    pm: Api,
    consortium_id: str,
    members: dict[str, str],
) -> None:
    grant = store.consortia.grant_role(
        UUID(consortium_id),
        account="wethouder@utrecht.example",
        role=Role.MEMBER_REPRESENTATIVE,
        member_id=UUID(members[UTRECHT]),
        caller=caller,
    )
    representative = Api(client, issue_token(store, "wethouder@utrecht.example"))
    gift = {"member_id": members[UTRECHT], "kind": "cash", "amount": "100.00", "date": "2026-03-02"}
    first = representative.post(of(consortium_id, "contributions"), json=gift, **keyed("K"))
    store.consortia.revoke_role(UUID(consortium_id), grant.id, caller=caller)

    retry = representative.post(of(consortium_id, "contributions"), json=gift, **keyed("K"))

    assert first.status_code == 201
    assert retry.status_code in (403, 404)
    assert REPLAYED not in retry.headers
