"""Helpers of the milestone tests: answers to the checkpoint's questions, in the domain and in
JSON, and the HTTP calls that plan, re-plan and evaluate milestones."""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from werkzeug.test import TestResponse

from consortium.milestones import AnswerValue, Milestone
from tests.conftest import Api
from tests.http import json_of

# The test clock starts at 2026-03-02 09:00 UTC, which is 10:00 on 2 March in Amsterdam.
TODAY: Final = date(2026, 3, 2)
PM: Final = "pm@utrecht.example"

BASE: Final = "/api/v1"
CONSORTIA: Final = f"{BASE}/consortia"
CHECKPOINTS: Final = f"{BASE}/checkpoints"
PROBLEM_JSON: Final = "application/problem+json"

THREE_KEYS: Final = ("works", "next_step", "infrastructure")

DomainAnswers = list[tuple[str, AnswerValue, str | None]]


# -- the domain ---------------------------------------------------------------------------------


def yes_to_all(milestone: Milestone) -> DomainAnswers:
    """A 'yes' to every question of the milestone's checkpoint, its own ones included."""
    return [(q.key, AnswerValue.YES, None) for q in milestone.questions]


def answering(milestone: Milestone, **given: AnswerValue) -> DomainAnswers:
    """'yes' to every question, except those named (by key) with another answer."""
    return [(q.key, given.get(q.key, AnswerValue.YES), None) for q in milestone.questions]


# -- HTTP ---------------------------------------------------------------------------------------


def milestones_of(consortium_id: str) -> str:
    return f"{CONSORTIA}/{consortium_id}/milestones"


def answers_json(**given: str) -> list[dict[str, Any]]:
    """JSON answers to the three questions: 'yes' unless another answer is named by key."""
    return [{"question": key, "answer": given.get(key, "yes"), "note": None} for key in THREE_KEYS]


def plan(api: Api, consortium_id: str, title: str, due: date, **fields: Any) -> dict[str, Any]:
    """Plan a milestone over HTTP and answer it (201 checked)."""
    response = api.post(
        milestones_of(consortium_id),
        json={"title": title, "due_date": due.isoformat(), **fields},
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    planned: dict[str, Any] = json_of(response)
    return planned


def replan(api: Api, consortium_id: str, milestone_id: str, due: date, reason: str) -> Any:
    return api.post(
        f"{milestones_of(consortium_id)}/{milestone_id}/replan",
        json={"due_date": due.isoformat(), "reason": reason},
    )


def evaluate(
    api: Api,
    consortium_id: str,
    milestone_id: str,
    decision: str,
    answers: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> Any:
    """Post an evaluation; answers default to 'yes' to each of the three questions."""
    body = {"answers": answers_json() if answers is None else answers, "decision": decision}
    return api.post(
        f"{milestones_of(consortium_id)}/{milestone_id}/evaluations", json={**body, **fields}
    )


def decided(
    api: Api, consortium_id: str, milestone_id: str, decision: str, **fields: Any
) -> dict[str, Any]:
    """Evaluate and answer the result (201 checked)."""
    response = evaluate(api, consortium_id, milestone_id, decision, **fields)
    assert response.status_code == 201, response.get_data(as_text=True)
    result: dict[str, Any] = json_of(response)
    return result


def admit(
    api: Api, consortium_id: str, party: str, sector: str, role: str, **fields: Any
) -> dict[str, Any]:
    response = api.post(
        f"{CONSORTIA}/{consortium_id}/members",
        json={"party": party, "sector": sector, "role": role, **fields},
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    member: dict[str, Any] = json_of(response)
    return member


def spend(api: Api, consortium_id: str, amount: str, on: date, **fields: Any) -> Any:
    return api.post(
        f"{CONSORTIA}/{consortium_id}/expenditures",
        json={"amount": amount, "date": on.isoformat(), "description": "Inzet", **fields},
    )


def problem_of(response: TestResponse, status: int) -> dict[str, Any]:
    """The RFC 9457 body of an error answer with that status."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM_JSON
    body: dict[str, Any] = json_of(response)
    assert body["status"] == status
    return body


def refused_fields(response: TestResponse) -> set[str]:
    """The fields a 422 problem names (fails on any other answer)."""
    return {error["field"] for error in problem_of(response, 422)["errors"]}


def checkpoints(api: Api, **query: Any) -> list[dict[str, Any]]:
    response = api.get(CHECKPOINTS, query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    items: list[dict[str, Any]] = json_of(response)["items"]
    return items


def history(api: Api, consortium_id: str) -> list[dict[str, Any]]:
    """Every event of the consortium, oldest first, following `next` links."""
    events: list[dict[str, Any]] = []
    url: str | None = f"{CONSORTIA}/{consortium_id}/events?limit=200"
    while url is not None:
        body = json_of(api.get(url))
        events.extend(body["items"])
        url = body["next"]
    return events
