"""The financing plan over HTTP (SQLite and PostgreSQL): a programme manager states what each
year needs beyond the pilot; a funder reads, per year, needed, pledged, received and the gap,
the horizon and whether the financing is at risk, now and as it stood before."""

from __future__ import annotations

from typing import Any, Final

from tests.budget.support import (
    TODAY,
    budget,
    contribute,
    created,
    of,
    pledge,
    problem_of,
)
from tests.clock import StepClock
from tests.conftest import Api
from tests.http import json_of

UTRECHT: Final = "Gemeente Utrecht"
YEAR: Final = TODAY.year


def need(api: Api, consortium_id: str, year: int, category: str, amount: str, **more: Any) -> Any:
    body = {"year": year, "category": category, "amount": amount, **more}
    return api.post(of(consortium_id, "needs"), json=body)


def financing(api: Api, consortium_id: str, **query: str) -> dict[str, Any]:
    response = api.get(of(consortium_id, "financing"), query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    body: dict[str, Any] = json_of(response)
    return body


def plan_beyond_the_pilot(pm: Api, consortium_id: str, members: dict[str, str]) -> None:
    """Pilot money this year and next; the years after adoption need running costs and
    licences that nobody pledged yet."""
    created(need(pm, consortium_id, YEAR, "pilot", "60000.00"))
    created(need(pm, consortium_id, YEAR + 1, "scale_up", "40000.00"))
    created(need(pm, consortium_id, YEAR + 2, "running_costs", "25000.00"))
    created(need(pm, consortium_id, YEAR + 2, "licences", "5000.00"))
    created(pledge(pm, consortium_id, members[UTRECHT], YEAR, "60000.00"))
    created(pledge(pm, consortium_id, members[UTRECHT], YEAR + 1, "30000.00"))
    created(pledge(pm, consortium_id, members[UTRECHT], YEAR + 1, "10000.00", kind="in_kind"))
    created(contribute(pm, consortium_id, members[UTRECHT], "20000.00"))


def test_each_year_shows_needed_pledged_received_and_the_gap(
    pm: Api, consortium_id: str, members: dict[str, str]
) -> None:
    plan_beyond_the_pilot(pm, consortium_id, members)

    years = {y["year"]: y for y in financing(pm, consortium_id)["years"]}

    assert {k: years[YEAR + 2][k] for k in ("needed", "committed", "gap")} == {
        "needed": "30000.00",
        "committed": "0.00",
        "gap": "30000.00",
    }
    assert years[YEAR + 2]["needed_by_category"] == {
        "running_costs": "25000.00",
        "licences": "5000.00",
    }
    assert {k: years[YEAR + 1][k] for k in ("committed_cash", "committed_in_kind", "gap")} == {
        "committed_cash": "30000.00",
        "committed_in_kind": "10000.00",
        "gap": "0.00",
    }
    assert (years[YEAR]["received"], years[YEAR]["gap"]) == ("20000.00", "0.00")


def test_the_horizon_is_the_last_year_fully_pledged_and_a_short_one_is_at_risk(
    pm: Api, consortium_id: str, members: dict[str, str]
) -> None:
    plan_beyond_the_pilot(pm, consortium_id, members)
    assert pm.post(of(consortium_id, "phase"), json={"phase": "pilot"}).status_code == 200

    two_years = financing(pm, consortium_id)["status"]
    pm.client.put(
        of(consortium_id, "financing", "watch"),
        json={"years_ahead": 3, "gap_threshold": "0.00"},
        headers=pm.headers,
    )
    three_years = financing(pm, consortium_id)["status"]

    assert (two_years["horizon"], two_years["years_covered"], two_years["at_risk"]) == (
        YEAR + 1,
        2,
        False,
    )
    assert three_years["at_risk"] is True
    assert three_years["reasons"] == [f"The pledges cover 2 years from {YEAR}; 3 are needed."]
    assert budget(pm, consortium_id)["horizon"]["year"] == YEAR + 1


def test_the_plan_lists_every_revision_with_its_reason(
    pm: Api, consortium_id: str, members: dict[str, str]
) -> None:
    created(need(pm, consortium_id, YEAR + 2, "licences", "5000.00"))
    created(need(pm, consortium_id, YEAR + 2, "licences", "7500.00", reason="Meer gebruikers"))

    (line,) = json_of(pm.get(of(consortium_id, "needs")))["items"]

    assert (line["category"], line["amount"]) == ("licences", "7500.00")
    assert [(r["revision"], r["amount"], r["reason"]) for r in line["revisions"]] == [
        (1, "5000.00", None),
        (2, "7500.00", "Meer gebruikers"),
    ]


def test_the_financing_as_of_an_earlier_moment_shows_the_plan_as_it_stood(
    pm: Api, consortium_id: str, members: dict[str, str], clock: StepClock
) -> None:
    created(need(pm, consortium_id, YEAR + 2, "running_costs", "25000.00"))
    before = clock.peek().isoformat()
    created(need(pm, consortium_id, YEAR + 2, "running_costs", "30000.00", reason="Hoger"))

    then = financing(pm, consortium_id, as_of=before)

    assert [line["amount"] for line in then["plan"]] == ["25000.00"]
    assert {y["year"]: y["needed"] for y in then["years"]} == {YEAR + 2: "25000.00"}


def test_bad_needs_are_refused_on_their_field_and_nothing_is_stored(
    pm: Api, consortium_id: str, members: dict[str, str]
) -> None:
    refused = {
        "negative": need(pm, consortium_id, YEAR, "pilot", "-5.00"),
        "before the start": need(pm, consortium_id, YEAR - 1, "pilot", "5.00"),
        "unknown purpose": need(pm, consortium_id, YEAR, "party", "5.00"),
        "far ahead": need(pm, consortium_id, YEAR + 11, "pilot", "5.00"),
    }

    fields = {
        case: [e["field"] for e in problem_of(r, 422)["errors"]] for case, r in refused.items()
    }
    assert fields == {
        "negative": ["amount"],
        "before the start": ["year"],
        "unknown purpose": ["category"],
        "far ahead": ["year"],
    }
    assert json_of(pm.get(of(consortium_id, "needs")))["items"] == []
