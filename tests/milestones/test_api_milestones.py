"""The HTTP contract of milestones and evaluations: 201 with Location, 422 field by field for
invalid input, 409 where the consortium's state forbids the act, 404 and 403 as elsewhere.

These run on SQLite only: the contract does not depend on the backend, and the checkpoint list,
the calendar feeds and the story (which do read what the backend stored) run on both."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from events.bootstrap import Store
from events.settings import StoreSettings
from tests.backends import sqlite_file
from tests.conftest import Api, issue_token
from tests.http import json_of
from tests.milestones.support import (
    CONSORTIA,
    PM,
    TODAY,
    admit,
    answers_json,
    checkpoints,
    decided,
    evaluate,
    milestones_of,
    plan,
    problem_of,
    refused_fields,
    replan,
    spend,
)

DUE = TODAY + timedelta(days=30)
LATER = DUE + timedelta(days=30)


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[StoreSettings]:
    with sqlite_file(tmp_path) as settings:
        yield settings


@pytest.fixture
def milestone_id(pm: Api, consortium_id: str) -> str:
    """An open milestone with a tranche of 40,000 euro that closes exploration."""
    planned = plan(
        pm,
        consortium_id,
        "Pilot in twee wijken",
        DUE,
        tranche="40000.00",
        closes_phase="exploration",
    )
    identifier: str = planned["id"]
    return identifier


@pytest.fixture
def funded(pm: Api, consortium_id: str) -> str:
    """The consortium with 100,000 euro cash from its lead; answers the consortium's id."""
    lead = admit(pm, consortium_id, "Gemeente Utrecht", "municipality", "lead")
    response = pm.post(
        f"{CONSORTIA}/{consortium_id}/contributions",
        json={
            "member_id": lead["id"],
            "kind": "cash",
            "amount": "100000.00",
            "date": TODAY.isoformat(),
        },
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    return consortium_id


# -- planning -----------------------------------------------------------------------------------


def test_a_planned_milestone_is_201_with_its_location(pm: Api, consortium_id: str) -> None:
    response = pm.post(
        milestones_of(consortium_id), json={"title": "Pilot", "due_date": DUE.isoformat()}
    )

    assert response.status_code == 201
    assert json_of(pm.get(response.headers["Location"])) == json_of(response)


def test_a_planned_milestone_shows_its_checkpoint(pm: Api, consortium_id: str) -> None:
    planned = plan(pm, consortium_id, "Pilot", DUE, questions=["Zijn de bewoners tevreden?"])

    assert {k: planned[k] for k in ("due_date", "status", "days_left", "planned_by")} == {
        "due_date": DUE.isoformat(),
        "status": "planned",
        "days_left": 30,
        "planned_by": PM,
    }
    assert [q["key"] for q in planned["questions"]] == [
        "works",
        "next_step",
        "infrastructure",
        "q1",
    ]


def test_planning_lists_every_missing_field(pm: Api, consortium_id: str) -> None:
    response = pm.post(milestones_of(consortium_id), json={})

    assert refused_fields(response) == {"title", "due_date"}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("tranche", 40000),
        ("tranche", "-1.00"),
        ("closes_phase", "adoption"),
        ("due_date", (TODAY - timedelta(days=1)).isoformat()),
        ("due_date", "1 april"),
        ("responsible_member_ids", ["8f14e45f-ceea-467f-a0e6-2b8c4d3e5f10"]),
        ("colour", "red"),
    ],
)
def test_planning_refuses_an_invalid_value_on_its_field(
    pm: Api, consortium_id: str, field: str, value: Any
) -> None:
    body = {"title": "Pilot", "due_date": DUE.isoformat(), field: value}

    assert refused_fields(pm.post(milestones_of(consortium_id), json=body)) == {field}


def test_a_refused_plan_records_nothing(pm: Api, consortium_id: str) -> None:
    pm.post(milestones_of(consortium_id), json={"title": "Pilot", "due_date": "2020-01-01"})

    assert json_of(pm.get(milestones_of(consortium_id)))["items"] == []


