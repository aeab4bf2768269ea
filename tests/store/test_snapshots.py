"""Snapshots: a consortium is snapshotted every SNAPSHOT_INTERVAL events and loads through its
latest snapshot with the same state as a replay of every event; a snapshot that cannot be written
never fails the command whose events were recorded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final
from uuid import UUID

import pytest
from eventsourcing.application import project_aggregate
from eventsourcing.persistence import IntegrityError, OperationalError

from consortium.aggregate import Consortium
from consortium.milestones import AnswerValue, Decision
from events.bootstrap import Store
from events.caller import Caller
from events.consortia import ConsortiumApplication
from tests.clock import StepClock
from tests.store.conftest import OpenStore
from tests.store.support import PM, admit, comparable, found, grow_in_bulk

SNAPSHOT_INTERVAL: Final = ConsortiumApplication.snapshotting_intervals[Consortium]
LONG: Final = 1_052  # events in a long history: ten snapshots and 52 events after the last


def snapshot_versions(consortia: ConsortiumApplication, consortium_id: UUID) -> list[int]:
    assert consortia.snapshots is not None
    return [s.originator_version for s in consortia.snapshots.get(consortium_id)]


def replayed(consortia: ConsortiumApplication, consortium_id: UUID, version: int) -> Consortium:
    """The consortium rebuilt from every event up to ``version``, no snapshot used."""
    consortium: Consortium | None = project_aggregate(
        None, consortia.events.get(consortium_id, lte=version)
    )
    assert consortium is not None
    return consortium


def admit_until(consortia: ConsortiumApplication, consortium_id: UUID, version: int) -> None:
    """Admit parties through the use case, one event per command, up to ``version``."""
    current: Consortium = consortia.repository.get(consortium_id)
    for number in range(current.version + 1, version + 1):
        admit(consortia, consortium_id, f"Partij {number}", PM)


@pytest.fixture
def at_99(consortia: ConsortiumApplication, consortium_id: UUID, clock: StepClock) -> UUID:
    """A consortium whose next event is the hundredth, so its command takes a snapshot."""
    grow_in_bulk(consortia, consortium_id, SNAPSHOT_INTERVAL - 1 - 2, clock)
    return consortium_id


@pytest.fixture(scope="module")
def long_history(module_store: Store, module_clock: StepClock) -> UUID:
    """A consortium of ``LONG`` events: founded, then members, pledges and contributions,
    written once for the module (the tests that use it only read)."""
    consortium_id = found(module_store.consortia, PM)
    grow_in_bulk(module_store.consortia, consortium_id, LONG - 2, module_clock)
    return consortium_id


# -- when snapshots are taken ----------------------------------------------------------------------


def test_there_is_no_snapshot_before_the_hundredth_event(
    consortia: ConsortiumApplication, at_99: UUID
) -> None:
    assert snapshot_versions(consortia, at_99) == []


def test_the_command_that_records_the_hundredth_event_takes_a_snapshot(
    consortia: ConsortiumApplication, at_99: UUID, caller: Caller
) -> None:
    admit(consortia, at_99, "Gemeente Zeist", caller)

    assert snapshot_versions(consortia, at_99) == [SNAPSHOT_INTERVAL]


def test_the_snapshot_is_of_the_state_at_its_version(
    consortia: ConsortiumApplication, at_99: UUID, caller: Caller
) -> None:
    admit_until(consortia, at_99, SNAPSHOT_INTERVAL + 1)

    assert comparable(consortia.repository.get(at_99, version=SNAPSHOT_INTERVAL)) == comparable(
        replayed(consortia, at_99, SNAPSHOT_INTERVAL)
    )


def test_a_snapshot_is_taken_at_every_interval_also_within_one_save(
    module_store: Store, long_history: UUID
) -> None:
    expected = list(range(SNAPSHOT_INTERVAL, LONG, SNAPSHOT_INTERVAL))
    assert snapshot_versions(module_store.consortia, long_history) == expected


# -- loading through them --------------------------------------------------------------------------


def test_a_long_history_loads_with_the_same_state_as_a_replay_of_every_event(
    long_history: UUID, fresh_store: Store
) -> None:
    fresh = fresh_store.consortia

    loaded: Consortium = fresh.repository.get(long_history)

    assert comparable(loaded) == comparable(replayed(fresh, long_history, LONG))


def test_a_long_history_loads_only_the_events_after_the_latest_snapshot(
    long_history: UUID, fresh_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = fresh_store.consortia
    asked: list[Any] = []
    get_events = fresh.events.get

    def spy(*args: Any, **kwargs: Any) -> Iterator[Any]:
        asked.append(kwargs.get("gt"))
        return get_events(*args, **kwargs)

    monkeypatch.setattr(fresh.events, "get", spy)

    fresh.repository.get(long_history)

    assert asked == [(LONG - 1) // SNAPSHOT_INTERVAL * SNAPSHOT_INTERVAL]


def test_a_past_version_loads_through_the_snapshot_before_it_like_a_replay(
    long_history: UUID, fresh_store: Store
) -> None:
    fresh = fresh_store.consortia

    loaded: Consortium = fresh.repository.get(long_history, version=555)

    assert comparable(loaded) == comparable(replayed(fresh, long_history, 555))


def test_a_snapshot_restores_the_attributes_exactly_as_a_replay(
    consortia: ConsortiumApplication, at_99: UUID, caller: Caller, open_another_store: OpenStore
) -> None:
    admit(consortia, at_99, "Gemeente Zeist", caller)
    fresh = open_another_store().consortia

    loaded = vars(fresh.repository.get(at_99))
    replay = vars(replayed(fresh, at_99, SNAPSHOT_INTERVAL))

    assert {k: v for k, v in loaded.items() if k != "_pending_events"} == {
        k: v for k, v in replay.items() if k != "_pending_events"
    }


def test_an_evaluation_loaded_through_a_snapshot_equals_the_replayed_one(
    consortia: ConsortiumApplication,
    consortium_id: UUID,
    caller: Caller,
    clock: StepClock,
    open_another_store: OpenStore,
) -> None:
    today = consortia.today()
    milestone = consortia.plan_milestone(
        consortium_id,
        title="Pilot in twee wijken",
        due_date=today,
        description=None,
        questions=None,
        tranche=None,
        closes_phase=None,
        responsible_member_ids=None,
        caller=caller,
    )
    consortia.evaluate_checkpoint(
        consortium_id,
        milestone.id,
        answers=[(q.key, AnswerValue.YES, None) for q in milestone.questions],
        decision=Decision.GO,
        conditions=None,
        new_due_date=None,
        clears_conditions_of=None,
        caller=caller,
    )
    grow_in_bulk(consortia, consortium_id, SNAPSHOT_INTERVAL - 4, clock)
    fresh = open_another_store().consortia

    loaded: Consortium = fresh.repository.get(consortium_id)

    assert loaded.milestones[0] == replayed(fresh, consortium_id, SNAPSHOT_INTERVAL).milestones[0]


# -- a snapshot that cannot be written -------------------------------------------------------------


def refuse_snapshots(
    consortia: ConsortiumApplication, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    def put(*args: Any, **kwargs: Any) -> None:
        raise error

    monkeypatch.setattr(consortia.snapshots, "put", put)


def test_a_command_succeeds_when_its_snapshot_exists_already(
    consortia: ConsortiumApplication, at_99: UUID, caller: Caller, monkeypatch: pytest.MonkeyPatch
) -> None:
    refuse_snapshots(consortia, monkeypatch, IntegrityError("duplicate snapshot"))

    member = admit(consortia, at_99, "Gemeente Zeist", caller)

    assert consortia.consortium(at_99, caller).member(member.id) == member


def test_a_command_whose_snapshot_exists_already_is_recorded_once(
    consortia: ConsortiumApplication,
    at_99: UUID,
    caller: Caller,
    monkeypatch: pytest.MonkeyPatch,
    open_another_store: OpenStore,
) -> None:
    refuse_snapshots(consortia, monkeypatch, IntegrityError("duplicate snapshot"))

    admit(consortia, at_99, "Gemeente Zeist", caller)

    reread = open_another_store().consortia.consortium(at_99, caller)
    parties = [m.party for m in reread.members]
    assert (reread.version, parties.count("Gemeente Zeist")) == (SNAPSHOT_INTERVAL, 1)


def test_taking_a_snapshot_that_exists_already_is_no_error(
    consortia: ConsortiumApplication, at_99: UUID, caller: Caller
) -> None:
    admit(consortia, at_99, "Gemeente Zeist", caller)

    consortia.take_snapshot(at_99, version=SNAPSHOT_INTERVAL)

    assert snapshot_versions(consortia, at_99) == [SNAPSHOT_INTERVAL]


def test_a_command_succeeds_when_its_snapshot_cannot_be_written_for_another_reason(
    consortia: ConsortiumApplication, at_99: UUID, caller: Caller, monkeypatch: pytest.MonkeyPatch
) -> None:
    refuse_snapshots(consortia, monkeypatch, OperationalError("database is locked"))

    member = admit(consortia, at_99, "Gemeente Zeist", caller)

    assert consortia.consortium(at_99, caller).member(member.id) == member
