"""Members: admitting a party, reading one or all memberships, a member leaving."""

from __future__ import annotations

from typing import Any

from tests.api.support import CONSORTIA, admit
from tests.conftest import Api

UTRECHT: dict[str, Any] = {
    "party": "Gemeente Utrecht",
    "sector": "municipality",
    "role": "lead",
    "contact_email": "wijkzorg@utrecht.example",
    "population": 374238,
}


def test_admitting_answers_201_with_the_member(api: Api, consortium_id: str) -> None:
    response = api.post(f"{CONSORTIA}/{consortium_id}/members", json=UTRECHT)

    assert response.status_code == 201
    assert {k: response.json[k] for k in UTRECHT} == UTRECHT


def test_a_new_member_is_active_and_has_not_left(api: Api, consortium_id: str) -> None:
    member = api.post(f"{CONSORTIA}/{consortium_id}/members", json=UTRECHT).json

    assert (member["active"], member["left_at"]) == (True, None)


def test_the_location_of_a_new_member_resolves_to_it(api: Api, consortium_id: str) -> None:
    response = api.post(f"{CONSORTIA}/{consortium_id}/members", json=UTRECHT)

    fetched = api.get(response.headers["Location"])

    assert fetched.status_code == 200
    assert fetched.json == response.json


def test_a_member_is_part_of_the_consortium(api: Api, consortium_id: str) -> None:
    member = admit(api, consortium_id, **UTRECHT)

    members = api.get(f"{CONSORTIA}/{consortium_id}").json["members"]

    assert [m["id"] for m in members] == [member["id"]]


def test_the_optional_member_fields_may_be_left_out(api: Api, consortium_id: str) -> None:
    response = api.post(
        f"{CONSORTIA}/{consortium_id}/members",
        json={"party": "Zorgtech Nederland BV", "sector": "market", "role": "partner"},
    )

    assert response.status_code == 201
    assert (response.json["contact_email"], response.json["population"]) == (None, None)


def test_the_member_list_shows_members_in_the_order_they_joined(
    api: Api, consortium_id: str
) -> None:
    parties = ["Gemeente Utrecht", "Universiteit Utrecht", "Zorgtech Nederland BV"]
    for party in parties:
        admit(api, consortium_id, party)

    listed = api.get(f"{CONSORTIA}/{consortium_id}/members").json["items"]

    assert [m["party"] for m in listed] == parties


def test_the_member_list_includes_members_who_left(api: Api, consortium_id: str) -> None:
    admit(api, consortium_id, **UTRECHT)
    partner = admit(api, consortium_id, "Zorgtech Nederland BV")
    api.post(f"{CONSORTIA}/{consortium_id}/members/{partner['id']}/leave")

    listed = api.get(f"{CONSORTIA}/{consortium_id}/members").json["items"]

    assert [(m["party"], m["active"]) for m in listed] == [
        ("Gemeente Utrecht", True),
        ("Zorgtech Nederland BV", False),
    ]


def test_leaving_answers_the_member_with_its_leaving_recorded(api: Api, consortium_id: str) -> None:
    admit(api, consortium_id, **UTRECHT)
    partner = admit(api, consortium_id, "Zorgtech Nederland BV")

    response = api.post(
        f"{CONSORTIA}/{consortium_id}/members/{partner['id']}/leave",
        json={"reason": "Product past niet"},
    )

    assert response.status_code == 200
    assert response.json["active"] is False
    assert response.json["left_at"] is not None
    assert response.json["leave_reason"] == "Product past niet"


def test_leaving_needs_no_body(api: Api, consortium_id: str) -> None:
    admit(api, consortium_id, **UTRECHT)
    partner = admit(api, consortium_id, "Zorgtech Nederland BV")

    response = api.post(f"{CONSORTIA}/{consortium_id}/members/{partner['id']}/leave")

    assert response.status_code == 200


def test_a_member_who_left_can_still_be_read(api: Api, consortium_id: str) -> None:
    admit(api, consortium_id, **UTRECHT)
    partner = admit(api, consortium_id, "Zorgtech Nederland BV")
    api.post(f"{CONSORTIA}/{consortium_id}/members/{partner['id']}/leave")

    response = api.get(f"{CONSORTIA}/{consortium_id}/members/{partner['id']}")

    assert response.status_code == 200
    assert response.json["active"] is False


def test_a_lead_may_leave_when_another_lead_remains(api: Api, consortium_id: str) -> None:
    first = admit(api, consortium_id, **UTRECHT)
    admit(api, consortium_id, "Gemeente Amersfoort", "municipality", "lead")

    response = api.post(f"{CONSORTIA}/{consortium_id}/members/{first['id']}/leave")

    assert response.status_code == 200


def test_a_party_that_left_may_be_admitted_again(api: Api, consortium_id: str) -> None:
    admit(api, consortium_id, **UTRECHT)
    partner = admit(api, consortium_id, "Zorgtech Nederland BV")
    api.post(f"{CONSORTIA}/{consortium_id}/members/{partner['id']}/leave")

    response = api.post(
        f"{CONSORTIA}/{consortium_id}/members",
        json={"party": "Zorgtech Nederland BV", "sector": "market", "role": "partner"},
    )

    assert response.status_code == 201
    assert response.json["id"] != partner["id"]
