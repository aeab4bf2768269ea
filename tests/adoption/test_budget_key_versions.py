"""The budget names the version of the cost-sharing key that made each member's pledge for a
year (API and page), as recorded, as of an earlier instant and as booked; a pledge made by hand
names none. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from events.bootstrap import Store
from tests.adoption.support import Pilot, logged_in, pilot
from tests.clock import StepClock
from tests.conftest import Api, issue_token


@pytest.fixture
def solution(store: Store) -> Pilot:
    return pilot(store.consortia)


@pytest.fixture
def pm(client: FlaskClient, store: Store) -> Api:
    return Api(client, issue_token(store, "pm@utrecht.example"))


def _adopted(client: FlaskClient, store: Store, pm: Api, solution: Pilot) -> str:
    """Houten adopts, and 2027 is shared by the key's version with it; answers the API path."""
    officer = Api(client, issue_token(store, "officer@houten.example"))
    c = f"/api/v1/consortia/{solution.consortium_id}"
    asked = officer.post(
        f"{c}/adoption-requests",
        json={"party": "Gemeente Houten", "population": 50_000,
              "contact_email": "officer@houten.example"},
    ).json  # fmt: skip
    assert pm.post(f"{c}/adoption-requests/{asked['id']}/approval").status_code == 200
    shared = pm.post(f"{c}/cost-sharing/pledges", json={"year": 2027, "amount": "120000.00"})
    assert shared.status_code == 201, shared.json
    return c


def _versions(body: Any) -> dict[tuple[str, int], int | None]:
    return {(m["party"], y["year"]): y["key_version"] for m in body["members"] for y in m["years"]}


def test_each_share_in_the_budget_names_the_key_version_that_made_it(
    client: FlaskClient, store: Store, pm: Api, solution: Pilot, clock: StepClock
) -> None:
    clock.advance(datetime(2026, 9, 1, 9, tzinfo=UTC) - clock.peek())
    c = _adopted(client, store, pm, solution)
    versions = _versions(pm.get(f"{c}/budget").json)
    assert versions[("Gemeente Utrecht", 2026)] == 0  # the key before one was set
    assert versions[("Gemeente Utrecht", 2027)] == 2
    assert versions[("Gemeente Houten", 2027)] == 2


def test_a_pledge_revised_by_hand_names_no_key_version(
    client: FlaskClient, store: Store, pm: Api, solution: Pilot, clock: StepClock
) -> None:
    clock.advance(datetime(2026, 9, 1, 9, tzinfo=UTC) - clock.peek())
    c = _adopted(client, store, pm, solution)
    before = clock.peek()
    clock.advance(datetime(2026, 9, 2, 9, tzinfo=UTC) - clock.peek())
    revised = pm.post(
        f"{c}/commitments",
        json={"member_id": str(solution.member_ids[0]), "year": 2027, "amount": "1.00",
              "reason": "Raadsbesluit"},
    )  # fmt: skip
    assert revised.status_code in (200, 201), revised.json
    assert _versions(pm.get(f"{c}/budget").json)[("Gemeente Utrecht", 2027)] is None
    then = pm.get(f"{c}/budget", query_string={"as_of": before.isoformat()}).json
    assert _versions(then)[("Gemeente Utrecht", 2027)] == 2


def test_the_booked_reading_names_the_key_version_too(
    client: FlaskClient, store: Store, pm: Api, solution: Pilot, clock: StepClock
) -> None:
    clock.advance(datetime(2026, 9, 1, 9, tzinfo=UTC) - clock.peek())
    c = _adopted(client, store, pm, solution)
    booked = pm.get(f"{c}/budget", query_string={"on": "2026-12-31"}).json
    assert _versions(booked)[("Gemeente Houten", 2027)] == 2


def test_the_budget_page_shows_the_key_version_of_each_share(
    client: FlaskClient, store: Store, pm: Api, solution: Pilot, clock: StepClock
) -> None:
    clock.advance(datetime(2026, 9, 1, 9, tzinfo=UTC) - clock.peek())
    _adopted(client, store, pm, solution)
    logged_in(client, store, "pm@utrecht.example")
    page = client.get(f"/consortia/{solution.consortium_id}/budget").get_data(as_text=True)
    assert 'id="shares-by-key"' in page
    assert "Gemeente Houten" in page.split('id="shares-by-key"')[1]
