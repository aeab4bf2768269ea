"""Phases: exploration → pilot → scale_up → adoption → closed, or stopped with a reason."""

from __future__ import annotations

from tests.api.support import CONSORTIA, field_errors, move, refused_fields
from tests.conftest import Api


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
