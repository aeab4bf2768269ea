"""The authorization rules one by one, beyond the route-by-role matrix."""

from __future__ import annotations

import logging

import pytest
from flask.testing import FlaskClient

from events.bootstrap import Store
from tests.authorization.world import World, email
from tests.http import json_of


def as_role(client: FlaskClient, world: World, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {world.tokens[role]}"}


def test_portfolio_lists_only_the_consortia_the_caller_may_see(
    client: FlaskClient, world: World
) -> None:
    ids = {
        role: [
            c["id"]
            for c in json_of(client.get("/api/v1/consortia", headers=as_role(client, world, role)))[
                "items"
            ]
        ]
        for role in ("admin", "pm", "funder", "other_pm", "outsider")
    }
    assert ids == {
        "admin": [str(world.consortium), str(world.other_consortium)],
        "pm": [str(world.consortium)],
        "funder": [str(world.consortium)],
        "other_pm": [str(world.other_consortium)],
        "outsider": [],
    }


def test_party_money_knows_only_parties_of_consortia_the_caller_may_see(
    client: FlaskClient, world: World
) -> None:
    path = "/api/v1/members/Gemeente%20Utrecht/money"

    unseen = client.get(path, headers=as_role(client, world, "outsider"))

    assert unseen.status_code == 404
    assert json_of(unseen)["suggestions"] == []


def test_portfolio_pages_skip_invisible_consortia_without_gaps(
    client: FlaskClient, store: Store, world: World
) -> None:
    headers = as_role(client, world, "other_pm")
    for n in range(3):
        client.post("/api/v1/consortia", json={"name": f"D{n}", "challenge": "x"}, headers=headers)
    first = json_of(client.get("/api/v1/consortia?limit=2", headers=headers))
    second = json_of(client.get(first["next"], headers=headers))
    names = [c["name"] for c in first["items"] + second["items"]]
    assert names == ["Afval", "D0", "D1", "D2"]


@pytest.mark.parametrize("field", ["id", "logged_by", "logged_at", "reversal"])
def test_a_client_cannot_set_fields_the_service_sets(
    client: FlaskClient, world: World, field: str
) -> None:
    body = {
        "member_id": str(world.member),
        "kind": "cash",
        "amount": "10.00",
        "date": "2026-03-01",
        field: "x",
    }
    response = client.post(
        f"/api/v1/consortia/{world.consortium}/contributions",
        json=body,
        headers=as_role(client, world, "pm"),
    )
    assert response.status_code == 422
    assert [e["field"] for e in json_of(response)["errors"]] == [field]


def test_granting_and_revoking_roles_are_recorded_with_actor(
    client: FlaskClient, world: World
) -> None:
    headers = as_role(client, world, "pm")
    client.post(f"/api/v1/consortia/{world.consortium}/roles/{world.grant}/revoke", headers=headers)
    events = json_of(
        client.get(f"/api/v1/consortia/{world.consortium}/events?limit=200", headers=headers)
    )["items"]
    role_events = [(e["type"], e["actor"]) for e in events if e["type"].startswith("Role")]
    assert role_events == [
        ("RoleGranted", email("pm")),  # the founder becomes programme manager
        ("RoleGranted", email("pm")),  # the representative
        ("RoleGranted", email("pm")),  # the funder
        ("RoleGranted", email("pm")),  # the one invited
        ("RoleRevoked", email("pm")),
    ]


def test_a_revoked_role_loses_access_at_once(client: FlaskClient, world: World) -> None:
    pm = as_role(client, world, "pm")
    client.post(f"/api/v1/consortia/{world.consortium}/roles/{world.grant}/revoke", headers=pm)
    response = client.get(
        f"/api/v1/consortia/{world.consortium}", headers=as_role(client, world, "funder")
    )
    assert response.status_code == 404


def test_a_revoked_token_stops_working(client: FlaskClient, world: World) -> None:
    admin = as_role(client, world, "admin")
    tokens = client.get(f"/api/v1/accounts/{world.accounts['funder']}/tokens", headers=admin)
    token_id = json_of(tokens)["items"][0]["id"]
    client.post(
        f"/api/v1/accounts/{world.accounts['funder']}/tokens/{token_id}/revoke", headers=admin
    )
    assert client.get("/api/v1/me", headers=as_role(client, world, "funder")).status_code == 401


def test_a_deactivated_account_cannot_call_the_api(client: FlaskClient, world: World) -> None:
    client.patch(
        f"/api/v1/accounts/{world.accounts['funder']}",
        json={"active": False},
        headers=as_role(client, world, "admin"),
    )
    assert client.get("/api/v1/me", headers=as_role(client, world, "funder")).status_code == 401


def test_only_an_administrator_changes_capabilities(client: FlaskClient, world: World) -> None:
    response = client.patch(
        f"/api/v1/accounts/{world.accounts['rep']}",
        json={"is_admin": True},
        headers=as_role(client, world, "rep"),
    )
    assert response.status_code == 403


def test_a_representative_may_not_reverse_another_members_contribution(
    client: FlaskClient, store: Store, world: World
) -> None:
    pm = as_role(client, world, "pm")
    logged = json_of(
        client.post(
            f"/api/v1/consortia/{world.consortium}/contributions",
            json={
                "member_id": str(world.other_member),
                "kind": "cash",
                "amount": "10.00",
                "date": "2026-03-01",
            },
            headers=pm,
        )
    )
    response = client.post(
        f"/api/v1/consortia/{world.consortium}/contributions/{logged['id']}/reversal",
        json={"reason": "niet van ons"},
        headers=as_role(client, world, "rep"),
    )
    assert response.status_code == 403
    assert "another member" in json_of(response)["detail"]


def test_a_403_says_why(client: FlaskClient, world: World) -> None:
    response = client.post(
        f"/api/v1/consortia/{world.consortium}/phase",
        json={"phase": "pilot"},
        headers=as_role(client, world, "funder"),
    )
    assert json_of(response)["detail"] == "Only a programme manager of this consortium may do this."


def test_a_grant_needs_an_existing_account(client: FlaskClient, world: World) -> None:
    response = client.post(
        f"/api/v1/consortia/{world.consortium}/roles",
        json={"account": "nobody@consortium.example", "role": "funder"},
        headers=as_role(client, world, "pm"),
    )
    assert response.status_code == 422
    assert json_of(response)["errors"][0]["field"] == "account"


def test_rejected_tokens_are_logged_without_the_secret(
    client: FlaskClient, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    secret = "cst_this-secret-must-never-be-logged"
    with caplog.at_level(logging.DEBUG):
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert "rejected API token" in caplog.text
    assert secret not in caplog.text
