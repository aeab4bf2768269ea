"""What a consortium records: past-tense facts with their cause, in order, enough to rebuild it.

Replaying uses each event's ``mutate``, exactly as the ``eventsourcing`` library rebuilds an
aggregate from its stored events.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consortium.aggregate import Consortium
from consortium.cause import Cause
from consortium.errors import InvalidValue
from consortium.members import MemberRole, Sector
from consortium.phases import Phase
from tests.domain.support import START, admit, cause, found, recorded


def story() -> Consortium:
    """Founded, three members admitted, one leaves and comes back, a pilot, then stopped."""
    consortium = found()
    admit(consortium, "Gemeente Utrecht", role=MemberRole.LEAD, sector=Sector.MUNICIPALITY)
    partner = admit(consortium, "Hogeschool Utrecht", sector=Sector.ACADEMIA, minutes=2)
    admit(consortium, "Zorgtech BV", minutes=3)
    consortium.member_leaves(partner.id, reason="Other priorities", cause=cause(4))
    admit(consortium, "Hogeschool Utrecht", sector=Sector.ACADEMIA, minutes=5)
    consortium.move_to_phase(Phase.PILOT, reason=None, cause=cause(6))
    consortium.move_to_phase(Phase.STOPPED, reason="No-go at the gate", cause=cause(7))
    return consortium


def replay(events: Sequence[Any]) -> Consortium:
    """The aggregate the events make, built as the event store builds it."""
    aggregate: Consortium | None = None
    for event in events:
        aggregate = event.mutate(aggregate)
    assert isinstance(aggregate, Consortium), "the events made no consortium"
    return aggregate


def event_names(consortium: Consortium) -> list[str]:
    return [type(event).__name__ for event in consortium.collect_events()]


# -- the events ---------------------------------------------------------------------------------


def test_founding_records_that_the_consortium_was_founded() -> None:
    assert event_names(found()) == ["Founded"]


def test_admitting_records_that_a_member_was_admitted(consortium: Consortium) -> None:
    consortium.collect_events()
    admit(consortium, "Gemeente Utrecht")
    assert event_names(consortium) == ["MemberAdmitted"]


def test_leaving_records_that_a_member_left(consortium: Consortium) -> None:
    partner = admit(consortium, "Hogeschool Utrecht")
    consortium.collect_events()
    consortium.member_leaves(partner.id, reason=None, cause=cause(2))
    assert event_names(consortium) == ["MemberLeft"]


def test_a_move_records_that_the_phase_changed(consortium: Consortium) -> None:
    consortium.collect_events()
    consortium.move_to_phase(Phase.PILOT, reason=None, cause=cause(2))
    assert event_names(consortium) == ["PhaseChanged"]


def test_each_act_records_one_event_with_the_next_version() -> None:
    assert [event.originator_version for event in story().collect_events()] == list(range(1, 9))


def test_a_refused_command_records_nothing(consortium: Consortium) -> None:
    consortium.collect_events()
    with pytest.raises(InvalidValue):
        consortium.admit_member(
            party="Gemeente Utrecht",
            sector=Sector.MUNICIPALITY,
            role=MemberRole.LEAD,
            contact_email="not an address",
            cause=cause(1),
        )
    assert consortium.collect_events() == []


# -- the cause ----------------------------------------------------------------------------------


def test_every_event_records_the_actor_of_its_cause(consortium: Consortium) -> None:
    consortium.admit_member(
        party="Gemeente Utrecht",
        sector=Sector.MUNICIPALITY,
        role=MemberRole.LEAD,
        cause=cause(1, actor="admin@consortium.example"),
    )
    assert [e.actor for e in recorded(consortium)] == [
        "pm@utrecht.example",
        "admin@consortium.example",
    ]


def test_every_event_records_the_request_it_came_from(consortium: Consortium) -> None:
    consortium.move_to_phase(Phase.PILOT, reason=None, cause=cause(1, request_id="req-42"))
    assert [e.request_id for e in recorded(consortium)] == ["req-1", "req-42"]


def test_every_event_is_dated_at_the_time_of_its_cause(consortium: Consortium) -> None:
    admit(consortium, "Gemeente Utrecht", minutes=30)
    assert [e.timestamp for e in consortium.collect_events()] == [START, cause(30).at]


def test_an_event_is_dated_in_utc_whatever_the_offset_of_its_cause() -> None:
    summer = datetime(2026, 6, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    consortium = Consortium.found(
        name="Langer thuis", challenge="Thuis", description=None, cause=Cause("pm", "r", summer)
    )
    assert consortium.collect_events()[0].timestamp.tzinfo is UTC


def test_an_event_is_never_dated_before_its_predecessor(consortium: Consortium) -> None:
    # The cause claims an instant an hour before the founding (a clock that lags).
    admit(consortium, "Gemeente Utrecht", minutes=-60)
    assert [e.timestamp for e in consortium.collect_events()] == [START, START]


def test_a_member_admitted_by_a_lagging_clock_joined_when_its_event_says(
    consortium: Consortium,
) -> None:
    member = admit(consortium, "Gemeente Utrecht", minutes=-60)
    assert member.joined_at == START


@settings(max_examples=50, derandomize=True, deadline=None)
@given(st.lists(st.integers(min_value=-10_000, max_value=10_000), min_size=1, max_size=8))
def test_event_times_never_go_backwards_whatever_the_causes_say(offsets: list[int]) -> None:
    consortium = found()
    for n, minutes in enumerate(offsets):
        admit(consortium, f"Partij {n}", minutes=minutes)
    times = [event.timestamp for event in consortium.collect_events()]
    assert times == sorted(times)


# -- replay -------------------------------------------------------------------------------------


def test_replaying_the_events_rebuilds_the_same_consortium() -> None:
    consortium = story()
    assert replay(consortium.collect_events()) == consortium


def test_replaying_the_events_rebuilds_the_memberships_past_and_present() -> None:
    consortium = story()
    assert replay(consortium.collect_events()).members == consortium.members


def test_replaying_the_first_events_gives_the_consortium_as_it_was_then() -> None:
    consortium = found()
    admit(consortium, "Gemeente Utrecht", role=MemberRole.LEAD)
    then = copy.deepcopy(consortium)
    consortium.move_to_phase(Phase.PILOT, reason=None, cause=cause(5))
    events = consortium.collect_events()
    assert replay(events[: then.version]) == then


def test_a_replayed_consortium_has_nothing_left_to_record() -> None:
    assert replay(story().collect_events()).collect_events() == []