def test_a_funder_may_read_milestones_but_not_plan_them(
    pm: Api, client: FlaskClient, store: Store, consortium_id: str
) -> None:
    funder = Api(client, issue_token(store, "financier@provincie.example"))
    grant = {"account": "financier@provincie.example", "role": "funder"}
    assert pm.post(f"{CONSORTIA}/{consortium_id}/roles", json=grant).status_code == 201

    response = funder.post(
        milestones_of(consortium_id), json={"title": "Pilot", "due_date": DUE.isoformat()}
    )

    problem_of(response, 403)
    assert funder.get(milestones_of(consortium_id)).status_code == 200


def test_a_consortium_the_caller_may_not_see_has_no_milestones_for_it(
    client: FlaskClient, store: Store, consortium_id: str
) -> None:
    outsider = Api(client, issue_token(store, "buitenstaander@example.org"))

    response = outsider.post(
        milestones_of(consortium_id), json={"title": "Pilot", "due_date": DUE.isoformat()}
    )

    problem_of(response, 404)


# -- re-planning --------------------------------------------------------------------------------


def test_a_replan_answers_the_milestone_on_its_new_date_with_the_replan(
    pm: Api, consortium_id: str, milestone_id: str
) -> None:
    response = replan(pm, consortium_id, milestone_id, LATER, "Zomervakantie")

    assert response.status_code == 200
    body = json_of(response)
    assert body["due_date"] == LATER.isoformat()
    assert [
        {k: r[k] for k in ("from_date", "to_date", "reason", "replanned_by")}
        for r in body["replans"]
    ] == [
        {
            "from_date": DUE.isoformat(),
            "to_date": LATER.isoformat(),
            "reason": "Zomervakantie",
            "replanned_by": PM,
        }
    ]


def test_a_replan_without_a_reason_is_refused_on_reason(
    pm: Api, consortium_id: str, milestone_id: str
) -> None:
    response = pm.post(
        f"{milestones_of(consortium_id)}/{milestone_id}/replan",
        json={"due_date": LATER.isoformat()},
    )

    assert refused_fields(response) == {"reason"}


def test_a_replan_of_an_evaluated_milestone_is_409(
    pm: Api, consortium_id: str, milestone_id: str
) -> None:
    decided(pm, consortium_id, milestone_id, "go")

    problem_of(replan(pm, consortium_id, milestone_id, LATER, "Te laat"), 409)


# -- evaluating ---------------------------------------------------------------------------------


def test_an_evaluation_is_201_with_its_location(
    pm: Api, consortium_id: str, milestone_id: str
) -> None:
    response = evaluate(pm, consortium_id, milestone_id, "go")

    assert response.status_code == 201
    assert response.headers["Location"].endswith(f"/milestones/{milestone_id}/evaluations/1")
    assert json_of(pm.get(response.headers["Location"]))["decision"] == "go"


def test_an_evaluation_answers_what_the_decision_brought_about(
    pm: Api, consortium_id: str, milestone_id: str
) -> None:
    result = decided(pm, consortium_id, milestone_id, "go")

    assert {
        k: result[k] for k in ("number", "milestone_status", "tranche_released", "consortium_phase")
    } == {
        "number": 1,
        "milestone_status": "passed",
        "tranche_released": "40000.00",
        "consortium_phase": "pilot",
    }


