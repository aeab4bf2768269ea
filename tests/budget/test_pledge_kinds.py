"""Pledges by kind (SQLite and PostgreSQL): a member pledges cash, work in kind, or both for a
year; each pledge is revised on its own and paid off by contributions of its kind; what is
outstanding is shown per kind. A pledge without a kind is one of cash."""

from __future__ import annotations

from typing import Final

from tests.budget.support import (
    TODAY,
    budget,
    contribute,
    created,
    of,
    pledge,
    problem_of,
)
from tests.conftest import Api
from tests.http import json_of

UTRECHT: Final = "Gemeente Utrecht"
YEAR: Final = TODAY.year


def test_cash_and_work_in_kind_are_two_pledges_of_one_member_for_one_year(
    pm: Api, consortium_id: str, members: dict[str, str]
) -> None:
    utrecht = members[UTRECHT]
    cash = created(pledge(pm, consortium_id, utrecht, YEAR, "10000.00"))
    work = created(pledge(pm, consortium_id, utrecht, YEAR, "4000.00", kind="in_kind"))

    listed = json_of(pm.get(of(consortium_id, "commitments")))["items"]

    assert (cash["kind"], work["kind"]) == ("cash", "in_kind")
    assert cash["id"] != work["id"]
    assert [(p["kind"], p["amount"]) for p in listed] == [
        ("cash", "10000.00"),
        ("in_kind", "4000.00"),
    ]


def test_each_kind_is_paid_off_by_contributions_of_its_kind(
    pm: Api, consortium_id: str, members: dict[str, str]
) -> None:
    utrecht = members[UTRECHT]
    created(pledge(pm, consortium_id, utrecht, YEAR, "10000.00"))
    created(pledge(pm, consortium_id, utrecht, YEAR, "4000.00", kind="in_kind"))
    created(contribute(pm, consortium_id, utrecht, "2500.00"))
    created(contribute(pm, consortium_id, utrecht, "3400.00", kind="in_kind"))

    totals = budget(pm, consortium_id)["totals"]

    assert {k: totals[k] for k in ("committed", "committed_cash", "committed_in_kind")} == {
        "committed": "14000.00",
        "committed_cash": "10000.00",
        "committed_in_kind": "4000.00",
    }
    assert (totals["outstanding"], totals["outstanding_in_kind"]) == ("7500.00", "600.00")
    assert totals["available"] == "2500.00"  # work in kind is no cash to spend


def test_a_pledge_of_one_kind_is_revised_apart_from_the_other(
    pm: Api, consortium_id: str, members: dict[str, str]
) -> None:
    utrecht = members[UTRECHT]
    created(pledge(pm, consortium_id, utrecht, YEAR, "10000.00"))
    created(pledge(pm, consortium_id, utrecht, YEAR, "4000.00", kind="in_kind"))

    unchanged = pledge(pm, consortium_id, utrecht, YEAR, "4000.00", kind="in_kind")
    without_reason = pledge(pm, consortium_id, utrecht, YEAR, "3000.00", kind="in_kind")
    revised = created(
        pledge(pm, consortium_id, utrecht, YEAR, "3000.00", kind="in_kind", reason="Minder uren")
    )

    assert problem_of(unchanged, 409)["current"] == "4000.00"
    assert [e["field"] for e in problem_of(without_reason, 422)["errors"]] == ["reason"]
    assert (revised["kind"], revised["revision"]) == ("in_kind", 2)
    assert budget(pm, consortium_id)["totals"]["committed"] == "13000.00"


def test_a_pledge_without_a_kind_is_one_of_cash(
    pm: Api, consortium_id: str, members: dict[str, str]
) -> None:
    plain = created(pledge(pm, consortium_id, members[UTRECHT], YEAR, "500.00"))

    assert plain["kind"] == "cash"
    assert budget(pm, consortium_id)["totals"]["committed_cash"] == "500.00"
