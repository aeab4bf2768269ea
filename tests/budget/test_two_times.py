"""Two times, always both (SQLite and PostgreSQL): a consortium that began in 2023 is entered
in 2026 with its members, pledges, contributions and evaluations on their own days. The history
marks them back-dated; ``?as_of=`` reads the books as recorded by an instant, ``?on=`` as booked
for the days up to a date; a funder sees per year to 2030 what is needed, pledged, received and
missing."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Final

import pytest

from tests.budget.support import CONSORTIA, created, of, problem_of
from tests.clock import StepClock
from tests.conftest import Api
from tests.http import json_of

THREE = [
    {"question": "works", "answer": "yes"},
    {"question": "next_step", "answer": "yes"},
    {"question": "infrastructure", "answer": "yes"},
]
BEGAN: Final = 2023


def post(api: Api, consortium_id: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    return created(api.post(of(consortium_id, path), json=body))


@pytest.fixture
def entered(api: Api, clock: StepClock) -> dict[str, Any]:
    """The consortium as it is entered in March 2026, with its past."""
    c = created(
        api.post(
            CONSORTIA,
            json={"name": "Zorg op afstand", "challenge": "Thuiszorg", "start_year": BEGAN},
        )
    )["id"]
    recorded_before = clock.peek().isoformat()
    utrecht = post(
        api,
        c,
        "members",
        {
            "party": "Gemeente Utrecht",
            "sector": "municipality",
            "role": "lead",
            "joined_on": "2023-01-15",
        },
    )["id"]
    zeist = post(
        api,
        c,
        "members",
        {
            "party": "Gemeente Zeist",
            "sector": "municipality",
            "role": "partner",
            "joined_on": "2024-06-01",
        },
    )["id"]
    for year, day in ((2023, "2023-01-20"), (2024, "2023-11-30"), (2025, "2024-11-28")):
        post(
            api,
            c,
            "commitments",
            {"member_id": utrecht, "year": year, "amount": "50000.00", "pledged_on": day},
        )
    post(
        api,
        c,
        "commitments",
        {"member_id": zeist, "year": 2025, "amount": "10000.00", "pledged_on": "2024-06-01"},
    )
    for day, amount in (
        ("2023-03-01", "50000.00"),
        ("2024-03-01", "50000.00"),
        ("2025-03-01", "60000.00"),
    ):
        member = utrecht if day < "2025" else zeist
        post(
            api,
            c,
            "contributions",
            {"member_id": member, "kind": "cash", "amount": amount, "date": day},
        )
    pilot = post(
        api,
        c,
        "milestones",
        {
            "title": "Pilot in twee wijken",
            "due_date": "2023-12-01",
            "planned_on": "2023-02-01",
            "closes_phase": "exploration",
        },
    )["id"]
    post(
        api,
        c,
        f"milestones/{pilot}/evaluations",
        {"answers": THREE, "decision": "go", "evaluated_on": "2023-12-05"},
    )
    for year in range(2026, 2031):
        post(api, c, "needs", {"year": year, "category": "running_costs", "amount": "40000.00"})
    post(api, c, "commitments", {"member_id": utrecht, "year": 2026, "amount": "40000.00"})
    return {"id": c, "recorded_before": recorded_before, "utrecht": utrecht}


def test_the_history_marks_every_fact_about_an_earlier_day_as_back_dated(
    api: Api, entered: dict[str, Any]
) -> None:
    items = json_of(api.get(of(entered["id"], "events"), query_string={"limit": 200}))["items"]

    backdated = {(e["type"], e["about"]) for e in items if e["backdated"]}
    today = {e["type"] for e in items if e["about"] is not None and not e["backdated"]}

    assert ("MemberAdmitted", "2023-01-15") in backdated
    assert ("ContributionLogged", "2024-03-01") in backdated
    assert ("CheckpointEvaluated", "2023-12-05") in backdated
    assert ("MilestonePlanned", "2023-02-01") in backdated
    assert today == {"CommitmentPledged"}  # the 2026 pledge, made today


def test_on_reads_the_books_as_booked_for_the_days_up_to_a_date(
    api: Api, entered: dict[str, Any]
) -> None:
    end_of_2023 = json_of(api.get(of(entered["id"], "budget"), query_string={"on": "2023-12-31"}))
    end_of_2024 = json_of(api.get(of(entered["id"], "budget"), query_string={"on": "2024-12-31"}))

    assert (end_of_2023["totals"]["committed"], end_of_2023["totals"]["received"]) == (
        "100000.00",
        "50000.00",
    )
    assert [m["party"] for m in end_of_2023["members"]] == ["Gemeente Utrecht"]
    assert (end_of_2024["totals"]["committed"], end_of_2024["totals"]["received"]) == (
        "160000.00",
        "100000.00",
    )


def test_money_booked_before_its_member_joined_has_its_line_beside_the_totals(
    api: Api, entered: dict[str, Any]
) -> None:
    late = post(
        api,
        entered["id"],
        "members",
        {"party": "Hogeschool Utrecht", "sector": "academia", "role": "partner"},
    )["id"]  # joins today, in 2026
    post(
        api,
        entered["id"],
        "contributions",
        {"member_id": late, "kind": "cash", "amount": "500.00", "date": "2024-05-01"},
    )

    booked = json_of(api.get(of(entered["id"], "budget"), query_string={"on": "2024-06-01"}))

    lines = {m["party"]: m["received"] for m in booked["members"]}
    assert lines["Hogeschool Utrecht"] == "500.00"
    assert sum(Decimal(v) for v in lines.values()) == Decimal(booked["totals"]["received"])


def test_as_of_reads_the_books_as_recorded_by_an_instant(api: Api, entered: dict[str, Any]) -> None:
    before = json_of(
        api.get(of(entered["id"], "budget"), query_string={"as_of": entered["recorded_before"]})
    )
    now = json_of(api.get(of(entered["id"], "budget")))

    assert before["totals"]["committed"] == "0.00"  # nothing of the past was entered yet
    assert now["totals"]["committed"] == "200000.00"


def test_a_funder_sees_each_year_to_2030_and_which_are_at_risk(
    api: Api, entered: dict[str, Any]
) -> None:
    financing = json_of(api.get(of(entered["id"], "financing")))

    years = {
        y["year"]: (y["needed"], y["committed"], y["received"], y["gap"])
        for y in financing["years"]
    }

    assert years[2024] == ("0.00", "50000.00", "50000.00", "0.00")
    assert years[2026] == ("40000.00", "40000.00", "0.00", "0.00")
    assert years[2027] == ("40000.00", "0.00", "0.00", "40000.00")
    assert sorted(years)[-1] == 2030
    assert financing["status"]["horizon"] == 2026
    assert financing["status"]["at_risk"] is True  # the pilot phase, one year covered of two


def test_a_past_fact_before_the_consortium_began_or_after_today_is_refused(
    api: Api, entered: dict[str, Any]
) -> None:
    c, utrecht = entered["id"], entered["utrecht"]
    refusals = {
        "joined before": api.post(
            of(c, "members"),
            json={"party": "X", "sector": "market", "role": "partner", "joined_on": "2022-12-31"},
        ),
        "pledged tomorrow": api.post(
            of(c, "commitments"),
            json={"member_id": utrecht, "year": 2027, "amount": "1.00", "pledged_on": "2026-03-03"},
        ),
        "evaluated before planned": api.post(
            of(c, "milestones"),
            json={"title": "Te vroeg", "due_date": "2023-01-01", "planned_on": "2023-02-01"},
        ),
    }

    fields = {
        case: [e["field"] for e in problem_of(r, 422)["errors"]] for case, r in refusals.items()
    }
    assert fields == {
        "joined before": ["joined_on"],
        "pledged tomorrow": ["pledged_on"],
        "evaluated before planned": ["due_date"],
    }


def test_the_consortium_shows_the_year_it_began(api: Api, entered: dict[str, Any]) -> None:
    assert isinstance(datetime.fromisoformat(entered["recorded_before"]), datetime)
    assert json_of(api.get(of(entered["id"], "budget")))["years"][0]["year"] == BEGAN
