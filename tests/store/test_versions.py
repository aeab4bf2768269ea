"""Chosen versions of a consortium's events read in one query, and when each was recorded,
read from the stored JSON: the same as the library reads and decodes them one by one."""

from __future__ import annotations

from uuid import UUID

from events.consortia import ConsortiumApplication
from events.versions import recorded_at, select_versions
from tests.clock import StepClock
from tests.store.support import grow_in_bulk


def test_the_versions_asked_are_read_at_once_in_ascending_order(
    consortia: ConsortiumApplication, consortium_id: UUID, clock: StepClock
) -> None:
    grow_in_bulk(consortia, consortium_id, 10, clock)
    one_by_one = [
        consortia.recorder.select_events(consortium_id, gt=v - 1, lte=v)[0] for v in (2, 5, 11)
    ]

    read = select_versions(consortia.recorder, consortium_id, [11, 2, 5])

    assert [(s.originator_version, s.topic, s.state) for s in read] == [
        (s.originator_version, s.topic, s.state) for s in one_by_one
    ]


def test_versions_that_do_not_exist_are_left_out(
    consortia: ConsortiumApplication, consortium_id: UUID
) -> None:
    read = select_versions(consortia.recorder, consortium_id, [1, 2, 3, 99])

    assert [s.originator_version for s in read] == [1, 2]


def test_the_time_read_from_the_stored_json_is_the_events_timestamp(
    consortia: ConsortiumApplication, consortium_id: UUID, clock: StepClock
) -> None:
    grow_in_bulk(consortia, consortium_id, 10, clock)
    stored = consortia.recorder.select_events(consortium_id)

    assert [recorded_at(consortia.mapper, s) for s in stored] == [
        consortia.mapper.to_domain_event(s).timestamp  # type: ignore[attr-defined]
        for s in stored
    ]
