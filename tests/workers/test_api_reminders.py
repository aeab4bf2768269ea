"""The reminder resources of the REST API: GET /consortia/{id}/reminders (what was sent, to whom
and when; what is planned next) and GET/PUT /consortia/{id}/reminder-policy (validated, with
field errors as application/problem+json). Real store on SQLite and PostgreSQL, test clock."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from typing import Any, Final

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from consortium.milestones import Decision
from tests.conftest import Api, issue_token
from tests.http import json_of
from tests.workers.support import (
    FUNDER_ACCOUNT,
    LEAD_CONTACT,
    PM,
    SECOND_PM,
    TODAY,
    RecordingMailer,
    World,
    days,
    deliver_all,
)
from workers.delivery import deliver

PROBLEM_JSON: Final = "application/problem+json"


def reminders_path(world: World) -> str:
    return f"/api/v1/consortia/{world.consortium_id}/reminders"


def policy_path(world: World) -> str:
    return f"/api/v1/consortia/{world.consortium_id}/reminder-policy"


def put(api: Api, path: str, body: Any) -> TestResponse:
    return api.client.put(path, json=body, headers=api.headers)


def ok(response: TestResponse) -> Any:
    assert response.status_code == 200, response.get_data(as_text=True)
    return json_of(response)


def refused_fields(response: TestResponse) -> set[str]:
    """The fields a 422 problem names (fails on any other answer)."""
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM_JSON
    return {error["field"] for error in json_of(response)["errors"]}


@pytest.fixture
def pm(client: FlaskClient, world: World) -> Api:
    """The programme manager who founded the consortium, over HTTP."""
    return Api(client, issue_token(world.store, PM))


# -- what was sent -------------------------------------------------------------------------------


def test_the_reminders_list_shows_to_whom_each_reminder_was_sent_and_when(
    world: World, pm: Api
) -> None:
    due = TODAY + days(3)
    world.plan(due)
    deliver_all(world, world.scan(), RecordingMailer())
    delivered = {r.recipient: r.delivered_at for r in world.reminders()}

    sent = ok(pm.get(reminders_path(world)))["sent"]

    assert {s["recipient"]: datetime.fromisoformat(s["delivered_at"]) for s in sent} == delivered
    assert {(s["kind"], s["step"], s["due_date"]) for s in sent} == {
        ("reminder", 3, due.isoformat())
    }


def test_a_reminder_not_delivered_yet_is_listed_without_a_delivery_time(
    world: World, pm: Api
) -> None:
    world.plan(TODAY + days(3))
    world.scan()

    sent = ok(pm.get(reminders_path(world)))["sent"]

    assert {s["recipient"] for s in sent} == {LEAD_CONTACT, PM, SECOND_PM}
    assert all(s["scheduled_at"] and s["delivered_at"] is None for s in sent)


class UnreachableMailer:
    """A mail server that cannot be reached, with words of its own (which nobody should see)."""

    def send(self, message: EmailMessage) -> None:
        raise ConnectionRefusedError(111, "Connection refused by smtp.internal:25")


def test_a_failed_delivery_shows_its_attempts_and_the_kind_of_error_only(
    world: World, pm: Api
) -> None:
    world.plan(TODAY + days(3))
    (due, *_) = world.scan()
    with pytest.raises(ConnectionRefusedError):
        deliver(world.store, UnreachableMailer(), due, claim="task-1")

    (listed,) = [
        s for s in ok(pm.get(reminders_path(world)))["sent"] if due.key.endswith(s["recipient"])
    ]

    assert (listed["attempts"], listed["last_error"]) == (1, "mail server unreachable")


# -- what is planned next ------------------------------------------------------------------------


def test_the_reminders_list_shows_the_next_reminder_planned_for_each_open_checkpoint(
    world: World, pm: Api
) -> None:
    due = TODAY + days(30)
    milestone_id = world.plan(due)

    planned = ok(pm.get(reminders_path(world)))["planned"]

    assert planned == [
        {
            "milestone_id": str(milestone_id),
            "title": "Pilot in twee wijken",
            "due_date": due.isoformat(),
            "next_reminder_on": (due - days(14)).isoformat(),
        }
    ]


def test_the_next_reminder_of_an_overdue_checkpoint_is_its_next_escalation(
    world: World, pm: Api
) -> None:
    due = TODAY + days(1)
    world.plan(due)
    world.go_to(due + days(3))
    deliver_all(world, world.scan(), RecordingMailer())

    (planned,) = ok(pm.get(reminders_path(world)))["planned"]

    assert planned["next_reminder_on"] == (due + days(8)).isoformat()


def test_a_reminder_due_today_is_the_next_until_it_has_gone_out(world: World, pm: Api) -> None:
    due = TODAY + days(3)
    world.plan(due)

    before_the_scan = ok(pm.get(reminders_path(world)))["planned"][0]["next_reminder_on"]
    dues = world.scan()
    scheduled = ok(pm.get(reminders_path(world)))["planned"][0]["next_reminder_on"]
    deliver_all(world, dues, RecordingMailer())
    delivered = ok(pm.get(reminders_path(world)))["planned"][0]["next_reminder_on"]

    assert (before_the_scan, scheduled) == (TODAY.isoformat(), TODAY.isoformat())
    assert delivered == due.isoformat()


def test_an_evaluated_checkpoint_has_no_reminder_planned(world: World, pm: Api) -> None:
    milestone_id = world.plan(TODAY + days(30))
    world.evaluate(milestone_id, Decision.GO)

    assert ok(pm.get(reminders_path(world)))["planned"] == []


def test_the_planned_reminder_follows_a_changed_policy(world: World, pm: Api) -> None:
    due = TODAY + days(30)
    world.plan(due)
    ok(put(pm, policy_path(world), {"offsets": [7, 1]}))

    (planned,) = ok(pm.get(reminders_path(world)))["planned"]

    assert planned["next_reminder_on"] == (due - days(7)).isoformat()


# -- the policy ----------------------------------------------------------------------------------


def test_the_policy_is_14_3_and_0_days_without_funders_until_changed(world: World, pm: Api) -> None:
    assert ok(pm.get(policy_path(world))) == {"offsets": [14, 3, 0], "escalate_to_funders": False}


def test_a_changed_policy_is_answered_and_read_back_from_far_to_near(world: World, pm: Api) -> None:
    answered = ok(put(pm, policy_path(world), {"offsets": [0, 30, 7], "escalate_to_funders": True}))

    expected = {"offsets": [30, 7, 0], "escalate_to_funders": True}
    assert answered == expected
    assert ok(pm.get(policy_path(world))) == expected
    assert ok(pm.get(reminders_path(world)))["policy"] == expected


@pytest.mark.parametrize("offsets", [[0], [60], [60, 0]], ids=["0", "60", "60 and 0"])
def test_offsets_from_0_to_60_days_are_accepted(world: World, pm: Api, offsets: list[int]) -> None:
    assert ok(put(pm, policy_path(world), {"offsets": offsets}))["offsets"] == offsets


def test_a_policy_without_any_offset_is_refused_with_a_field_error(world: World, pm: Api) -> None:
    assert refused_fields(put(pm, policy_path(world), {"offsets": []})) == {"offsets"}


def test_a_policy_without_the_offsets_field_is_refused_with_a_field_error(
    world: World, pm: Api
) -> None:
    assert refused_fields(put(pm, policy_path(world), {"escalate_to_funders": True})) == {"offsets"}


@pytest.mark.parametrize(
    ("offsets", "field"),
    [
        pytest.param([-1], "offsets.0", id="-1"),
        pytest.param([14, 61], "offsets.1", id="61"),
        pytest.param([14, "3"], "offsets.1", id="a string"),
        pytest.param([2.5], "offsets.0", id="a fraction"),
    ],
)
def test_an_offset_that_is_not_a_whole_number_of_days_from_0_to_60_is_refused(
    world: World, pm: Api, offsets: list[Any], field: str
) -> None:
    assert refused_fields(put(pm, policy_path(world), {"offsets": offsets})) == {field}


def test_a_refused_policy_leaves_the_policy_as_it_was(world: World, pm: Api) -> None:
    put(pm, policy_path(world), {"offsets": [14, 61]})

    assert ok(pm.get(policy_path(world)))["offsets"] == [14, 3, 0]


def test_a_funder_may_read_the_policy_but_not_change_it(world: World, client: FlaskClient) -> None:
    funder = Api(client, issue_token(world.store, FUNDER_ACCOUNT))

    read = funder.get(policy_path(world))
    changed = put(funder, policy_path(world), {"offsets": [1]})

    assert read.status_code == 200
    assert changed.status_code == 403
    assert changed.mimetype == PROBLEM_JSON
