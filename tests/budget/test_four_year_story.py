"""The four-year story end to end, over HTTP (SQLite and PostgreSQL).

"Langer thuis in de wijk" began in 2023 and is entered on 2 March 2026 (the test clock): its
members, who joined over time; its financing plan, needs per year to 2030 (exploration, pilot,
scale-up, then the structural years: running costs, licences, maintenance, support); pledges in
cash and in kind, each on the day it was made, one revised with a reason; contributions on their
real dates; checkpoints evaluated when they were. The programme manager enters the years up to
2024 first, then the rest, and finally asks the financing to be watched three years ahead.

A funder (the province, given the funder's role) then reads per year to 2030 what is needed,
pledged, received and missing, and which years are at risk: now, ``?as_of=`` the moment the
first half had been entered, and ``?on=`` the last day of 2024. Every figure is held against a
computation, in this test, from the table of facts it entered, and against a recomputation from
the history (GET /events).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Final

import pytest
from flask.testing import FlaskClient

from events.bootstrap import Store
from tests.budget.plan_facts import answered_years, from_history, recomputed, shown
from tests.budget.support import BASE, CONSORTIA, PM, created, history, of
from tests.clock import StepClock
from tests.conftest import Api, issue_token
from tests.http import json_of

BEGAN: Final = 2023
TODAY: Final = date(2026, 3, 2)
FUNDER: Final = "financier@provincie-utrecht.example"
U, P, UU, AM = (
    "Gemeente Utrecht",
    "Provincie Utrecht",
    "Universiteit Utrecht",
    "Gemeente Amersfoort",
)
MEMBERS: Final = (  # party, sector, role, joined on
    (U, "municipality", "lead", "2023-01-16"),
    (P, "government", "funder", "2023-02-01"),
    (UU, "academia", "partner", "2023-03-01"),
    (AM, "municipality", "partner", "2024-05-13"),
)
STRUCTURAL: Final = {"running_costs": 60_000, "licences": 15_000, "maintenance": 20_000}


@dataclass(frozen=True)
class Need:
    year: int
    category: str
    euro: int


@dataclass(frozen=True)
class Pledge:
    party: str
    year: int
    euro: int
    on: str
    kind: str = "cash"
    reason: str | None = None


@dataclass(frozen=True)
class Paid:
    party: str
    euro: int
    on: str
    kind: str = "cash"
    year: int | None = None


Fact = Need | Pledge | Paid

# Entered first: the years up to 2024 (and the plan of the years before the structural ones).
FIRST_HALF: Final[tuple[Fact, ...]] = (
    Need(2023, "exploration", 60_000),
    Need(2024, "pilot", 150_000),
    Need(2025, "pilot", 150_000),
    Need(2026, "scale_up", 200_000),
    Need(2027, "scale_up", 180_000),
    Pledge(U, 2023, 40_000, "2023-01-20"),
    Pledge(P, 2023, 20_000, "2023-02-10"),
    Pledge(U, 2024, 50_000, "2023-11-30"),
    Pledge(P, 2024, 50_000, "2023-12-14"),
    Pledge(P, 2025, 50_000, "2023-12-14"),
    Pledge(UU, 2024, 40_000, "2024-01-15", kind="in_kind"),
    Pledge(U, 2024, 60_000, "2024-02-15", reason="Raadsbesluit: een derde wijk"),
    Pledge(UU, 2025, 40_000, "2024-01-15", kind="in_kind"),
    Pledge(U, 2025, 60_000, "2024-11-28"),
    Paid(U, 40_000, "2023-03-15"),
    Paid(P, 20_000, "2023-04-03"),
    Paid(U, 60_000, "2024-03-14"),
    Paid(P, 50_000, "2024-04-02"),
    Paid(UU, 38_000, "2024-12-20", kind="in_kind"),
)
# Entered afterwards: 2025 and later, the structural years, and a payment of today.
SECOND_HALF: Final[tuple[Fact, ...]] = (
    *(Need(y, c, euro) for y in range(2028, 2031) for c, euro in STRUCTURAL.items()),
    Need(2028, "support", 25_000),
    Pledge(AM, 2026, 40_000, "2025-10-01"),
    Pledge(AM, 2027, 50_000, "2025-10-01"),
    Pledge(P, 2026, 60_000, "2025-06-20"),
    Pledge(P, 2027, 50_000, "2025-06-20"),
    Pledge(UU, 2026, 20_000, "2025-12-01", kind="in_kind"),
    Pledge(U, 2026, 80_000, "2025-11-27"),
    Pledge(U, 2027, 80_000, "2025-11-27"),
    *(Pledge(U, y, 60_000, "2025-11-27") for y in range(2028, 2031)),
    Pledge(AM, 2028, 30_000, "2025-10-01"),
    Paid(U, 60_000, "2025-03-13"),
    Paid(P, 50_000, "2025-04-01"),
    Paid(UU, 39_900, "2025-12-19", kind="in_kind"),
    Paid(U, 80_000, TODAY.isoformat(), year=2026),
)


# -- the figures a funder should read, computed from the facts above --------------------------


def expected(facts: Iterable[Fact], on: str | None = None) -> dict[int, dict[str, str]]:
    """Per year, from the facts entered (with ``on``: pledges and payments about a day up to
    it, the plan as it stands): needs added up, the last pledge per member, year and kind,
    payments added up; the gap is what the pledges leave of the needs."""
    needed: dict[int, Decimal] = {}
    pledged: dict[tuple[str, int, str], tuple[int, str]] = {}
    received: dict[int, Decimal] = {}
    for fact in facts:
        if isinstance(fact, Need):
            needed[fact.year] = needed.get(fact.year, Decimal(0)) + fact.euro
        elif on is not None and fact.on > on:
            continue
        elif isinstance(fact, Pledge):
            pledged[fact.party, fact.year, fact.kind] = (fact.euro, fact.kind)
        else:
            year = fact.year or int(fact.on[:4])
            received[year] = received.get(year, Decimal(0)) + fact.euro
    years = {}
    for year in sorted({*needed, *received, *(y for _, y, _ in pledged)}):
        cash = sum(e for (_, y, k), (e, _) in pledged.items() if y == year and k == "cash")
        in_kind = sum(e for (_, y, k), (e, _) in pledged.items() if y == year and k != "cash")
        need = needed.get(year, Decimal(0))
        years[year] = {
            "needed": need,
            "committed": Decimal(cash + in_kind),
            "committed_cash": Decimal(cash),
            "committed_in_kind": Decimal(in_kind),
            "received": received.get(year, Decimal(0)),
            "gap": max(need - cash - in_kind, Decimal(0)),
        }
    return shown({y: {k: f"{v:.2f}" for k, v in row.items()} for y, row in years.items()})


def covered_from(years: dict[int, dict[str, str]], this_year: int) -> int:
    """Years in a row from this one whose need is fully pledged."""
    covered = 0
    while (row := years.get(this_year + covered)) is not None and row["gap"] == "0.00":
        covered += 1
    return covered


def missing(years: dict[int, dict[str, str]]) -> set[int]:
    return {y for y, row in years.items() if row["gap"] != "0.00"}


# -- entering the story ----------------------------------------------------------------------


@pytest.fixture
def pm(api: Api, store: Store, client: FlaskClient) -> Api:
    created(api.post(f"{BASE}/accounts", json={"email": PM, "may_found": True}))
    return Api(client, issue_token(store, PM))


class Story:
    def __init__(self, pm: Api) -> None:
        self.pm = pm
        body = {"name": "Langer thuis in de wijk", "challenge": "Thuiszorg", "start_year": BEGAN}
        self.id: str = created(pm.post(CONSORTIA, json=body))["id"]
        self.members = {
            party: self.post("members", party=party, sector=sector, role=role, joined_on=joined_on)[
                "id"
            ]
            for party, sector, role, joined_on in MEMBERS
        }

    def post(self, path: str, **body: Any) -> dict[str, Any]:
        return created(self.pm.post(of(self.id, path), json=body))

    def enter(self, facts: Iterable[Fact]) -> None:
        for fact in facts:
            if isinstance(fact, Need):
                self.post("needs", year=fact.year, category=fact.category, amount=_euro(fact.euro))
                continue
            member_id = self.members[fact.party]
            if isinstance(fact, Pledge):
                self.post(
                    "commitments",
                    member_id=member_id,
                    year=fact.year,
                    amount=_euro(fact.euro),
                    kind=fact.kind,
                    pledged_on=fact.on,
                    reason=fact.reason,
                )
            else:
                extra = {} if fact.year is None else {"year": fact.year}
                self.post(
                    "contributions",
                    member_id=member_id,
                    kind=fact.kind,
                    amount=_euro(fact.euro),
                    date=fact.on,
                    **extra,
                )

    def checkpoint(self, title: str, planned_on: str, due: str, closes: str, on: str) -> None:
        milestone = self.post(
            "milestones", title=title, due_date=due, planned_on=planned_on, closes_phase=closes
        )
        answers = [
            {"question": q, "answer": "yes"} for q in ("works", "next_step", "infrastructure")
        ]
        self.post(
            f"milestones/{milestone['id']}/evaluations",
            answers=answers,
            decision="go",
            evaluated_on=on,
        )


def _euro(amount: int) -> str:
    return f"{amount}.00"


@pytest.fixture
def story(pm: Api, store: Store, client: FlaskClient, clock: StepClock) -> dict[str, Any]:
    """The story entered; the funder's API, and the moment the first half was in."""
    entered = Story(pm)
    entered.enter(FIRST_HALF)
    entered.checkpoint(
        "Verkenning afgerond", "2023-02-01", "2023-11-30", "exploration", "2023-12-05"
    )
    halfway = clock.peek()
    entered.enter(SECOND_HALF)
    entered.checkpoint("Pilot geëvalueerd", "2024-01-15", "2025-06-30", "pilot", "2025-07-03")
    watch = {"years_ahead": 3, "gap_threshold": "0.00"}
    response = pm.client.put(of(entered.id, "financing", "watch"), json=watch, headers=pm.headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    funder = Api(client, issue_token(store, FUNDER))  # the account first, then its role
    entered.post("roles", account=FUNDER, role="funder")
    return {"id": entered.id, "funder": funder, "halfway": halfway}


def read(api: Api, consortium_id: str, path: str, **query: str) -> dict[str, Any]:
    response = api.get(of(consortium_id, path), query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    body: dict[str, Any] = json_of(response)
    return body


# -- what the funder reads -------------------------------------------------------------------


def test_now_a_funder_reads_each_year_to_2030_and_the_years_at_risk(story: dict[str, Any]) -> None:
    funder, c = story["funder"], story["id"]
    facts = (*FIRST_HALF, *SECOND_HALF)

    financing = read(funder, c, "financing")
    budget = read(funder, c, "budget")

    years = answered_years(financing)
    assert years == answered_years(budget) == expected(facts)
    assert sorted(years) == list(range(BEGAN, 2031))
    assert missing(years) == {2028, 2029, 2030}
    covered = covered_from(years, TODAY.year)
    assert financing["status"]["years_covered"] == covered
    assert financing["status"]["horizon"] == TODAY.year + covered - 1
    assert financing["status"]["at_risk"] is (covered < 3)  # watched three years ahead
    assert years == recomputed(from_history(history(funder, c)))


def test_as_of_the_moment_half_was_entered_the_funder_reads_the_books_as_they_were(
    story: dict[str, Any],
) -> None:
    funder, c, halfway = story["funder"], story["id"], story["halfway"]

    then = read(funder, c, "financing", as_of=halfway.isoformat())

    years = answered_years(then)
    assert years == expected(FIRST_HALF)
    assert missing(years) == {2026, 2027}  # nothing pledged for them yet
    assert then["status"]["horizon"] is None
    assert then["status"]["at_risk"] is True  # in its pilot then, no year ahead pledged
    assert then["watch"]["years_ahead"] == 2  # the watch was set afterwards
    assert years == recomputed(from_history(history(funder, c), as_of=halfway))


def test_on_the_last_day_of_2024_the_funder_reads_what_was_booked_for_the_days_up_to_it(
    story: dict[str, Any],
) -> None:
    funder, c = story["funder"], story["id"]
    facts = (*FIRST_HALF, *SECOND_HALF)

    then = read(funder, c, "budget", on="2024-12-31")

    years = answered_years(then)
    assert years == expected(facts, on="2024-12-31")
    assert missing(years) == set(range(2026, 2031))  # pledged in 2025 and later
    assert [m["party"] for m in then["members"]] == [party for party, *_ in MEMBERS]
    assert years == recomputed(from_history(history(funder, c)), on=date(2024, 12, 31))


def test_the_funder_reads_but_does_not_change(story: dict[str, Any]) -> None:
    funder, c = story["funder"], story["id"]

    answer = funder.post(
        of(c, "needs"), json={"year": 2030, "category": "support", "amount": "1.00"}
    )

    assert answer.status_code == 403
