"""Phases: exploration → pilot → scale_up → adoption → closed, or stopped with a reason."""

from __future__ import annotations

from uuid import UUID

from flask.testing import FlaskClient

from consortium.access import Role
from events.bootstrap import Store
from events.caller import Caller
from tests.api.support import CONSORTIA, field_errors, move, refused_fields
from tests.conftest import Api, issue_token


def test_a_consortium_moves_from_exploration_to_pilot(api: Api, consortium_id: str) -> None:
    response = move(api, consortium_id, "pilot")

    assert response.status_code == 200
    assert response.json["phase"] == "pilot"


def test_the_new_phase_is_kept(api: Api, consortium_id: str) -> None:
    move(api, consortium_id, "pilot")

    assert api.get(f"{CONSORTIA}/{consortium_id}").json["phase"] == "pilot"


def test_a_phase_change_restarts_phase_since(api: Api, consortium_id: str) -> None:
    founded = api.get(f"{CONSORTIA}/{consortium_id}").json

    moved = move(api, consortium_id, "pilot").json

    assert moved["phase_since"] > founded["phase_since"]


def test_a_consortium_goes_through_every_phase_to_closed(api: Api, consortium_id: str) -> None:
    for phase in ("pilot", "scale_up", "adoption", "closed"):
        assert move(api, consortium_id, phase).status_code == 200

    assert api.get(f"{CONSORTIA}/{consortium_id}").json["phase"] == "closed"


def test_stopping_without_a_reason_is_refused_naming_reason(api: Api, consortium_id: str) -> None:
    response = move(api, consortium_id, "stopped")

    assert set(field_errors(response)) == {"reason"}


def test_stopping_with_a_blank_reason_is_refused(api: Api, consortium_id: str) -> None:
    reasons = ["", "   "]

    refused = {
        reason: refused_fields(move(api, consortium_id, "stopped", reason)) for reason in reasons
    }

    assert refused == {reason: {"reason"} for reason in reasons}


def test_stopping_with_a_reason_stops_the_consortium(api: Api, consortium_id: str) -> None:
    move(api, consortium_id, "pilot")

    response = move(api, consortium_id, "stopped", "De pilot toonde geen effect")

    assert response.status_code == 200
    assert response.json["phase"] == "stopped"


def test_an_open_gate_holds_the_phase_and_only_an_administrator_overrides_it(
    api: Api, client: FlaskClient, consortium_id: str, store: Store
) -> None:
    manager = "projectleider@utrecht.example"
    pm = Api(client, issue_token(store, manager))
    store.consortia.grant_role(
        UUID(consortium_id),
        account=manager,
        role=Role.PROGRAMME_MANAGER,
        member_id=None,
        caller=Caller.system("test", "setup"),
    )
    move(api, consortium_id, "pilot")
    gate = {"title": "Pilot geslaagd", "due_date": "2026-06-01", "closes_phase": "pilot"}
    assert api.post(f"{CONSORTIA}/{consortium_id}/milestones", json=gate).status_code == 201

    held = move(pm, consortium_id, "scale_up")
    not_theirs = pm.post(
        f"{CONSORTIA}/{consortium_id}/phase",
        json={"phase": "scale_up", "reason": "Haast", "override_gates": True},
    )
    overridden = api.post(
        f"{CONSORTIA}/{consortium_id}/phase",
        json={"phase": "scale_up", "reason": "Besluit stuurgroep", "override_gates": True},
    )

    assert (held.status_code, not_theirs.status_code, overridden.status_code) == (409, 403, 200)
    history = api.get(f"{CONSORTIA}/{consortium_id}/events", query_string={"limit": 200}).json
    assert [e["type"] for e in history["items"][-2:]] == ["GateOverridden", "PhaseChanged"]
    assert history["items"][-2]["data"]["reason"] == "Besluit stuurgroep"
