"""GET /api/v1/checkpoints: the checkpoints of every consortium the caller may see, with their
status and days left as the clock moves on, served from the read model."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from events.bootstrap import Store
from tests.clock import StepClock
from tests.conftest import Api, issue_token
from tests.http import json_of
from tests.milestones.support import (
    CHECKPOINTS,
    CONSORTIA,
    TODAY,
    checkpoints,
    decided,
    plan,
    refused_fields,
    replan,
)

DUE = TODAY + timedelta(days=30)
LATER = DUE + timedelta(days=30)


@pytest.fixture
def milestone_id(pm: Api, consortium_id: str) -> str:
    identifier: str = plan(pm, consortium_id, "Pilot in twee wijken", DUE)["id"]
    return identifier


def row_of(api: Api, milestone_id: str, **query: Any) -> tuple[str, int] | None:
    """(status, days_left) of the milestone's checkpoint in the list, or None if not listed."""
    query.setdefault("due_within_days", 365)
    for row in checkpoints(api, **query):
        if row["milestone_id"] == milestone_id:
            return row["status"], row["days_left"]
    return None


def to_days_before_due(clock: StepClock, days: int) -> None:
    """Move the clock to the morning (08:00 UTC), ``days`` days before the checkpoint is due."""
    target = datetime(DUE.year, DUE.month, DUE.day, 8, tzinfo=UTC) - timedelta(days=days)
    clock.advance(target - clock.peek())


# -- status as the clock advances ---------------------------------------------------------------


def test_a_checkpoint_more_than_14_days_ahead_is_planned(pm: Api, milestone_id: str) -> None:
    assert row_of(pm, milestone_id) == ("planned", 30)


def test_a_checkpoint_is_due_soon_from_14_days_before_its_date(
    pm: Api, milestone_id: str, clock: StepClock
) -> None:
    to_days_before_due(clock, 15)
    before = row_of(pm, milestone_id)
    to_days_before_due(clock, 14)

    assert (before, row_of(pm, milestone_id)) == (("planned", 15), ("due_soon", 14))


def test_a_checkpoint_is_due_soon_on_its_date(pm: Api, milestone_id: str, clock: StepClock) -> None:
    to_days_before_due(clock, 0)

    assert row_of(pm, milestone_id) == ("due_soon", 0)


def test_a_checkpoint_is_overdue_the_day_after_its_date(
    pm: Api, milestone_id: str, clock: StepClock
) -> None:
    to_days_before_due(clock, -1)

    assert row_of(pm, milestone_id) == ("overdue", -1)


def test_today_is_the_date_in_amsterdam(pm: Api, milestone_id: str, clock: StepClock) -> None:
    # 23:30 UTC on the due date is already the next day in Amsterdam (CEST, UTC+2).
    clock.advance(datetime(DUE.year, DUE.month, DUE.day, 23, 30, tzinfo=UTC) - clock.peek())

    assert row_of(pm, milestone_id) == ("overdue", -1)


def test_a_passed_checkpoint_is_listed_as_passed_when_closed_ones_are_asked_for(
    pm: Api, consortium_id: str, milestone_id: str, clock: StepClock
) -> None:
    to_days_before_due(clock, -3)
    decided(pm, consortium_id, milestone_id, "go")

    assert row_of(pm, milestone_id, include_closed="true") == ("passed", -3)


def test_a_passed_checkpoint_is_not_listed_by_default(
    pm: Api, consortium_id: str, milestone_id: str
) -> None:
    decided(pm, consortium_id, milestone_id, "go")

    assert row_of(pm, milestone_id) is None


def test_a_checkpoint_told_to_redo_is_listed_on_its_new_date(
    pm: Api, consortium_id: str, milestone_id: str
) -> None:
    decided(pm, consortium_id, milestone_id, "redo", new_due_date=LATER.isoformat())

    assert row_of(pm, milestone_id) == ("planned", 60)


