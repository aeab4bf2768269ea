"""The state of a consortium as of an instant: its last version recorded by then.

The module's consortia are written once, a day (or a few seconds) between acts; the tests only
read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final
from uuid import UUID, uuid4
from zoneinfo import ZoneInfo

import pytest

from consortium.errors import ConsortiumNotFound, NotFound
from consortium.members import MemberRole, Sector
from consortium.phases import Phase
from events.bootstrap import Store
from events.caller import Caller
from tests.clock import StepClock
from tests.store.support import PM, Recorded, admit, comparable, found, grow_in_bulk, timeline

DAY: Final = timedelta(days=1)
TICK: Final = timedelta(microseconds=1)
FAR_FUTURE: Final = datetime(2999, 12, 31, tzinfo=UTC)
STRANGER: Final = Caller(actor="someone@elsewhere.example", request_id="req-stranger")


@dataclass(frozen=True)
class Story:
    """Founded (versions 1, 2); a day later Utrecht admitted (3); a day later the Hogeschool
    (4); a day later on to pilot (5); a day later the Hogeschool left (6)."""

    consortium_id: UUID
    events: list[Recorded]

    def at(self, version: int) -> datetime:
        return self.events[version - 1].at


@pytest.fixture(scope="module")
def story(module_store: Store, module_clock: StepClock) -> Story:
    consortia = module_store.consortia
    consortium_id = found(consortia, PM)
    module_clock.advance(DAY)
    admit(consortia, consortium_id, "Gemeente Utrecht", PM, role=MemberRole.LEAD)
    module_clock.advance(DAY)
    hogeschool = admit(consortia, consortium_id, "Hogeschool Utrecht", PM, sector=Sector.ACADEMIA)
    module_clock.advance(DAY)
    consortia.move_to_phase(consortium_id, Phase.PILOT, reason=None, caller=PM)
    module_clock.advance(DAY)
    consortia.member_leaves(consortium_id, hogeschool.id, reason=None, caller=PM)
    return Story(consortium_id, timeline(consortia, consortium_id))


def parties_as_of(store: Store, story: Story, instant: datetime) -> list[str]:
    consortium = store.consortia.consortium_as_of(story.consortium_id, instant, PM)
    return [m.party for m in consortium.active_members]


def test_between_two_events_the_state_is_the_one_after_the_earlier(
    module_store: Store, story: Story
) -> None:
    between = story.at(3) + (story.at(4) - story.at(3)) / 2

    assert parties_as_of(module_store, story, between) == ["Gemeente Utrecht"]


def test_exactly_at_an_events_time_the_state_includes_that_event(
    module_store: Store, story: Story
) -> None:
    assert parties_as_of(module_store, story, story.at(4)) == [
        "Gemeente Utrecht",
        "Hogeschool Utrecht",
    ]


def test_just_before_an_events_time_the_state_excludes_that_event(
    module_store: Store, story: Story
) -> None:
    assert parties_as_of(module_store, story, story.at(4) - TICK) == ["Gemeente Utrecht"]


def test_the_phase_as_of_before_its_change_is_the_earlier_phase(
    module_store: Store, story: Story
) -> None:
    consortium = module_store.consortia.consortium_as_of(
        story.consortium_id, story.at(5) - TICK, PM
    )

    assert consortium.phase is Phase.EXPLORATION


def test_a_member_who_left_later_is_still_active_as_of_before(
    module_store: Store, story: Story
) -> None:
    assert parties_as_of(module_store, story, story.at(6) - TICK) == [
        "Gemeente Utrecht",
        "Hogeschool Utrecht",
    ]


def test_at_the_founding_instant_the_consortium_exists(module_store: Store, story: Story) -> None:
    consortium = module_store.consortia.consortium_as_of(story.consortium_id, story.at(1), PM)

    assert consortium.name == "Langer thuis"


def test_before_founding_the_consortium_did_not_exist_yet(
    module_store: Store, story: Story
) -> None:
    with pytest.raises(NotFound, match="did not exist yet"):
        module_store.consortia.consortium_as_of(story.consortium_id, story.at(1) - TICK, PM)


def test_far_in_the_future_the_state_is_the_current_one(module_store: Store, story: Story) -> None:
    consortia = module_store.consortia

    as_of = consortia.consortium_as_of(story.consortium_id, FAR_FUTURE, PM)

    assert comparable(as_of) == comparable(consortia.consortium(story.consortium_id, PM))


def test_an_instant_with_another_offset_is_the_same_instant(
    module_store: Store, story: Story
) -> None:
    in_amsterdam = story.at(4).astimezone(ZoneInfo("Europe/Amsterdam"))

    assert parties_as_of(module_store, story, in_amsterdam) == [
        "Gemeente Utrecht",
        "Hogeschool Utrecht",
    ]


def test_as_of_an_unknown_consortium_is_consortium_not_found(
    module_store: Store, story: Story
) -> None:
    with pytest.raises(ConsortiumNotFound):
        module_store.consortia.consortium_as_of(uuid4(), FAR_FUTURE, PM)


def test_as_of_a_consortium_the_caller_may_not_read_is_consortium_not_found(
    module_store: Store, story: Story
) -> None:
    with pytest.raises(ConsortiumNotFound):
        module_store.consortia.consortium_as_of(story.consortium_id, FAR_FUTURE, STRANGER)


# -- the bisection ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def many_versions(module_store: Store, module_clock: StepClock) -> Story:
    """A consortium of 182 versions: 40 acts a few (or no whole) seconds apart, then 120 events
    in one save (three at a time share their instant; a snapshot at version 100), then 20 more
    acts."""
    consortia = module_store.consortia
    consortium_id = found(consortia, PM, name="Veel versies")
    for number in range(40):
        module_clock.advance(timedelta(seconds=number * 7 % 5))
        admit(consortia, consortium_id, f"Eerste {number}", PM)
    module_clock.advance(DAY)
    grow_in_bulk(consortia, consortium_id, 120, module_clock)
    for number in range(20):
        module_clock.advance(timedelta(hours=number % 3))
        admit(consortia, consortium_id, f"Laatste {number}", PM)
    events = timeline(consortia, consortium_id)
    assert len(events) == 182
    assert len({e.at for e in events}) < len(events), "no versions share an instant"
    return Story(consortium_id, events)


def linear_scan(events: list[Recorded], instant: datetime) -> int | None:
    """The last version recorded by ``instant``, the slow and obvious way."""
    found_version = None
    for event in events:
        if event.at <= instant:
            found_version = event.version
    return found_version


def test_the_bisection_agrees_with_a_linear_scan_at_every_version(
    module_store: Store, many_versions: Story
) -> None:
    instants = sorted({i for e in many_versions.events for i in (e.at - TICK, e.at)})
    instants.append(many_versions.events[-1].at + TICK)
    expected = [linear_scan(many_versions.events, i) for i in instants]

    def bisected(instant: datetime) -> int | None:
        try:
            consortium = module_store.consortia.consortium_as_of(
                many_versions.consortium_id, instant, PM
            )
        except NotFound:
            return None
        return consortium.version

    assert [bisected(i) for i in instants] == expected
