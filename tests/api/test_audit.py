"""The audit chain on the API: the public key, verification for administrators, a consortium's
events as JSON Lines for its funders and programme managers, and an account's history."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from flask.testing import FlaskClient

from events.bootstrap import Store
from events.settings import StoreSettings
from tests.api.support import admit, problem_of
from tests.backends import notification_id_column, run_sql
from tests.conftest import Api, issue_token

CONSORTIA = "/api/v1/consortia"
FUNDER = "funder@provincie.example"


def grant(
    api: Api, consortium_id: str, email: str, role: str, member_id: str | None = None
) -> None:
    body = {"account": email, "role": role, **({"member_id": member_id} if member_id else {})}
    response = api.post(f"{CONSORTIA}/{consortium_id}/roles", json=body)
    assert response.status_code == 201, response.get_data(as_text=True)


def as_account(client: FlaskClient, store: Store, email: str) -> Api:
    return Api(client, issue_token(store, email))


def export(api: Api, consortium_id: str) -> list[dict[str, Any]]:
    response = api.get(f"{CONSORTIA}/{consortium_id}/events.jsonl")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/jsonl"
    return [json.loads(line) for line in response.get_data(as_text=True).splitlines()]


def test_the_public_key_is_published_without_a_token(client: FlaskClient, store: Store) -> None:
    response = client.get("/api/v1/audit/public-key")

    assert response.status_code == 200
    assert base64.b64decode(response.get_json()["public_key"]) == store.audit.public_key


def test_the_verifier_is_downloadable_without_a_token(client: FlaskClient) -> None:
    response = client.get("/api/v1/audit/verifier.py")

    assert response.status_code == 200
    packaged = Path(__file__).parents[2] / "events" / "audit" / "verify_export.py"
    assert response.get_data() == packaged.read_bytes()


def test_an_intact_store_verifies(api: Api, consortium_id: str) -> None:
    response = api.get("/api/v1/audit/verify")

    assert response.status_code == 200
    assert response.json["intact"] is True
    assert [a["application"] for a in response.json["applications"]] == ["consortia", "accounts"]


def test_verification_is_for_administrators(
    client: FlaskClient, store: Store, consortium_id: str
) -> None:
    response = as_account(client, store, FUNDER).get("/api/v1/audit/verify")

    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"


def test_verification_names_an_edited_event_and_its_consortium(
    api: Api, settings: StoreSettings, consortium_id: str
) -> None:
    column = notification_id_column(settings)
    nid = run_sql(settings, f"SELECT MAX({column}) FROM consortia_events")[0][0]  # noqa: S608
    run_sql(
        settings,
        f"UPDATE consortia_events SET state = ? WHERE {column} = ?",  # noqa: S608
        (b'{"tampered": true}', nid),
    )

    body = api.get("/api/v1/audit/verify").json

    consortia = body["applications"][0]
    assert body["intact"] is False
    assert consortia["broken"]["notification_id"] == nid
    assert consortia["broken"]["problem"] == "altered"
    assert consortia["broken"]["originator_id"] == consortium_id
    assert consortia["broken"]["consortium_id"] == consortium_id


def test_a_funder_exports_the_events_with_their_links_and_a_checkpoint(
    api: Api, client: FlaskClient, store: Store, consortium_id: str
) -> None:
    funder = as_account(client, store, FUNDER)
    grant(api, consortium_id, FUNDER, "funder")

    lines = export(funder, consortium_id)

    assert [line["kind"] for line in (lines[0], lines[-1])] == ["header", "checkpoint"]
    events = [line for line in lines if line["kind"] == "event"]
    assert [e["originator_version"] for e in events] == [1, 2, 3]  # founded, 2 roles granted
    assert {e["originator_id"] for e in events} == {UUID(consortium_id).hex}
    assert events[-1]["link"] == lines[-1]["link"]


def test_a_member_representative_may_not_export(
    api: Api, client: FlaskClient, store: Store, consortium_id: str
) -> None:
    member = admit(api, consortium_id, "Gemeente Utrecht", sector="municipality")
    representative = as_account(client, store, "rep@utrecht.example")
    grant(api, consortium_id, "rep@utrecht.example", "member_representative", member["id"])

    response = representative.get(f"{CONSORTIA}/{consortium_id}/events.jsonl")

    assert response.status_code == 403
    assert "funders" in problem_of(response)["detail"]


def test_a_stranger_does_not_find_the_export(
    client: FlaskClient, store: Store, consortium_id: str
) -> None:
    response = as_account(client, store, "someone@elders.example").get(
        f"{CONSORTIA}/{consortium_id}/events.jsonl"
    )

    assert response.status_code == 404


def test_the_export_streams(api: Api, consortium_id: str) -> None:
    response = api.get(f"{CONSORTIA}/{consortium_id}/events.jsonl")

    assert response.is_streamed


def test_the_new_endpoints_are_documented(api: Api) -> None:
    paths = api.get("/api/v1/openapi.json").json["paths"]

    for path in (
        "/api/v1/audit/public-key",
        "/api/v1/audit/verify",
        "/api/v1/audit/verifier.py",
        "/api/v1/consortia/{consortium_id}/events.jsonl",
        "/api/v1/accounts/{account_id}/history",
    ):
        assert path in paths
    exported = paths["/api/v1/consortia/{consortium_id}/events.jsonl"]["get"]["responses"]
    assert "application/jsonl" in exported["200"]["content"]


@pytest.fixture
def history(api: Api, client: FlaskClient, store: Store) -> list[dict[str, Any]]:
    """The history of an account that was opened, got a token, changed its password and
    revoked the token."""
    opened = api.post("/api/v1/accounts", json={"email": FUNDER, "name": "Provincie"}).json
    account = f"/api/v1/accounts/{opened['id']}"
    token = api.post(f"{account}/tokens", json={"name": "laptop"}).json
    api.client.put(
        f"{account}/password", json={"password": "correct horse battery"}, headers=api.headers
    )
    api.post(f"{account}/tokens/{token['id']}/revoke")
    response = api.get(f"{account}/history")
    assert response.status_code == 200, response.get_data(as_text=True)
    items: list[dict[str, Any]] = response.json["items"]
    return items


def test_an_account_history_shows_what_happened_and_who_did_it(
    history: list[dict[str, Any]],
) -> None:
    assert [item["change"] for item in history] == [
        "account_opened",
        "token_issued",
        "password_changed",
        "token_revoked",
    ]
    assert {item["actor"] for item in history} == {"admin@consortium.example"}
    assert history[1]["details"]["name"] == "laptop"


def test_an_account_history_holds_no_secret(history: list[dict[str, Any]]) -> None:
    text = json.dumps(history)

    assert "argon2" not in text
    assert "correct horse" not in text
    assert history[2]["details"] == {}


def test_an_account_history_is_for_administrators(
    api: Api, client: FlaskClient, store: Store
) -> None:
    own = as_account(client, store, FUNDER)
    account_id = own.get("/api/v1/me").json["id"]

    response = own.get(f"/api/v1/accounts/{account_id}/history")

    assert response.status_code == 403


def test_an_account_history_shows_the_roles_granted_and_revoked_in_consortia(
    api: Api, consortium: dict[str, Any], consortium_id: str
) -> None:
    opened = api.post("/api/v1/accounts", json={"email": FUNDER, "name": "Provincie"}).json
    grant(api, consortium_id, FUNDER, "funder")
    (granted,) = [
        g for g in api.get(f"{CONSORTIA}/{consortium_id}/roles").json["items"]
        if g["account"] == FUNDER
    ]  # fmt: skip
    revoked = api.post(f"{CONSORTIA}/{consortium_id}/roles/{granted['id']}/revoke")
    assert revoked.status_code == 200, revoked.get_data(as_text=True)

    history = api.get(f"/api/v1/accounts/{opened['id']}/history").json["items"]

    roles = [item for item in history if item["change"].startswith("role_")]
    assert [item["change"] for item in roles] == ["role_granted", "role_revoked"]
    assert roles[0]["details"] == {
        "consortium": consortium["name"],
        "role": "funder",
        "member_id": None,
        "party": None,
    }
    assert {item["originator_id"] for item in roles} == {consortium_id}
    assert roles[0]["actor"] == "admin@consortium.example"
    assert roles[0]["request_id"] != roles[1]["request_id"]


def test_an_account_history_names_the_member_a_representative_acts_for(
    api: Api, consortium_id: str
) -> None:
    opened = api.post("/api/v1/accounts", json={"email": FUNDER, "name": "Gemeente"}).json
    member = admit(api, consortium_id, party="Gemeente Zeist")
    grant(api, consortium_id, FUNDER, "member_representative", member["id"])

    history = api.get(f"/api/v1/accounts/{opened['id']}/history").json["items"]

    (granted,) = [item for item in history if item["change"] == "role_granted"]
    assert granted["details"]["party"] == "Gemeente Zeist"
    assert granted["details"]["member_id"] == member["id"]


def test_account_changes_are_in_the_chain(api: Api, store: Store) -> None:
    api.post("/api/v1/accounts", json={"email": FUNDER, "name": "Provincie"})

    accounts = next(r for r in store.audit.verify() if r.application == "accounts")

    assert accounts.intact
    assert accounts.events == run_sql(store.settings, "SELECT COUNT(*) FROM accounts_events")[0][0]