def test_a_replanned_checkpoint_is_listed_on_its_new_date(
    pm: Api, consortium_id: str, milestone_id: str
) -> None:
    replan(pm, consortium_id, milestone_id, TODAY + timedelta(days=10), "Eerder klaar")

    assert row_of(pm, milestone_id) == ("due_soon", 10)


def test_the_checkpoint_a_consortium_stopped_at_is_listed_as_stopped(
    pm: Api, consortium_id: str, milestone_id: str
) -> None:
    decided(pm, consortium_id, milestone_id, "stop")

    assert row_of(pm, milestone_id, include_closed="true") == ("stopped", 30)


def test_the_open_checkpoints_of_a_stopped_consortium_are_no_longer_listed(
    pm: Api, consortium_id: str, milestone_id: str
) -> None:
    other = plan(pm, consortium_id, "Opschaling", LATER)["id"]
    decided(pm, consortium_id, milestone_id, "stop")

    assert row_of(pm, other) is None


# -- the window ---------------------------------------------------------------------------------


def test_a_checkpoint_beyond_the_window_is_not_listed(pm: Api, milestone_id: str) -> None:
    assert (
        row_of(pm, milestone_id, due_within_days=29),
        row_of(pm, milestone_id, due_within_days=30),
    ) == (
        None,
        ("planned", 30),
    )


def test_an_overdue_checkpoint_is_listed_whatever_the_window(
    pm: Api, milestone_id: str, clock: StepClock
) -> None:
    to_days_before_due(clock, -20)

    assert row_of(pm, milestone_id, due_within_days=0) == ("overdue", -20)


def test_checkpoints_are_listed_soonest_first_with_today(pm: Api, consortium_id: str) -> None:
    plan(pm, consortium_id, "Later", LATER)
    plan(pm, consortium_id, "Eerder", DUE)

    body = json_of(pm.get(CHECKPOINTS, query_string={"due_within_days": 365}))

    assert body["today"] == TODAY.isoformat()
    assert [c["title"] for c in body["items"]] == ["Eerder", "Later"]


def test_a_checkpoint_names_its_consortium_and_questions(
    pm: Api, consortium_id: str, milestone_id: str
) -> None:
    (row,) = checkpoints(pm, due_within_days=365)

    assert (row["consortium_id"], row["consortium_name"], len(row["questions"])) == (
        consortium_id,
        "Langer thuis in de wijk",
        3,
    )


@pytest.mark.parametrize(
    ("query", "field"),
    [({"due_within_days": -1}, "due_within_days"), ({"soon": 3}, "soon")],
)
def test_an_invalid_query_is_refused_on_its_parameter(
    pm: Api, query: dict[str, Any], field: str
) -> None:
    assert refused_fields(pm.get(CHECKPOINTS, query_string=query)) == {field}


# -- who sees what ------------------------------------------------------------------------------


@pytest.fixture
def elsewhere(api: Api) -> str:
    """A checkpoint of a consortium the administrator founded: the programme manager has no
    role in it. Answers the milestone's id."""
    response = api.post(CONSORTIA, json={"name": "Slimme dijken", "challenge": "Waterveiligheid"})
    assert response.status_code == 201, response.get_data(as_text=True)
    identifier: str = plan(api, json_of(response)["id"], "Sensoren in de dijk", DUE)["id"]
    return identifier


def test_a_caller_sees_the_checkpoints_of_the_consortia_it_has_a_role_in_only(
    pm: Api, milestone_id: str, elsewhere: str
) -> None:
    assert [c["milestone_id"] for c in checkpoints(pm, due_within_days=365)] == [milestone_id]


def test_an_account_without_roles_sees_no_checkpoints(
    client: FlaskClient, store: Store, milestone_id: str, elsewhere: str
) -> None:
    nobody = Api(client, issue_token(store, "nieuw@example.org"))

    assert checkpoints(nobody, due_within_days=365, include_closed="true") == []


def test_an_administrator_sees_the_checkpoints_of_every_consortium(
    api: Api, milestone_id: str, elsewhere: str
) -> None:
    listed = {c["milestone_id"] for c in checkpoints(api, due_within_days=365)}

    assert listed == {milestone_id, elsewhere}