@pytest.mark.parametrize(
    ("case", "fields", "refused"),
    [
        ("an answer is missing", {"answers": answers_json()[:2]}, {"answers"}),
        ("no go when it does not work", {"answers": answers_json(works="no")}, {"decision"}),
        (
            "conditions are missing",
            {"decision": "go_with_conditions", "conditions": None},
            {"conditions"},
        ),
        ("the redo date is missing", {"decision": "redo"}, {"new_due_date"}),
        (
            "the redo date is past",
            {"decision": "redo", "new_due_date": (TODAY - timedelta(days=1)).isoformat()},
            {"new_due_date"},
        ),
        ("a go has a redo date", {"new_due_date": LATER.isoformat()}, {"new_due_date"}),
        (
            "the answer is not yes, partly or no",
            {"answers": answers_json(works="misschien")},
            {"answers.0.answer"},
        ),
        ("the decision is unknown", {"decision": "maybe"}, {"decision"}),
        ("a field is unknown", {"score": 8}, {"score"}),
    ],
)
def test_an_invalid_evaluation_is_refused_on_its_field(
    pm: Api,
    consortium_id: str,
    milestone_id: str,
    case: str,
    fields: dict[str, Any],
    refused: set[str],
) -> None:
    body = {"answers": answers_json(), "decision": "go", **fields}

    response = pm.post(f"{milestones_of(consortium_id)}/{milestone_id}/evaluations", json=body)

    assert refused_fields(response) == refused, case


def test_a_refused_evaluation_records_nothing(
    pm: Api, consortium_id: str, milestone_id: str
) -> None:
    evaluate(pm, consortium_id, milestone_id, "go", answers=answers_json(works="no"))

    evaluations = pm.get(f"{milestones_of(consortium_id)}/{milestone_id}/evaluations")
    assert json_of(evaluations) == []


@pytest.mark.parametrize(
    ("decision", "fields"),
    [("go", {}), ("go_with_conditions", {"conditions": "Privacytoets afronden"})],
)
def test_a_second_evaluation_of_a_decided_milestone_is_409(
    pm: Api, consortium_id: str, milestone_id: str, decision: str, fields: dict[str, Any]
) -> None:
    decided(pm, consortium_id, milestone_id, decision, **fields)

    problem_of(evaluate(pm, consortium_id, milestone_id, "go"), 409)


def test_after_a_redo_the_milestone_is_evaluated_again_as_number_two(
    pm: Api, consortium_id: str, milestone_id: str
) -> None:
    decided(pm, consortium_id, milestone_id, "redo", new_due_date=LATER.isoformat())

    assert decided(pm, consortium_id, milestone_id, "go")["number"] == 2


def test_the_evaluations_of_a_milestone_are_listed_oldest_first(
    pm: Api, consortium_id: str, milestone_id: str
) -> None:
    decided(pm, consortium_id, milestone_id, "redo", new_due_date=LATER.isoformat())
    decided(pm, consortium_id, milestone_id, "go")

    listed = json_of(pm.get(f"{milestones_of(consortium_id)}/{milestone_id}/evaluations"))

    assert [(e["number"], e["decision"]) for e in listed] == [(1, "redo"), (2, "go")]


def test_an_unknown_milestone_is_a_404_problem(pm: Api, consortium_id: str) -> None:
    unknown = "8f14e45f-ceea-467f-a0e6-2b8c4d3e5f10"

    problem_of(evaluate(pm, consortium_id, unknown, "go"), 404)


def test_conditions_are_open_until_a_later_evaluation_clears_them(
    pm: Api, consortium_id: str, milestone_id: str
) -> None:
    decided(pm, consortium_id, milestone_id, "go_with_conditions", conditions="Privacytoets")
    opened = json_of(pm.get(f"{milestones_of(consortium_id)}/{milestone_id}"))["open_conditions"]
    later = plan(pm, consortium_id, "Opschaling", LATER)["id"]

    decided(pm, consortium_id, later, "go", clears_conditions_of=[milestone_id])

    cleared = json_of(pm.get(f"{milestones_of(consortium_id)}/{milestone_id}"))["open_conditions"]
    assert (opened, cleared) == ("Privacytoets", None)


def test_clearing_the_conditions_of_a_milestone_without_open_conditions_is_refused(
    pm: Api, consortium_id: str, milestone_id: str
) -> None:
    decided(pm, consortium_id, milestone_id, "go")
    later = plan(pm, consortium_id, "Opschaling", LATER)["id"]

    response = evaluate(pm, consortium_id, later, "go", clears_conditions_of=[milestone_id])

    assert refused_fields(response) == {"clears_conditions_of"}


