"""Founding a consortium, reading it, and paging through the portfolio."""

from __future__ import annotations

from typing import Any

from tests.api.support import CONSORTIA, all_pages, found
from tests.conftest import Api


def test_founding_answers_201_with_a_location_that_names_the_new_id(api: Api) -> None:
    response = api.post(CONSORTIA, json={"name": "Slimme wijk", "challenge": "Minder eenzaamheid"})

    assert response.status_code == 201
    assert response.headers["Location"] == f"{CONSORTIA}/{response.json['id']}"


def test_founding_answers_the_new_consortium_in_exploration(api: Api) -> None:
    body = {"name": "Slimme wijk", "challenge": "Minder eenzaamheid", "description": "Overvecht"}

    created = api.post(CONSORTIA, json=body).json

    assert {k: created[k] for k in (*body, "phase", "members")} == {
        **body,
        "phase": "exploration",
        "members": [],
    }


def test_the_location_of_a_new_consortium_resolves_to_it(api: Api) -> None:
    response = api.post(CONSORTIA, json={"name": "Slimme wijk", "challenge": "Eenzaamheid"})

    fetched = api.get(response.headers["Location"])

    assert fetched.status_code == 200
    assert fetched.json == response.json


def test_a_consortium_reads_with_the_contract_fields(api: Api, consortium_id: str) -> None:
    body = api.get(f"{CONSORTIA}/{consortium_id}").json

    assert {"id", "name", "challenge", "description", "phase", "members"} <= body.keys()


def test_a_consortium_read_now_has_no_as_of(api: Api, consortium_id: str) -> None:
    assert api.get(f"{CONSORTIA}/{consortium_id}").json["as_of"] is None


def test_instants_are_shown_with_the_amsterdam_offset(api: Api, consortium_id: str) -> None:
    # The test clock starts on 2 March 2026, 09:00 UTC: winter time, UTC+01:00.
    founded_at = api.get(f"{CONSORTIA}/{consortium_id}").json["founded_at"]

    assert founded_at.startswith("2026-03-02T10:00:00")
    assert founded_at.endswith("+01:00")


def test_the_portfolio_lists_consortia_in_the_order_they_were_founded(api: Api) -> None:
    ids = [found(api, f"Consortium {n}")["id"] for n in range(3)]

    listed = api.get(CONSORTIA).json

    assert [item["id"] for item in listed["items"]] == ids


def test_the_portfolio_summary_counts_active_members(api: Api, consortium_id: str) -> None:
    api.post(
        f"{CONSORTIA}/{consortium_id}/members",
        json={"party": "Gemeente Utrecht", "sector": "municipality", "role": "lead"},
    )

    (item,) = api.get(CONSORTIA).json["items"]

    assert item["active_members"] == 1


def test_the_last_portfolio_page_has_no_next(api: Api, consortium_id: str) -> None:
    page = api.get(CONSORTIA).json

    assert (page["next"], page["next_cursor"]) == (None, None)


def test_a_portfolio_page_holds_at_most_limit_consortia(api: Api) -> None:
    for n in range(3):
        found(api, f"Consortium {n}")

    page = api.get(CONSORTIA, query_string={"limit": 2}).json

    assert len(page["items"]) == 2
    assert page["next"] is not None


def test_following_next_links_visits_every_consortium_once_in_order(api: Api) -> None:
    ids = [found(api, f"Consortium {n}")["id"] for n in range(7)]

    items = all_pages(api, f"{CONSORTIA}?limit=3")

    assert [item["id"] for item in items] == ids


def test_the_cursor_of_a_page_continues_where_it_ended(api: Api) -> None:
    ids = [found(api, f"Consortium {n}")["id"] for n in range(5)]
    first = api.get(CONSORTIA, query_string={"limit": 2}).json

    second = api.get(CONSORTIA, query_string={"limit": 2, "cursor": first["next_cursor"]}).json

    assert [item["id"] for item in second["items"]] == ids[2:4]


def test_a_consortium_founded_while_paging_appears_on_a_later_page(api: Api) -> None:
    ids = [found(api, f"Consortium {n}")["id"] for n in range(3)]
    first = api.get(CONSORTIA, query_string={"limit": 2}).json
    ids.append(found(api, "Late")["id"])

    rest: list[dict[str, Any]] = all_pages(api, first["next"])

    assert [item["id"] for item in first["items"] + rest] == ids
