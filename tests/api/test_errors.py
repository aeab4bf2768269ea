"""Every error is application/problem+json (RFC 9457) with the status that names its cause."""

from __future__ import annotations

from typing import Any

from tests.api.support import CONSORTIA, admit, move, problem_of
from tests.conftest import Api

UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
MAX_BODY = 256 * 1024


# -- 404 ----------------------------------------------------------------------------------------


def test_an_unknown_consortium_is_not_found(api: Api) -> None:
    response = api.get(f"{CONSORTIA}/{UNKNOWN_ID}")

    assert response.status_code == 404
    assert UNKNOWN_ID in problem_of(response)["detail"]


def test_an_unknown_member_is_not_found(api: Api, consortium_id: str) -> None:
    response = api.get(f"{CONSORTIA}/{consortium_id}/members/{UNKNOWN_ID}")

    assert response.status_code == 404
    assert UNKNOWN_ID in problem_of(response)["detail"]


def test_writes_to_what_does_not_exist_are_not_found(api: Api, consortium_id: str) -> None:
    writes = {
        f"{CONSORTIA}/{UNKNOWN_ID}/members": {
            "party": "Gemeente Utrecht",
            "sector": "municipality",
            "role": "lead",
        },
        f"{CONSORTIA}/{UNKNOWN_ID}/phase": {"phase": "pilot"},
        f"{CONSORTIA}/{consortium_id}/members/{UNKNOWN_ID}/leave": {},
    }

    statuses = {
        address: api.post(address, json=body).status_code for address, body in writes.items()
    }

    assert statuses == dict.fromkeys(writes, 404)


# -- 409 ----------------------------------------------------------------------------------------


def test_skipping_a_phase_is_a_conflict_that_names_the_next_phase(
    api: Api, consortium_id: str
) -> None:
    response = move(api, consortium_id, "scale_up")

    assert response.status_code == 409
    assert "pilot" in problem_of(response)["detail"]


def test_moving_to_the_current_phase_is_a_conflict(api: Api, consortium_id: str) -> None:
    move(api, consortium_id, "pilot")

    response = move(api, consortium_id, "pilot")

    assert response.status_code == 409
    assert "already" in problem_of(response)["detail"]


def test_going_back_a_phase_is_a_conflict(api: Api, consortium_id: str) -> None:
    move(api, consortium_id, "pilot")

    assert move(api, consortium_id, "exploration").status_code == 409


def test_a_phase_conflict_lists_the_allowed_phases_as_json(api: Api, consortium_id: str) -> None:
    response = move(api, consortium_id, "adoption")

    assert problem_of(response)["allowed"] == ["pilot", "stopped"]


def test_the_last_lead_cannot_leave(api: Api, consortium_id: str) -> None:
    lead = admit(api, consortium_id, "Gemeente Utrecht", "municipality", "lead")

    response = api.post(f"{CONSORTIA}/{consortium_id}/members/{lead['id']}/leave")

    assert response.status_code == 409
    assert "last lead" in problem_of(response)["detail"]


def test_the_last_lead_is_still_a_member_after_a_refused_leave(
    api: Api, consortium_id: str
) -> None:
    lead = admit(api, consortium_id, "Gemeente Utrecht", "municipality", "lead")
    api.post(f"{CONSORTIA}/{consortium_id}/members/{lead['id']}/leave")

    assert api.get(f"{CONSORTIA}/{consortium_id}/members/{lead['id']}").json["active"] is True


def test_admitting_a_current_member_again_is_a_conflict(api: Api, consortium_id: str) -> None:
    admit(api, consortium_id, "Gemeente Utrecht", "municipality", "lead")

    response = api.post(
        f"{CONSORTIA}/{consortium_id}/members",
        json={"party": "gemeente utrecht ", "sector": "municipality", "role": "partner"},
    )

    assert response.status_code == 409
    assert "already a member" in problem_of(response)["detail"]


def test_a_member_who_left_cannot_leave_again(api: Api, consortium_id: str) -> None:
    admit(api, consortium_id, "Gemeente Utrecht", "municipality", "lead")
    partner = admit(api, consortium_id, "Zorgtech Nederland BV")
    api.post(f"{CONSORTIA}/{consortium_id}/members/{partner['id']}/leave")

    response = api.post(f"{CONSORTIA}/{consortium_id}/members/{partner['id']}/leave")

    assert response.status_code == 409
    assert "left" in problem_of(response)["detail"]


def test_a_stopped_consortium_refuses_every_change_saying_it_is_stopped(
    api: Api, consortium_id: str
) -> None:
    admit(api, consortium_id, "Gemeente Utrecht", "municipality", "lead")
    partner = admit(api, consortium_id, "Zorgtech Nederland BV")
    move(api, consortium_id, "stopped", "Geen financiering")
    changes: dict[str, dict[str, Any]] = {
        f"{CONSORTIA}/{consortium_id}/members": {
            "party": "Gemeente Amersfoort",
            "sector": "municipality",
            "role": "partner",
        },
        f"{CONSORTIA}/{consortium_id}/members/{partner['id']}/leave": {},
        f"{CONSORTIA}/{consortium_id}/phase": {"phase": "pilot"},
    }

    answers = {address: api.post(address, json=body) for address, body in changes.items()}

    assert {
        a: (r.status_code, "stopped" in problem_of(r)["detail"]) for a, r in answers.items()
    } == (dict.fromkeys(changes, (409, True)))


def test_a_closed_consortium_admits_no_one(api: Api, consortium_id: str) -> None:
    for phase in ("pilot", "scale_up", "adoption", "closed"):
        move(api, consortium_id, phase)

    response = api.post(
        f"{CONSORTIA}/{consortium_id}/members",
        json={"party": "Gemeente Utrecht", "sector": "municipality", "role": "lead"},
    )

    assert response.status_code == 409
