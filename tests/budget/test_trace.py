"""Every figure of the budget traced to its events (both backends): the events' counted amounts
add up to the figure the budget shows, for every kind of figure, of the whole consortium, a
year, a member and a member's year; now, as of a past instant, and as booked up to a day; on
books with back-dated entries, a revised pledge, shares pledged by a key and a reversal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from consortium.trace import TRACEABLE
from tests.budget.support import of, problem_of
from tests.conftest import Api
from tests.http import json_of

READINGS = {"now": None, "as of before": "before", "on 2024-12-31": "2024-12-31"}


def _query(books: dict[str, Any], reading: str) -> dict[str, str]:
    value = READINGS[reading]
    if value is None:
        return {}
    if value == "before":
        return {"as_of": books["before"]}
    return {"on": value}


def _figures_shown(budget: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(selection, figures) for the totals, each year, each member and each member's year."""
    shown: list[tuple[dict[str, Any], dict[str, Any]]] = [({}, budget["totals"])]
    shown += [({"year": y["year"]}, y) for y in budget["years"]]
    for member in budget["members"]:
        shown.append(({"member_id": member["member_id"]}, member))
        shown += [
            ({"member_id": member["member_id"], "year": y["year"]}, y) for y in member["years"]
        ]
    return shown


@pytest.mark.parametrize("reading", READINGS)
def test_the_traced_events_add_up_to_every_figure_shown(
    api: Api, books: dict[str, Any], reading: str
) -> None:
    query = _query(books, reading)
    budget = json_of(api.get(of(books["id"], "budget"), query_string=query))
    mismatches = []
    for selection, figures in _figures_shown(budget):
        for figure in TRACEABLE:
            traced = json_of(
                api.get(
                    of(books["id"], "budget", "trace"),
                    query_string={**query, **selection, "figure": figure},
                )
            )
            counted = sum((Decimal(line["counted"]) for line in traced["lines"]), Decimal(0))
            if not (counted == Decimal(traced["total"]) == Decimal(figures[figure])):
                mismatches.append((selection, figure, figures[figure], traced["total"], counted))
    assert mismatches == []


def test_the_books_to_trace_hold_what_a_trace_must_explain(api: Api, books: dict[str, Any]) -> None:
    now = json_of(api.get(of(books["id"], "budget")))
    before = json_of(api.get(of(books["id"], "budget"), query_string={"as_of": books["before"]}))
    booked = json_of(api.get(of(books["id"], "budget"), query_string={"on": "2024-12-31"}))

    assert now["totals"]["received"] == "21800.00"  # 20000 + 800 in kind + 1000; 5000 reversed
    assert before["totals"]["received"] == "25800.00"  # the reversal not recorded yet
    assert booked["totals"]["received"] == "20000.00"  # dated in 2024, the reversal included
    assert now["totals"]["committed"] == "85000.00"  # 45000 revised + 10000 + 30000 shared


def test_a_traced_line_names_the_event_its_actor_request_and_time(
    api: Api, books: dict[str, Any]
) -> None:
    traced = json_of(
        api.get(
            of(books["id"], "budget", "trace"),
            query_string={"figure": "received", "member_id": books["utrecht"], "year": 2024},
        )
    )

    lines = [(line["event"], line["counted"], line["about"]) for line in traced["lines"]]
    assert lines == [
        ("ContributionLogged", "20000.00", "2024-03-01"),
        ("ContributionLogged", "5000.00", "2024-04-01"),
        ("ContributionReversed", "-5000.00", "2026-03-03"),
    ]
    first = traced["lines"][0]
    assert first["actor"] == "admin@consortium.example"
    assert first["request_id"]
    assert first["occurred_at"].startswith("2026-03-02")
    assert first["party"] == "Gemeente Utrecht"
    assert traced["total"] == "20000.00"


def test_a_revised_pledge_is_traced_to_the_revision_in_force(
    api: Api, books: dict[str, Any]
) -> None:
    traced = json_of(
        api.get(
            of(books["id"], "budget", "trace"),
            query_string={"figure": "committed", "member_id": books["utrecht"]},
        )
    )

    assert [(line["event"], line["year"], line["counted"]) for line in traced["lines"]] == [
        ("CommitmentPledged", 2024, "45000.00"),
        ("CostSharesPledged", 2026, "10000.00"),
    ]


def test_available_counts_spending_against_cash(api: Api, books: dict[str, Any]) -> None:
    traced = json_of(
        api.get(of(books["id"], "budget", "trace"), query_string={"figure": "available"})
    )

    spent = [line["counted"] for line in traced["lines"] if line["event"] == "ExpenditureRecorded"]
    assert spent == ["-3000.00", "-500.00"]
    assert traced["total"] == "17500.00"


def test_bad_trace_parameters_are_refused_field_by_field(api: Api, books: dict[str, Any]) -> None:
    response = api.get(
        of(books["id"], "budget", "trace"),
        query_string={"figure": "gap", "year": "next", "member_id": "x", "colour": "red"},
    )

    fields = {e["field"] for e in problem_of(response, 422)["errors"]}
    assert fields == {"figure", "year", "member_id", "colour"}


def test_a_member_of_another_consortium_is_refused(api: Api, books: dict[str, Any]) -> None:
    other = "0b6f3a0e-8a48-4c1e-9f57-3d2b4f0f8e11"
    response = api.get(
        of(books["id"], "budget", "trace"),
        query_string={"figure": "received", "member_id": other},
    )

    assert [e["field"] for e in problem_of(response, 422)["errors"]] == ["member_id"]


def test_a_trace_needs_a_figure(api: Api, books: dict[str, Any]) -> None:
    response = api.get(of(books["id"], "budget", "trace"))

    assert [e["field"] for e in problem_of(response, 422)["errors"]] == ["figure"]
