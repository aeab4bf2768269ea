"""The checkpoints as iCalendar feeds (RFC 5545): one all-day VEVENT per open checkpoint, whose
UID stays the same when the checkpoint is re-planned while its SEQUENCE goes up."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from icalendar import Calendar, Event

from events.bootstrap import Store
from tests.conftest import Api, issue_token
from tests.milestones.support import (
    CONSORTIA,
    TODAY,
    decided,
    plan,
    problem_of,
    replan,
)

FEED = "/api/v1/checkpoints.ics"
FIRST = TODAY + timedelta(days=30)
SECOND = TODAY + timedelta(days=75)


def feed_of(consortium_id: str) -> str:
    return f"{CONSORTIA}/{consortium_id}/calendar.ics"


def calendar(api: Api, url: str) -> Calendar:
    response = api.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/calendar"
    return Calendar.from_ical(response.data)


def events(api: Api, url: str) -> dict[str, Event]:
    """The VEVENTs of a feed, by the milestone id their UID names."""
    found = [c for c in calendar(api, url).walk("VEVENT") if isinstance(c, Event)]
    return {str(event["uid"]).split("@", 1)[0]: event for event in found}


def start_and_sequence(event: Event) -> tuple[date, int]:
    return event.decoded("dtstart"), int(str(event["sequence"]))


@pytest.fixture
def two(pm: Api, consortium_id: str) -> tuple[str, str]:
    """Two open checkpoints of the consortium: due in 30 and in 75 days."""
    first = plan(pm, consortium_id, "Pilot in twee wijken", FIRST)["id"]
    second = plan(pm, consortium_id, "Opschaling", SECOND)["id"]
    return first, second


def test_the_feed_is_an_icalendar_document(
    pm: Api, consortium_id: str, two: tuple[str, str]
) -> None:
    parsed = calendar(pm, feed_of(consortium_id))

    assert (parsed.name, str(parsed["version"]), bool(str(parsed["prodid"]))) == (
        "VCALENDAR",
        "2.0",
        True,
    )


def test_the_feed_s_lines_end_in_crlf_and_are_folded_at_75_octets(
    pm: Api, consortium_id: str, two: tuple[str, str]
) -> None:
    body = pm.get(feed_of(consortium_id)).data

    lines = body.split(b"\r\n")
    assert lines[-1] == b""
    assert all(b"\n" not in line and len(line) <= 75 for line in lines)


def test_there_is_one_event_per_open_checkpoint(
    pm: Api, consortium_id: str, two: tuple[str, str]
) -> None:
    assert set(events(pm, feed_of(consortium_id))) == set(two)


def test_an_event_is_an_all_day_event_on_the_due_date(
    pm: Api, consortium_id: str, two: tuple[str, str]
) -> None:
    first = events(pm, feed_of(consortium_id))[two[0]]

    assert (first.decoded("dtstart"), first.decoded("dtend")) == (
        FIRST,
        FIRST + timedelta(days=1),
    )
    assert type(first.decoded("dtstart")) is date


def test_a_replan_keeps_the_uid_moves_the_date_and_raises_the_sequence(
    pm: Api, consortium_id: str, two: tuple[str, str]
) -> None:
    before = events(pm, feed_of(consortium_id))[two[0]]
    moved = FIRST + timedelta(days=14)
    assert replan(pm, consortium_id, two[0], moved, "Zomervakantie").status_code == 200

    after = events(pm, feed_of(consortium_id))[two[0]]

    assert after["uid"] == before["uid"]
    assert (start_and_sequence(before), start_and_sequence(after)) == ((FIRST, 0), (moved, 1))


def test_every_replan_raises_the_sequence_again(
    pm: Api, consortium_id: str, two: tuple[str, str]
) -> None:
    replan(pm, consortium_id, two[0], FIRST + timedelta(days=7), "Zomervakantie")
    replan(pm, consortium_id, two[0], FIRST + timedelta(days=14), "Leverancier")

    first = events(pm, feed_of(consortium_id))[two[0]]

    assert start_and_sequence(first) == (FIRST + timedelta(days=14), 2)


def test_a_redo_moves_the_event_to_the_new_date_under_the_same_uid(
    pm: Api, consortium_id: str, two: tuple[str, str]
) -> None:
    decided(pm, consortium_id, two[0], "redo", new_due_date=SECOND.isoformat())

    first = events(pm, feed_of(consortium_id))[two[0]]

    assert start_and_sequence(first) == (SECOND, 1)


def test_a_passed_checkpoint_leaves_the_feed(
    pm: Api, consortium_id: str, two: tuple[str, str]
) -> None:
    decided(pm, consortium_id, two[0], "go")

    assert set(events(pm, feed_of(consortium_id))) == {two[1]}


def test_a_consortium_s_feed_has_its_own_checkpoints_only(
    pm: Api, api: Api, consortium_id: str, two: tuple[str, str]
) -> None:
    other = api.post(CONSORTIA, json={"name": "Slimme dijken", "challenge": "Waterveiligheid"})
    plan(api, other.json["id"], "Sensoren in de dijk", FIRST)

    assert set(events(api, feed_of(consortium_id))) == set(two)


def test_the_feed_across_consortia_has_only_those_the_caller_may_see(
    pm: Api, api: Api, client: FlaskClient, store: Store, two: tuple[str, str]
) -> None:
    other = api.post(CONSORTIA, json={"name": "Slimme dijken", "challenge": "Waterveiligheid"})
    elsewhere = plan(api, other.json["id"], "Sensoren in de dijk", FIRST)["id"]
    nobody = Api(client, issue_token(store, "nieuw@example.org"))

    assert (set(events(pm, FEED)), set(events(api, FEED)), set(events(nobody, FEED))) == (
        set(two),
        {*two, elsewhere},
        set(),
    )


def test_the_feed_of_a_consortium_the_caller_may_not_see_is_a_404(
    client: FlaskClient, store: Store, consortium_id: str, two: tuple[str, str]
) -> None:
    nobody = Api(client, issue_token(store, "nieuw@example.org"))

    problem_of(nobody.get(feed_of(consortium_id)), 404)
