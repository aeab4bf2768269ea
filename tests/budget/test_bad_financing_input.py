"""Bad input to the financing plan and the consortium's past, over HTTP (SQLite and PostgreSQL):
needs and pledges for years outside the consortium's span, negative needs, a date after today,
a back-dated fact before the consortium began. Each is a 422 naming its field, and nothing is
stored: the consortium's version, its history and its figures stay as they were.

The consortium began in 2024 and is entered on 2 March 2026 (the test clock); its budget years
run from 2024 to 2036 (today's year + 10)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import pytest
from werkzeug.test import TestResponse

from tests.budget.support import CONSORTIA, created, history, of, refused, version_of
from tests.conftest import Api
from tests.http import json_of

BEGAN: Final = 2024
LAST: Final = 2036
TOMORROW: Final = "2026-03-03"
BEFORE_IT_BEGAN: Final = "2023-12-31"
THREE: Final = [
    {"question": "works", "answer": "yes"},
    {"question": "next_step", "answer": "yes"},
    {"question": "infrastructure", "answer": "yes"},
]


class Entered:
    """A consortium of 2024 with a lead, a partner, money, and a milestone of its past."""

    def __init__(self, api: Api) -> None:
        self.api = api
        body = {"name": "Zorg op afstand", "challenge": "Thuiszorg", "start_year": BEGAN}
        self.id: str = created(api.post(CONSORTIA, json=body))["id"]
        self.lead = self._add("members", **municipality("Gemeente Utrecht", "lead", "2024-01-10"))
        self.partner = self._add(
            "members", **municipality("Gemeente Zeist", "partner", "2024-05-01")
        )
        self._add("needs", year=2026, category="pilot", amount="50000.00")
        self._add("commitments", member_id=self.lead, year=2026, amount="50000.00")
        self._add(
            "contributions", member_id=self.lead, kind="cash", amount="20000.00", date="2024-03-01"
        )
        self.milestone = self._add(
            "milestones", title="Pilot", due_date="2024-09-01", planned_on="2024-02-01"
        )

    def _add(self, path: str, **body: Any) -> str:
        """Post what the consortium has before the bad input, and answer its id, if any."""
        return str(created(self.post(path, **body)).get("id"))

    def post(self, path: str, **body: Any) -> TestResponse:
        response: TestResponse = self.api.post(of(self.id, path), json=body)
        return response

    def state(self) -> tuple[int, int, Any, Any]:
        """What would show a stored refusal: version, history, plan and budget."""
        return (
            version_of(self.api, self.id),
            len(history(self.api, self.id)),
            json_of(self.api.get(of(self.id, "needs"))),
            json_of(self.api.get(of(self.id, "budget")))["years"],
        )


@pytest.fixture
def entered(api: Api) -> Entered:
    return Entered(api)


def municipality(party: str, role: str, joined_on: str) -> dict[str, str]:
    return {"party": party, "sector": "municipality", "role": role, "joined_on": joined_on}


def member(party: str, **day: str) -> dict[str, str]:
    return {"party": party, "sector": "market", "role": "partner", **day}


CASES: Final[dict[str, tuple[str, Callable[[Entered], TestResponse]]]] = {
    # needs and pledges for years outside the consortium's span
    "need before the start": (
        "year",
        lambda c: c.post("needs", year=BEGAN - 1, category="pilot", amount="1.00"),
    ),
    "need beyond the last year": (
        "year",
        lambda c: c.post("needs", year=LAST + 1, category="support", amount="1.00"),
    ),
    "pledge before the start": (
        "year",
        lambda c: c.post("commitments", member_id=c.lead, year=BEGAN - 1, amount="1.00"),
    ),
    "pledge beyond the last year": (
        "year",
        lambda c: c.post(
            "commitments", member_id=c.lead, year=LAST + 1, amount="1.00", kind="in_kind"
        ),
    ),
    "contribution booked against a year before the start": (
        "year",
        lambda c: c.post(
            "contributions",
            member_id=c.lead,
            kind="cash",
            amount="1.00",
            date="2024-02-01",
            year=BEGAN - 1,
        ),
    ),
    "shares pledged for a year before the start": (
        "commit_year",
        lambda c: c.post("cost-sharing", amount="100.00", key="equal", commit_year=BEGAN - 1),
    ),
    # negative needs
    "negative need": (
        "amount",
        lambda c: c.post("needs", year=2027, category="running_costs", amount="-1.00"),
    ),
    "need revised below zero": (
        "amount",
        lambda c: c.post(
            "needs", year=2026, category="pilot", amount="-50000.00", reason="Minder nodig"
        ),
    ),
    # a date after today
    "contribution dated tomorrow": (
        "date",
        lambda c: c.post(
            "contributions", member_id=c.lead, kind="cash", amount="1.00", date=TOMORROW
        ),
    ),
    "spending dated tomorrow": (
        "date",
        lambda c: c.post("expenditures", amount="1.00", date=TOMORROW, description="Later"),
    ),
    "pledged tomorrow": (
        "pledged_on",
        lambda c: c.post(
            "commitments", member_id=c.lead, year=2027, amount="1.00", pledged_on=TOMORROW
        ),
    ),
    "revision about a day before the pledge it revises": (
        "pledged_on",
        lambda c: c.post(
            "commitments",
            member_id=c.lead,
            year=2026,
            amount="40000.00",
            reason="Bezuiniging",
            pledged_on="2026-03-01",  # the pledge it revises was made today
        ),
    ),
    "joined tomorrow": (
        "joined_on",
        lambda c: c.post("members", **member("X", joined_on=TOMORROW)),
    ),
    "left tomorrow": (
        "left_on",
        lambda c: c.post(f"members/{c.partner}/leave", left_on=TOMORROW),
    ),
    "planned tomorrow": (
        "planned_on",
        lambda c: c.post("milestones", title="Later", due_date="2026-06-01", planned_on=TOMORROW),
    ),
    "evaluated tomorrow": (
        "evaluated_on",
        lambda c: c.post(
            f"milestones/{c.milestone}/evaluations",
            answers=THREE,
            decision="go",
            evaluated_on=TOMORROW,
        ),
    ),
    # a back-dated fact before the consortium began
    "joined before it began": (
        "joined_on",
        lambda c: c.post("members", **member("X", joined_on=BEFORE_IT_BEGAN)),
    ),
    "pledged before it began": (
        "pledged_on",
        lambda c: c.post(
            "commitments",
            member_id=c.lead,
            year=2025,
            amount="1.00",
            pledged_on=BEFORE_IT_BEGAN,
        ),
    ),
    "contribution before it began": (
        "date",
        lambda c: c.post(
            "contributions",
            member_id=c.lead,
            kind="in_kind",
            amount="1.00",
            date=BEFORE_IT_BEGAN,
            year=BEGAN,
        ),
    ),
    "spending before it began": (
        "date",
        lambda c: c.post("expenditures", amount="1.00", date=BEFORE_IT_BEGAN, description="Oud"),
    ),
    "left before it began": (
        "left_on",
        lambda c: c.post(f"members/{c.partner}/leave", left_on=BEFORE_IT_BEGAN),
    ),
    "left before joining": (
        "left_on",
        lambda c: c.post(f"members/{c.partner}/leave", left_on="2024-04-30"),
    ),
    "planned before it began": (
        "planned_on",
        lambda c: c.post(
            "milestones", title="Oud", due_date="2024-06-01", planned_on=BEFORE_IT_BEGAN
        ),
    ),
    "evaluated before it began": (
        "evaluated_on",
        lambda c: c.post(
            f"milestones/{c.milestone}/evaluations",
            answers=THREE,
            decision="go",
            evaluated_on=BEFORE_IT_BEGAN,
        ),
    ),
    "evaluated before it was planned": (
        "evaluated_on",
        lambda c: c.post(
            f"milestones/{c.milestone}/evaluations",
            answers=THREE,
            decision="go",
            evaluated_on="2024-01-31",
        ),
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_refused_naming_its_field_and_nothing_is_stored(
    entered: Entered, case: str
) -> None:
    field, act = CASES[case]
    before = entered.state()

    answer = refused(act(entered))

    assert (answer, entered.state()) == ({field}, before)


def test_a_consortium_cannot_begin_in_another_era_or_after_next_year(api: Api) -> None:
    def found(start_year: int) -> TestResponse:
        body = {"name": "Te vroeg of te laat", "challenge": "Thuiszorg", "start_year": start_year}
        response: TestResponse = api.post(CONSORTIA, json=body)
        return response

    answers = {year: refused(found(year)) for year in (2015, 2028)}

    assert answers == {2015: {"start_year"}, 2028: {"start_year"}}
    assert json_of(api.get(CONSORTIA))["items"] == []
