"""The history of a consortium: every event with version, type, time, actor and request id."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import PM_EMAIL
from tests.api.support import CONSORTIA, admit, all_pages, found, move
from tests.conftest import Api


def events_of(api: Api, consortium_id: str) -> list[dict[str, Any]]:
    return all_pages(api, f"{CONSORTIA}/{consortium_id}/events")


def version_of(api: Api, consortium_id: str) -> int:
    version: int = api.get(f"{CONSORTIA}/{consortium_id}").json["version"]
    return version


def test_the_history_begins_with_the_founding(api: Api, consortium_id: str) -> None:
    first = api.get(f"{CONSORTIA}/{consortium_id}/events").json["items"][0]

    assert (first["version"], first["type"]) == (1, "Founded")


def test_each_act_adds_its_event_to_the_end_of_the_history(api: Api, consortium_id: str) -> None:
    before = version_of(api, consortium_id)
    admit(api, consortium_id, "Gemeente Utrecht", "municipality", "lead")
    move(api, consortium_id, "pilot")

    added = events_of(api, consortium_id)[before:]

    assert [(e["version"], e["type"]) for e in added] == [
        (before + 1, "MemberAdmitted"),
        (before + 2, "PhaseChanged"),
    ]


def test_an_event_has_the_contract_fields(api: Api, consortium_id: str) -> None:
    first = api.get(f"{CONSORTIA}/{consortium_id}/events").json["items"][0]

    assert set(first) == {
        "version",
        "type",
        "occurred_at",
        "actor",
        "request_id",
        "data",
        "about",
        "backdated",
    }


def test_an_event_records_the_facts_of_the_act(api: Api, consortium_id: str) -> None:
    member = admit(api, consortium_id, "Gemeente Utrecht", "municipality", "lead", population=5)

    admitted = events_of(api, consortium_id)[-1]

    assert admitted["data"] == {
        "member_id": member["id"],
        "party": "Gemeente Utrecht",
        "sector": "municipality",
        "role": "lead",
        "contact_email": None,
        "population": 5,
        "joined_on": admitted["occurred_at"][:10],  # today: the day it is about
        "province": None,
    }
    assert (admitted["about"], admitted["backdated"]) == (admitted["occurred_at"][:10], False)


def test_an_event_occurred_when_the_act_was_done(api: Api, consortium_id: str) -> None:
    member = admit(api, consortium_id, "Gemeente Utrecht", "municipality", "lead")

    admitted = events_of(api, consortium_id)[-1]

    assert admitted["occurred_at"] == member["joined_at"]


def test_the_actor_of_an_event_is_the_email_of_the_token_used(pm: Api) -> None:
    consortium_id = found(pm)["id"]

    founded = events_of(pm, consortium_id)[0]

    assert founded["actor"] == PM_EMAIL


def test_an_event_records_the_request_id_that_was_sent(api: Api, consortium_id: str) -> None:
    api.post(
        f"{CONSORTIA}/{consortium_id}/phase",
        json={"phase": "pilot"},
        headers={"X-Request-ID": "ticket-4711.move-to-pilot"},
    )

    moved = events_of(api, consortium_id)[-1]

    assert moved["request_id"] == "ticket-4711.move-to-pilot"


def test_an_event_records_the_request_id_answered_when_none_was_sent(api: Api) -> None:
    response = api.post(CONSORTIA, json={"name": "Slimme wijk", "challenge": "Eenzaamheid"})

    founded = events_of(api, response.json["id"])[0]

    assert founded["request_id"] == response.headers["X-Request-ID"]


def test_the_history_is_paged_with_next_links_without_gaps(api: Api, consortium_id: str) -> None:
    for n in range(6):
        admit(api, consortium_id, f"Partij {n}")

    events = all_pages(api, f"{CONSORTIA}/{consortium_id}/events?limit=2")

    assert [e["version"] for e in events] == list(range(1, version_of(api, consortium_id) + 1))


def test_a_history_page_holds_at_most_limit_events(api: Api, consortium_id: str) -> None:
    move(api, consortium_id, "pilot")

    page = api.get(f"{CONSORTIA}/{consortium_id}/events", query_string={"limit": 1}).json

    assert len(page["items"]) == 1
    assert page["next"] is not None


def test_after_shows_the_events_after_that_version(api: Api, consortium_id: str) -> None:
    move(api, consortium_id, "pilot")
    move(api, consortium_id, "scale_up")

    page = api.get(f"{CONSORTIA}/{consortium_id}/events", query_string={"after": 1}).json

    assert [e["version"] for e in page["items"]] == list(
        range(2, version_of(api, consortium_id) + 1)
    )


def test_the_history_of_an_unknown_consortium_is_not_found(api: Api) -> None:
    response = api.get(f"{CONSORTIA}/00000000-0000-4000-8000-000000000000/events")

    assert response.status_code == 404
