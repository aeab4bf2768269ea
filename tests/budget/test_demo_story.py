"""The demo tells a four-year story (SQLite and PostgreSQL), read over HTTP as a funder would:
consortia begun in 2023 and 2024, members joining over time, back-dated pledges (cash and in
kind), contributions and evaluations, needs per year to 2030, and one consortium whose
financing is at risk after its pilot; so budget, horizon, history and checkpoints all have
something to show. Today is 2 March 2026 (the test clock)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final

import pytest

from events.bootstrap import Store
from events.caller import Caller
from events.demo import SAMPLES, load_demo
from tests.budget.support import BASE, CONSORTIA, history, of
from tests.conftest import Api
from tests.http import json_of

AT_RISK: Final = "Slimme afvalinzameling Brabant (demo)"
HOME_CARE: Final = "Langer thuis in de wijk (demo)"


@pytest.fixture
def demo(store: Store, api: Api) -> dict[str, str]:
    """The demo, loaded as the command line does: name → consortium id."""
    load_demo(store, Caller.system(actor="cli:test", request_id="cli-demo"))
    items = json_of(api.get(CONSORTIA, query_string={"limit": 100}))["items"]
    return {item["name"]: item["id"] for item in items}


def financing(api: Api, consortium_id: str) -> dict[str, Any]:
    response = api.get(of(consortium_id, "financing"))
    assert response.status_code == 200, response.get_data(as_text=True)
    body: dict[str, Any] = json_of(response)
    return body


def test_every_sample_begins_in_2023_or_2024_and_is_named_as_demo(
    api: Api, demo: dict[str, str]
) -> None:
    first_years = {
        name: json_of(api.get(of(c, "budget")))["years"][0]["year"] for name, c in demo.items()
    }

    assert sorted(first_years) == sorted(s.full_name for s in SAMPLES)
    assert set(first_years.values()) == {2023, 2024}


def test_the_plans_need_money_every_year_up_to_2030(api: Api, demo: dict[str, str]) -> None:
    running = {name: c for name, c in demo.items() if "Drone" not in name}

    needed = {
        name: {y["year"] for y in financing(api, c)["years"] if y["needed"] != "0.00"}
        for name, c in running.items()
    }

    for name, years in needed.items():
        assert years == set(range(min(years), 2031)), name
    assert {min(years) for years in needed.values()} == {2023, 2024}


def test_one_consortium_is_at_risk_after_its_pilot(api: Api, demo: dict[str, str]) -> None:
    status = {name: financing(api, c)["status"] for name, c in demo.items()}
    years = {y["year"]: y for y in financing(api, demo[AT_RISK])["years"]}

    assert {name for name, s in status.items() if s["at_risk"]} == {AT_RISK}
    assert status[AT_RISK]["horizon"] == 2026
    assert [y for y in range(2024, 2031) if years[y]["committed"] == "0.00"] == list(
        range(2027, 2031)
    )
    assert all(years[y]["gap"] == years[y]["needed"] for y in range(2027, 2031))


def test_members_join_over_time_and_the_past_is_marked_back_dated(
    api: Api, demo: dict[str, str]
) -> None:
    events = history(api, demo[HOME_CARE])

    joined = [e["about"] for e in events if e["type"] == "MemberAdmitted"]
    backdated = {e["type"] for e in events if e["backdated"]}

    assert len(joined) == 5
    assert {day[:4] for day in joined} == {"2023", "2024"}
    assert {
        "MemberAdmitted",
        "CommitmentPledged",
        "ContributionLogged",
        "ExpenditureRecorded",
        "MilestonePlanned",
        "CheckpointEvaluated",
    } <= backdated


def test_pledges_are_in_cash_and_in_kind_and_contributions_on_their_own_days(
    api: Api, demo: dict[str, str]
) -> None:
    now = json_of(api.get(of(demo[HOME_CARE], "budget")))
    end_of_2024 = json_of(api.get(of(demo[HOME_CARE], "budget"), query_string={"on": "2024-12-31"}))

    assert any(y["committed_in_kind"] != "0.00" for y in now["years"])
    assert any(y["received_in_kind"] != "0.00" for y in now["years"])
    paid_by_then = sum(
        Decimal(e["data"]["amount"])
        for e in history(api, demo[HOME_CARE])
        if e["type"] == "ContributionLogged"
        and e["data"]["kind"] == "cash"
        and e["about"] <= "2024-12-31"
    )
    assert Decimal(end_of_2024["totals"]["received_cash"]) == paid_by_then
    assert Decimal(now["totals"]["received_cash"]) > paid_by_then
    assert len(end_of_2024["members"]) == 5  # Amersfoort joined in May 2024


def test_checkpoints_are_due_soon_and_the_stopped_one_was_evaluated(
    api: Api, demo: dict[str, str]
) -> None:
    due = json_of(api.get(f"{BASE}/checkpoints", query_string={"due_within_days": 30}))["items"]
    drones = json_of(api.get(of(demo["Drone-inspectie van bruggen (demo)"])))

    assert [(c["consortium_name"], c["title"]) for c in due] == [
        (HOME_CARE, "Opschaling naar Amersfoort")
    ]
    assert drones["phase"] == "stopped"
