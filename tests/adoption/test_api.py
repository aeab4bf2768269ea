"""The adoption API over HTTP, on SQLite and PostgreSQL: the public catalogue, asking to adopt,
approval and decline, the versioned key and its preview; bad input as problem+json."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask.testing import FlaskClient

from consortium.publication import Part
from events.bootstrap import Store
from tests.adoption.support import Pilot, pilot
from tests.clock import StepClock
from tests.conftest import Api, issue_token

PROBLEM = "application/problem+json"
ASK = {
    "party": "Gemeente Houten",
    "population": 50_000,
    "contact_email": "officer@houten.example",
}


@pytest.fixture
def solution(store: Store) -> Pilot:
    return pilot(store.consortia)


@pytest.fixture
def pm(client: FlaskClient, store: Store) -> Api:
    return Api(client, issue_token(store, "pm@utrecht.example"))


@pytest.fixture
def officer(client: FlaskClient, store: Store) -> Api:
    """An officer of Houten, a municipality outside the pilot (no role in it)."""
    return Api(client, issue_token(store, "officer@houten.example"))


def body_of(client: FlaskClient, path: str) -> Any:
    """The JSON a request without an account gets."""
    return client.get(path).json


def requests_of(solution: Pilot) -> str:
    return f"/api/v1/consortia/{solution.consortium_id}/adoption-requests"


def ask(officer: Api, solution: Pilot, **changes: Any) -> Any:
    return officer.post(requests_of(solution), json={**ASK, **changes})


def fields_of(response: Any) -> set[str]:
    assert response.content_type == PROBLEM, response.get_data(as_text=True)
    return {e["field"] for e in response.json["errors"]}


def test_the_catalogue_is_read_without_an_account(client: FlaskClient, solution: Pilot) -> None:
    response = client.get("/api/v1/catalogue")
    assert response.status_code == 200
    assert [e["consortium_id"] for e in body_of(client, "/api/v1/catalogue")["items"]] == [
        str(solution.consortium_id)
    ]


def test_a_consortium_that_publishes_nothing_is_not_in_the_catalogue(
    client: FlaskClient, store: Store
) -> None:
    hidden = pilot(store.consortia, publish=frozenset())
    assert body_of(client, "/api/v1/catalogue")["items"] == []
    assert client.get(f"/api/v1/catalogue/{hidden.consortium_id}").status_code == 404


def test_the_catalogue_searches_and_filters(client: FlaskClient, solution: Pilot) -> None:
    def found(query: str) -> int:
        return len(body_of(client, f"/api/v1/catalogue?{query}")["items"])

    assert found("q=vergunningen") == 1
    assert found("q=afval") == 0
    assert found("sector=municipality&population_band=large") == 1
    assert found("sector=academia") == 0
    assert found("phase=pilot") == 1
    assert client.get("/api/v1/catalogue?population_band=huge").status_code == 422


def test_no_unpublished_field_leaks_into_the_catalogue(client: FlaskClient, store: Store) -> None:
    only_challenge = pilot(store.consortia, publish=frozenset({Part.CHALLENGE}))
    body = client.get(f"/api/v1/catalogue/{only_challenge.consortium_id}").get_data(as_text=True)
    entry = body_of(client, f"/api/v1/catalogue/{only_challenge.consortium_id}")
    shown = {k for k, v in entry.items() if v is not None}
    assert shown == {"consortium_id", "name", "phase", "published", "challenge"}
    for secret in ("Gemeente Utrecht", "60000.00", "Het loket werkt", "361000"):
        assert secret not in body


def test_a_municipality_asks_to_adopt(officer: Api, solution: Pilot) -> None:
    response = ask(officer, solution)
    assert response.status_code == 201, response.json
    assert response.json["status"] == "pending"
    assert response.json["account"] == "officer@houten.example"
    assert officer.get(response.headers["Location"]).json["id"] == response.json["id"]


def test_a_second_request_while_one_is_pending_is_a_conflict(officer: Api, solution: Pilot) -> None:
    assert ask(officer, solution).status_code == 201
    again = ask(officer, solution, party="gemeente houten")
    assert (again.status_code, again.content_type) == (409, PROBLEM)


def test_a_second_request_in_a_name_that_looks_the_same_is_a_conflict(
    officer: Api, solution: Pilot
) -> None:
    assert ask(officer, solution).status_code == 201
    again = ask(officer, solution, party="Gemeente\u00a0 houten\u200b")
    assert (again.status_code, again.content_type) == (409, PROBLEM)


def test_a_member_cannot_ask_to_adopt_in_a_name_that_looks_like_its_own(
    officer: Api, solution: Pilot
) -> None:
    response = ask(officer, solution, party="Gemeente  UTRECHT")
    assert (response.status_code, response.content_type) == (409, PROBLEM)


@pytest.mark.parametrize("population", [0, 1_000_000_001, -5])
def test_an_impossible_population_is_refused_field_by_field(
    officer: Api, solution: Pilot, population: int
) -> None:
    response = ask(officer, solution, population=population)
    assert response.status_code == 422
    assert fields_of(response) == {"population"}


def test_a_request_without_contact_names_the_missing_fields(officer: Api, solution: Pilot) -> None:
    response = officer.post(requests_of(solution), json={"party": "Gemeente Houten"})
    assert response.status_code == 422
    assert fields_of(response) == {"population", "contact_email"}


def test_a_request_to_a_consortium_that_publishes_nothing_is_not_found(
    officer: Api, store: Store
) -> None:
    hidden = pilot(store.consortia, publish=frozenset())
    response = ask(officer, hidden)
    assert (response.status_code, response.content_type) == (404, PROBLEM)


def test_a_programme_manager_of_it_cannot_ask_to_adopt(pm: Api, solution: Pilot) -> None:
    assert ask(pm, solution).status_code == 403


def test_only_its_programme_manager_approves(
    officer: Api, pm: Api, client: FlaskClient, store: Store, solution: Pilot
) -> None:
    asked = ask(officer, solution).json
    approval = f"{requests_of(solution)}/{asked['id']}/approval"
    assert officer.post(approval).status_code == 404  # it may not even see the consortium
    stranger = Api(client, issue_token(store, "pm@elders.example"))
    assert stranger.post(approval).status_code == 404
    approved = pm.post(approval)
    assert approved.status_code == 200, approved.json
    assert approved.json["status"] == "approved"
    assert approved.json["member"]["role"] == "adopter"
    assert pm.post(approval).status_code == 409


def test_a_declined_municipality_hears_why_and_may_ask_again(
    officer: Api, pm: Api, solution: Pilot
) -> None:
    asked = ask(officer, solution).json
    decline = f"{requests_of(solution)}/{asked['id']}/decline"
    assert pm.post(decline, json={}).status_code == 422
    declined = pm.post(decline, json={"reason": "Eerst de aanbesteding afronden"})
    assert (declined.json["status"], declined.json["reason"]) == (
        "declined",
        "Eerst de aanbesteding afronden",
    )
    assert officer.get(f"{requests_of(solution)}/{asked['id']}").json["status"] == "declined"
    assert ask(officer, solution).status_code == 201


def test_the_preview_shows_next_years_shares_with_and_without_a_candidate(
    pm: Api, solution: Pilot
) -> None:
    path = f"/api/v1/consortia/{solution.consortium_id}/cost-sharing"
    response = pm.get(f"{path}?amount=100000.01&candidate_population=50000")
    assert response.status_code == 200, response.json
    preview = response.json["preview"]
    assert preview["year"] == 2027
    for shares in (preview["shares"], preview["with_candidate"]):
        assert sum(int(s["amount"].replace(".", "")) for s in shares) == 10_000_001
    assert [s["member_id"] for s in preview["with_candidate"]][-1] is None
    assert len(preview["with_candidate"]) == len(preview["shares"]) + 1
    # No key was set: the default (by population over its municipalities) is version 0.
    assert response.json["versions"] == []
    assert (preview["version"]["number"], preview["version"]["key"]) == (0, "population")


def test_the_story_of_an_officer_outside_the_pilot(
    officer: Api, pm: Api, client: FlaskClient, clock: StepClock, solution: Pilot
) -> None:
    """Done when: an officer finds the solution, asks, is approved, sees its share for next
    year and its first checkpoint, and the catalogue shows one more adopter and a lower cost per
    inhabitant."""
    before = body_of(client, "/api/v1/catalogue?q=loket")["items"][0]
    clock.advance(datetime(2026, 9, 1, 9, tzinfo=UTC) - clock.peek())
    asked = ask(officer, solution).json
    member = pm.post(f"{requests_of(solution)}/{asked['id']}/approval").json["member"]

    c = f"/api/v1/consortia/{solution.consortium_id}"
    shares = officer.get(f"{c}/cost-sharing?amount=120000.00").json["preview"]
    assert shares["year"] == 2027
    assert member["id"] in [s["member_id"] for s in shares["shares"]]
    checkpoints = officer.get(f"{c}/milestones").json["items"]
    own = [m for m in checkpoints if member["id"] in m["responsible_member_ids"]]
    assert [m["due_date"] for m in own] == ["2026-12-01"]

    after = body_of(client, f"/api/v1/catalogue/{solution.consortium_id}")
    assert after["adopters"] == before["adopters"] + 1
    assert float(after["cost_per_inhabitant"]) < float(before["cost_per_inhabitant"])


def test_the_new_operations_are_documented(client: FlaskClient) -> None:
    paths = body_of(client, "/api/v1/openapi.json")["paths"]
    assert {
        "/api/v1/catalogue",
        "/api/v1/catalogue/{consortium_id}",
        "/api/v1/consortia/{consortium_id}/publication",
        "/api/v1/consortia/{consortium_id}/adoption-requests",
        "/api/v1/consortia/{consortium_id}/adoption-requests/{adoption_id}/approval",
        "/api/v1/consortia/{consortium_id}/adoption-requests/{adoption_id}/decline",
        "/api/v1/consortia/{consortium_id}/cost-sharing/versions",
    } <= set(paths)
    assert {"get", "post"} <= set(paths["/api/v1/consortia/{consortium_id}/cost-sharing"])


def test_pledges_by_the_key_name_the_version_that_made_them(
    officer: Api, pm: Api, clock: StepClock, solution: Pilot
) -> None:
    clock.advance(datetime(2026, 9, 1, 9, tzinfo=UTC) - clock.peek())
    asked = ask(officer, solution).json
    pm.post(f"{requests_of(solution)}/{asked['id']}/approval")
    c = f"/api/v1/consortia/{solution.consortium_id}"
    pledged = pm.post(f"{c}/cost-sharing/pledges", json={"year": 2027, "amount": "120000.00"})
    assert pledged.status_code == 201, pledged.json
    assert pledged.json["version"]["number"] == 2
    assert sum(int(s["amount"].replace(".", "")) for s in pledged.json["shares"]) == 12_000_000
    pledges = pm.get(f"{c}/commitments?year=2027").json["items"]
    assert len(pledges) == 4
    assert {p["revisions"][-1]["reason"] for p in pledges} == {
        "Verdeelsleutel versie 2 (population) over 120000.00 euro"
    }
    earlier = pm.get(f"{c}/commitments?year=2026").json["items"]
    assert {p["revisions"][-1]["reason"] for p in earlier} == {
        "Verdeelsleutel versie 0 (population) over 100000.00 euro"
    }


def test_a_programme_manager_sets_a_new_key_from_the_first_year_not_pledged(
    pm: Api, solution: Pilot
) -> None:
    c = f"/api/v1/consortia/{solution.consortium_id}"
    made = pm.post(f"{c}/cost-sharing/versions", json={"key": "equal", "reason": "Gelijk delen"})
    assert made.status_code == 201, made.json
    assert (made.json["number"], made.json["from_year"], made.json["key"]) == (1, 2027, "equal")
    weights = pm.post(
        f"{c}/cost-sharing/versions",
        json={"key": "weights", "weights": {str(solution.member_ids[0]): "1"}, "reason": "x"},
    )
    assert weights.status_code == 422
    assert fields_of(weights) == {"weights"}


def test_the_catalogue_pages_like_the_portfolio(client: FlaskClient, store: Store) -> None:
    first, second = pilot(store.consortia), pilot(store.consortia)
    page = body_of(client, "/api/v1/catalogue?limit=1")
    assert [e["consortium_id"] for e in page["items"]] == [str(first.consortium_id)]
    rest = body_of(client, page["next"])
    assert [e["consortium_id"] for e in rest["items"]] == [str(second.consortium_id)]
    assert (rest["next_cursor"], rest["next"]) == (None, None)
