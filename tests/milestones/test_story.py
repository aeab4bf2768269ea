"""The story of one consortium, over HTTP: from exploration through three gates (a redo, a go
with conditions, a go) into adoption, where a second municipality joins as adopter. At each step
the state (phase), the budget (tranches released and planned, the needs per year) and the history
(which evaluation released which tranche, by whom) tell the same story."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from tests.clock import StepClock
from tests.conftest import Api
from tests.http import json_of
from tests.milestones.support import (
    CONSORTIA,
    PM,
    TODAY,
    admit,
    answers_json,
    checkpoints,
    decided,
    history,
    milestones_of,
    plan,
    problem_of,
    spend,
)

EXPLORATION_GATE = date(2026, 4, 15)
REDO_DATE = date(2026, 5, 15)
PILOT_GATE = date(2026, 10, 1)
SCALE_UP_GATE = date(2027, 3, 1)
# The needs per year stay as planned: (year, committed, needed, gap); the redo stays in 2026.
NEEDS = [(2026, "70000.00", "70000.00", "0.00"), (2027, "30000.00", "80000.00", "50000.00")]


class Story:
    """The programme manager's view of her consortium, step by step."""

    def __init__(self, api: Api, clock: StepClock, consortium_id: str) -> None:
        self.api = api
        self.clock = clock
        self.id = consortium_id
        self.seen = 0  # versions of the history already looked at

    def on(self, day: date) -> None:
        """Move the clock to the morning of that day (08:00 UTC: 09:00 or 10:00 in Amsterdam)."""
        self.clock.advance(
            datetime(day.year, day.month, day.day, 8, tzinfo=UTC) - self.clock.peek()
        )

    def begin(self) -> tuple[str, str, str]:
        """Exploration: a lead municipality and a company pledge (70,000 for 2026, 30,000 for
        2027), the lead pays its 70,000, and three gates are planned whose tranches (20,000,
        50,000, 80,000) close exploration, pilot and scale-up. Answers the gates' ids."""
        lead = admit(self.api, self.id, "Gemeente Utrecht", "municipality", "lead")
        company = admit(self.api, self.id, "Zorgtech BV", "market", "partner")
        self.post("commitments", {"member_id": lead["id"], "year": 2026, "amount": "70000.00"})
        self.post("commitments", {"member_id": company["id"], "year": 2027, "amount": "30000.00"})
        cash = {"member_id": lead["id"], "kind": "cash", "amount": "70000.00"}
        self.post("contributions", {**cash, "date": TODAY.isoformat()})
        gates = [
            ("Verkenning afgerond", EXPLORATION_GATE, "20000.00", "exploration"),
            ("Pilot in twee wijken", PILOT_GATE, "50000.00", "pilot"),
            ("Opschaling naar de regio", SCALE_UP_GATE, "80000.00", "scale_up"),
        ]
        explore, pilot, scale = (
            plan(self.api, self.id, title, due, tranche=tranche, closes_phase=phase)["id"]
            for title, due, tranche, phase in gates
        )
        return explore, pilot, scale

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.api.post(f"{CONSORTIA}/{self.id}/{path}", json=body)
        assert response.status_code == 201, response.get_data(as_text=True)
        created: dict[str, Any] = json_of(response)
        return created

    def phase(self) -> str:
        phase: str = json_of(self.api.get(f"{CONSORTIA}/{self.id}"))["phase"]
        return phase

    def tranches(self) -> list[tuple[str, str, str]]:
        """(title, status, spent) of each tranche in the budget view."""
        items = json_of(self.api.get(f"{CONSORTIA}/{self.id}/budget"))["tranches"]["items"]
        return [(i["title"], i["status"], i["spent"]) for i in items]

    def budget(self) -> tuple[str, str, list[tuple[int, str, str, str]]]:
        """(tranches released, tranches planned, needs) of the budget view, where each need is
        (year, committed, needed, gap)."""
        body = json_of(self.api.get(f"{CONSORTIA}/{self.id}/budget"))
        needs = [
            (n["year"], n["committed"], n["needed"], n["gap"]) for n in body["horizon"]["needs"]
        ]
        return body["tranches"]["released"], body["tranches"]["planned"], needs

    def new_events(self) -> list[tuple[Any, ...]]:
        """The events recorded since the last look: type, actor and the facts that matter."""
        events = history(self.api, self.id)
        new, self.seen = events[self.seen :], len(events)
        return [(e["type"], e["actor"], *_facts(e)) for e in new]


def _facts(event: dict[str, Any]) -> tuple[Any, ...]:
    data = event["data"]
    if event["type"] == "CheckpointEvaluated":
        return data["milestone_id"], data["decision"]
    if event["type"] == "TrancheReleased":
        return data["milestone_id"], data["amount"], data["evaluation_number"]
    if event["type"] == "PhaseChanged":
        return data["from_phase"], data["to_phase"]
    if event["type"] == "MemberAdmitted":
        return data["party"], data["role"]
    if event["type"] == "ExpenditureRecorded":
        return data["milestone_id"], data["amount"]
    return ()


