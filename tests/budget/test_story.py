"""The newcomer's story of the pooled budget, over HTTP (SQLite and PostgreSQL).

Three municipalities (Utrecht, Amersfoort, Zeist) found a consortium with a university. They
pledge for 2026 to 2029, and Zeist revises its 2029 pledge with a reason. Money comes in: cash
from each municipality, work in kind from the university (hours × rate) and a valued service
from Utrecht. Zeist's transfer is first booked ten times too high; that moment is when the
funder asks for an overview. Then the booking is reversed and the right amount logged, the
project leader is paid, and a new 2030 contribution of 120,000 euro is divided by population
and pledged. The budget then, and now, adds up to the cent, and every figure is explained by
the history (GET /events), which names who did what.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

import pytest
from flask.testing import FlaskClient

from events.bootstrap import Store
from tests.budget.support import (
    BASE,
    CONSORTIA,
    PM,
    answered,
    budget,
    contribute,
    created,
    history,
    of,
    pledge,
    recompute_from_history,
    reverse,
    share,
    spend,
)
from tests.clock import StepClock
from tests.conftest import Api, issue_token
from tests.http import json_of

PLEDGED: Final = {  # per year, 2026 to 2029
    "Gemeente Utrecht": "40000.00",
    "Gemeente Amersfoort": "17500.00",
    "Gemeente Zeist": "7250.50",
}
POPULATION: Final = {
    "Gemeente Utrecht": 374_238,
    "Gemeente Amersfoort": 160_000,
    "Gemeente Zeist": 65_000,
}
UNIVERSITY: Final = "Universiteit Utrecht"


def totals(
    committed: str, cash: str, in_kind: str, spent: str, available: str, outstanding: str
) -> dict[str, str]:
    return {
        "committed": committed,
        "committed_cash": committed,
        "committed_in_kind": "0.00",
        "received": str(Decimal(cash) + Decimal(in_kind)),
        "received_cash": cash,
        "received_in_kind": in_kind,
        "spent": spent,
        "available": available,
        "outstanding": outstanding,
        "outstanding_in_kind": f"{Decimal(0) - Decimal(in_kind):.2f}",
        "needed": "0.00",  # no financing plan
        "gap": "0.00",
    }


def found_the_consortium(pm: Api) -> tuple[str, dict[str, str]]:
    consortium = created(
        pm.post(
            CONSORTIA,
            json={
                "name": "Langer thuis in de wijk",
                "challenge": "Ouderen wonen langer zelfstandig thuis",
            },
        )
    )
    consortium_id: str = consortium["id"]
    members = {}
    for n, (party, population) in enumerate(POPULATION.items()):
        body = {
            "party": party,
            "sector": "municipality",
            "role": "lead" if n == 0 else "partner",
            "population": population,
        }
        members[party] = created(pm.post(of(consortium_id, "members"), json=body))["id"]
    university = {"party": UNIVERSITY, "sector": "academia", "role": "partner"}
    members[UNIVERSITY] = created(pm.post(of(consortium_id, "members"), json=university))["id"]
    return consortium_id, members


@pytest.fixture
def pm(api: Api, store: Store, client: FlaskClient) -> Api:
    """The programme manager, given an account that may found by the administrator."""
    created(api.post(f"{BASE}/accounts", json={"email": PM, "may_found": True}))
    return Api(client, issue_token(store, PM))


def test_three_municipalities_pool_their_money_and_every_figure_adds_up(
    pm: Api, clock: StepClock
) -> None:
    consortium_id, members = found_the_consortium(pm)
    utrecht, amersfoort, zeist = (members[p] for p in POPULATION)

    # Pledges for 2026–2029, and a revision with its reason.
    for party, amount in PLEDGED.items():
        for year in range(2026, 2030):
            created(pledge(pm, consortium_id, members[party], year, amount))
    no_reason = pledge(pm, consortium_id, zeist, 2029, "5000.00")
    assert no_reason.status_code == 422
    created(pledge(pm, consortium_id, zeist, 2029, "5000.00", reason="Raadsbesluit: bezuiniging"))

    # Money comes in: cash, hours in kind, a valued service, and one booking ten times too high.
    created(contribute(pm, consortium_id, utrecht, "40000.00", reference="Factuur U-2026"))
    created(contribute(pm, consortium_id, amersfoort, "17500.00", on=date(2026, 2, 15)))
    work = created(
        contribute(
            pm,
            consortium_id,
            members[UNIVERSITY],
            "11460.00",
            kind="in_kind",
            hours="120",
            rate="95.50",
            reference="Onderzoek wijkzorg",
        )
    )
    assert (work["hours"], work["rate"]) == ("120", "95.50")
    created(
        contribute(
            pm, consortium_id, utrecht, "2500.00", kind="in_kind", reference="Vergaderruimte"
        )
    )
    mistake = created(contribute(pm, consortium_id, zeist, "72505.00", reference="Zeist 2026"))
    overview_asked = clock.peek()

    # The booking is corrected, the project leader paid, and 2030 shared by population.
    created(reverse(pm, consortium_id, mistake["id"], "Tikfout: 7250,50 bedoeld"))
    created(contribute(pm, consortium_id, zeist, "7250.50", reference="Zeist 2026"))
    too_much = spend(pm, consortium_id, "64750.51", description="Meer dan er is")
    assert (too_much.status_code, json_of(too_much)["available"]) == (409, "64750.50")
    created(spend(pm, consortium_id, "25000.00", description="Projectleider Q1"))
    shares = created(
        share(
            pm,
            consortium_id,
            "120000.00",
            "population",
            member_ids=[utrecht, amersfoort, zeist],
            commit_year=2030,
        )
    )
    assert [s["amount"] for s in shares["shares"]] == ["74942.78", "32040.69", "13016.53"]

    now = budget(pm, consortium_id)
    then = budget(pm, consortium_id, as_of=overview_asked.isoformat())

    # Now: 4 × 64,750.50 pledged, less Zeist's 2,250.50 for 2029, plus 120,000 for 2030.
    assert now["totals"] == totals(
        committed="376751.50",
        cash="64750.50",
        in_kind="13960.00",
        spent="25000.00",
        available="39750.50",
        outstanding="312001.00",
    )
    assert [(y["year"], y["committed"]) for y in now["years"]] == [
        (2026, "64750.50"),
        (2027, "64750.50"),
        (2028, "64750.50"),
        (2029, "62500.00"),
        (2030, "120000.00"),
    ]
    year_2026 = now["years"][0]
    assert (year_2026["received_cash"], year_2026["spent"], year_2026["outstanding"]) == (
        "64750.50",
        "25000.00",
        "0.00",
    )
    rows = {m["party"]: m for m in now["members"]}
    assert {p: rows[p]["committed"] for p in rows} == {
        "Gemeente Utrecht": "234942.78",
        "Gemeente Amersfoort": "102040.69",
        "Gemeente Zeist": "39768.03",
        UNIVERSITY: "0.00",
    }
    assert {p: rows[p]["received"] for p in rows} == {
        "Gemeente Utrecht": "42500.00",
        "Gemeente Amersfoort": "17500.00",
        "Gemeente Zeist": "7250.50",
        UNIVERSITY: "11460.00",
    }
    assert now["horizon"]["last_committed_year"] == 2030

    # Then, when the funder asked: the wrong booking counted, nothing spent yet, up to 2029.
    assert then["totals"] == totals(
        committed="256751.50",
        cash="130005.00",
        in_kind="13960.00",
        spent="0.00",
        available="130005.00",
        outstanding="126746.50",
    )
    assert then["horizon"]["last_committed_year"] == 2029

    # Every figure, then and now, is explained by the history, which names who did it.
    events = history(pm, consortium_id)
    assert answered(now) == recompute_from_history(events)
    assert answered(then) == recompute_from_history(events, as_of=overview_asked)
    money = [e for e in events if e["type"] in MONEY_EVENTS]
    assert [e["type"] for e in money].count("CommitmentPledged") == 13
    assert {e["type"]: e["actor"] for e in money} == dict.fromkeys(MONEY_EVENTS, PM)
    (reversal,) = (e for e in events if e["type"] == "ContributionReversed")
    assert reversal["data"] == {
        "contribution_id": mistake["id"],
        "reason": "Tikfout: 7250,50 bedoeld",
        # What the reversal takes out of the figures, so the history explains it alone.
        "member_id": mistake["member_id"],
        "year": mistake["year"],
        "kind": mistake["kind"],
        "amount": mistake["amount"],
    }
    assert datetime.fromisoformat(reversal["occurred_at"]) > overview_asked

    # The portfolio and the member's money view say the same as the budget.
    (row,) = json_of(pm.get(CONSORTIA))["items"]
    assert {k: row[k] for k in ("committed", "received", "spent", "available")} == {
        k: now["totals"][k] for k in ("committed", "received", "spent", "available")
    }
    utrecht_money = json_of(pm.get(f"{BASE}/members/Gemeente%20Utrecht/money"))
    assert _figures(utrecht_money["totals"]) == _figures(rows["Gemeente Utrecht"])


MONEY_EVENTS: Final = (
    "CommitmentPledged",
    "ContributionLogged",
    "ContributionReversed",
    "ExpenditureRecorded",
    "CostSharesPledged",
)


def _figures(row: dict[str, Any]) -> dict[str, str]:
    return {k: row[k] for k in ("committed", "received_cash", "received_in_kind")}