def test_clearing_the_conditions_of_an_unknown_milestone_is_refused_on_that_field(
    pm: Api, consortium_id: str, milestone_id: str
) -> None:
    unknown = "8f14e45f-ceea-467f-a0e6-2b8c4d3e5f10"

    response = evaluate(pm, consortium_id, milestone_id, "go", clears_conditions_of=[unknown])

    assert refused_fields(response) == {"clears_conditions_of"}


# -- after a stop -------------------------------------------------------------------------------


@pytest.fixture
def stopped(pm: Api, consortium_id: str, milestone_id: str) -> str:
    """The consortium stopped at the gate of ``milestone_id``; answers an open milestone."""
    other: str = plan(pm, consortium_id, "Opschaling", LATER)["id"]
    assert decided(pm, consortium_id, milestone_id, "stop")["consortium_phase"] == "stopped"
    return other


def test_after_a_stop_no_other_milestone_is_evaluated(
    pm: Api, consortium_id: str, stopped: str
) -> None:
    problem_of(evaluate(pm, consortium_id, stopped, "go"), 409)


def test_after_a_stop_no_milestone_is_replanned(pm: Api, consortium_id: str, stopped: str) -> None:
    problem_of(replan(pm, consortium_id, stopped, LATER + timedelta(days=1), "Doorstart"), 409)


def test_after_a_stop_no_milestone_is_planned(pm: Api, consortium_id: str, stopped: str) -> None:
    response = pm.post(
        milestones_of(consortium_id), json={"title": "Doorstart", "due_date": LATER.isoformat()}
    )

    problem_of(response, 409)


def test_an_open_checkpoint_of_a_stopped_consortium_is_stopped_in_both_views(
    pm: Api, consortium_id: str, stopped: str
) -> None:
    closed = checkpoints(pm, include_closed="true", due_within_days=365)
    listed = {c["milestone_id"]: c["status"] for c in closed}
    shown = json_of(pm.get(f"{milestones_of(consortium_id)}/{stopped}"))["status"]

    assert (listed[stopped], shown) == ("stopped", "stopped")


# -- spending against a milestone ---------------------------------------------------------------


def test_spending_against_a_gate_not_passed_is_a_409_that_names_the_gate(
    pm: Api, funded: str, milestone_id: str
) -> None:
    response = spend(pm, funded, "1000.00", TODAY, milestone_id=milestone_id)

    problem = problem_of(response, 409)
    assert "'Pilot in twee wijken' has not been passed" in problem["detail"]
    assert problem["milestone_id"] == milestone_id


def test_spending_against_a_passed_gate_is_201(pm: Api, funded: str, milestone_id: str) -> None:
    decided(pm, funded, milestone_id, "go")

    response = spend(pm, funded, "1000.00", TODAY, milestone_id=milestone_id)

    assert (response.status_code, json_of(response)["milestone_id"]) == (201, milestone_id)


def test_spending_beyond_the_tranche_is_a_409_with_what_is_left(
    pm: Api, funded: str, milestone_id: str
) -> None:
    decided(pm, funded, milestone_id, "go")
    assert spend(pm, funded, "35000.00", TODAY, milestone_id=milestone_id).status_code == 201

    response = spend(pm, funded, "5000.01", TODAY, milestone_id=milestone_id)

    assert problem_of(response, 409)["available"] == "5000.00"


def test_spending_against_an_unknown_milestone_is_refused_on_milestone_id(
    pm: Api, funded: str
) -> None:
    unknown = "8f14e45f-ceea-467f-a0e6-2b8c4d3e5f10"

    response = spend(pm, funded, "10.00", TODAY, milestone_id=unknown)

    assert refused_fields(response) == {"milestone_id"}