def test_a_consortium_passes_three_gates_into_adoption_and_gains_an_adopter(
    pm: Api, clock: StepClock, consortium_id: str
) -> None:
    story = Story(pm, clock, consortium_id)

    # -- exploration: members, money and three gates planned ------------------------------------
    explore, pilot, scale = story.begin()
    story.new_events()

    assert story.phase() == "exploration"
    assert story.tranches() == [
        ("Verkenning afgerond", "planned", "0.00"),
        ("Pilot in twee wijken", "planned", "0.00"),
        ("Opschaling naar de regio", "planned", "0.00"),
    ]
    assert story.budget() == ("0.00", "150000.00", NEEDS)
    refused = spend(pm, consortium_id, "5000.00", TODAY, milestone_id=explore)
    assert "has not been passed" in problem_of(refused, 409)["detail"]

    # -- gate 1, first time: redo -----------------------------------------------------------------
    story.on(EXPLORATION_GATE)
    decided(
        pm,
        consortium_id,
        explore,
        "redo",
        answers=answers_json(infrastructure="partly"),
        new_due_date=REDO_DATE.isoformat(),
    )

    assert story.phase() == "exploration"
    assert story.budget() == ("0.00", "150000.00", NEEDS)
    assert story.new_events() == [("CheckpointEvaluated", PM, explore, "redo")]
    assert checkpoints(pm, due_within_days=0) == []  # nothing due today any more
    assert [c["due_date"] for c in checkpoints(pm) if c["milestone_id"] == explore] == [
        REDO_DATE.isoformat()
    ]

    # -- gate 1, second time: go; the tranche is released and spent against -----------------------
    story.on(REDO_DATE)
    result = decided(pm, consortium_id, explore, "go")
    spend(pm, consortium_id, "15000.00", REDO_DATE, milestone_id=explore)

    assert (result["number"], result["tranche_released"]) == (2, "20000.00")
    assert story.phase() == "pilot"
    assert story.budget() == ("20000.00", "130000.00", NEEDS)
    assert story.tranches() == [
        ("Verkenning afgerond", "released", "15000.00"),
        ("Pilot in twee wijken", "planned", "0.00"),
        ("Opschaling naar de regio", "planned", "0.00"),
    ]
    assert story.new_events() == [
        ("CheckpointEvaluated", PM, explore, "go"),
        ("TrancheReleased", PM, explore, "20000.00", 2),
        ("PhaseChanged", PM, "exploration", "pilot"),
        ("ExpenditureRecorded", PM, explore, "15000.00"),
    ]

    # -- gate 2: go with conditions -----------------------------------------------------------
    story.on(PILOT_GATE)
    decided(
        pm,
        consortium_id,
        pilot,
        "go_with_conditions",
        answers=answers_json(infrastructure="partly"),
        conditions="Privacytoets afronden voor de opschaling",
    )

    assert story.phase() == "scale_up"
    assert story.budget() == ("70000.00", "80000.00", NEEDS)
    assert story.new_events() == [
        ("CheckpointEvaluated", PM, pilot, "go_with_conditions"),
        ("TrancheReleased", PM, pilot, "50000.00", 1),
        ("PhaseChanged", PM, "pilot", "scale_up"),
    ]
    shown = json_of(pm.get(f"{milestones_of(consortium_id)}/{pilot}"))
    assert shown["open_conditions"] == "Privacytoets afronden voor de opschaling"

    # -- gate 3: go, which also clears the conditions of gate 2 -------------------------------
    story.on(SCALE_UP_GATE)
    decided(pm, consortium_id, scale, "go", clears_conditions_of=[pilot])

    assert story.phase() == "adoption"
    assert story.budget() == ("150000.00", "0.00", NEEDS)
    assert story.new_events() == [
        ("CheckpointEvaluated", PM, scale, "go"),
        ("TrancheReleased", PM, scale, "80000.00", 1),
        ("PhaseChanged", PM, "scale_up", "adoption"),
    ]
    shown = json_of(pm.get(f"{milestones_of(consortium_id)}/{pilot}"))
    assert shown["open_conditions"] is None
    assert checkpoints(pm, due_within_days=3650) == []
    assert {c["title"]: c["status"] for c in checkpoints(pm, include_closed="true")} == {
        "Verkenning afgerond": "passed",
        "Pilot in twee wijken": "passed",
        "Opschaling naar de regio": "passed",
    }

    # -- adoption: another municipality takes the proven solution over --------------------------
    admit(pm, consortium_id, "Gemeente Amersfoort", "municipality", "adopter", population=160000)

    members = json_of(pm.get(f"{CONSORTIA}/{consortium_id}"))["members"]
    assert story.phase() == "adoption"
    assert [(m["party"], m["role"]) for m in members][-1] == ("Gemeente Amersfoort", "adopter")
    assert story.new_events() == [("MemberAdmitted", PM, "Gemeente Amersfoort", "adopter")]
    assert story.budget() == ("150000.00", "0.00", NEEDS)
