"""Writers at once on one consortium: the loser of the race on the version number is retried
on the fresh state, so both changes land; a rule that then fails says why; nothing is lost.

Two stores on one database stand for two processes of the service: each has its own
connections, cache and write locks. The interleaving is forced: the first save of one store
lets the other store write first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any, Final
from uuid import UUID

import pytest
from eventsourcing.persistence import IntegrityError

import events.application
from consortium.aggregate import Consortium
from consortium.errors import AlreadyMember
from consortium.members import Member
from events.application import MAX_ATTEMPTS, StoreBusy
from events.bootstrap import Store
from events.caller import Caller
from events.consortia import ConsortiumApplication
from tests.store.conftest import OpenStore
from tests.store.support import admit

WRITERS: Final = 8
ADMISSIONS_EACH: Final = 25


def let_other_write_first(
    loser: ConsortiumApplication, monkeypatch: pytest.MonkeyPatch, write: Callable[[], Any]
) -> list[int]:
    """Before ``loser`` saves the first time, ``write`` runs (in another store), so that save
    loses the race; later saves go ahead. Answers the list of save attempts, filled as they
    happen."""
    attempts: list[int] = []
    save = loser.save

    def save_after_the_other(*objects: Any, **kwargs: Any) -> Any:
        attempts.append(len(attempts) + 1)
        if len(attempts) == 1:
            write()
        return save(*objects, **kwargs)

    monkeypatch.setattr(loser, "save", save_after_the_other)
    return attempts


def parties(store: Store, consortium_id: UUID, caller: Caller) -> list[str]:
    return [m.party for m in store.consortia.consortium(consortium_id, caller).members]


# -- two stores, a forced race ---------------------------------------------------------------------


def test_the_loser_of_the_race_is_retried_and_both_admissions_land(
    store: Store,
    other_store: Store,
    consortium_id: UUID,
    caller: Caller,
    monkeypatch: pytest.MonkeyPatch,
    open_another_store: OpenStore,
) -> None:
    let_other_write_first(
        store.consortia,
        monkeypatch,
        lambda: admit(other_store.consortia, consortium_id, "Gemeente Houten", caller),
    )

    admit(store.consortia, consortium_id, "Gemeente Zeist", caller)

    assert parties(open_another_store(), consortium_id, caller) == [
        "Gemeente Houten",
        "Gemeente Zeist",
    ]


def test_the_loser_of_the_race_saves_twice(
    store: Store,
    other_store: Store,
    consortium_id: UUID,
    caller: Caller,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    attempts = let_other_write_first(
        store.consortia,
        monkeypatch,
        lambda: admit(other_store.consortia, consortium_id, "Gemeente Houten", caller),
    )

    admit(store.consortia, consortium_id, "Gemeente Zeist", caller)

    assert attempts == [1, 2]


def test_when_both_admit_the_same_party_the_loser_is_told_it_is_already_a_member(
    store: Store,
    other_store: Store,
    consortium_id: UUID,
    caller: Caller,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    let_other_write_first(
        store.consortia,
        monkeypatch,
        lambda: admit(other_store.consortia, consortium_id, "Gemeente Houten", caller),
    )

    with pytest.raises(AlreadyMember):
        admit(store.consortia, consortium_id, "gemeente houten", caller)


def test_when_both_admit_the_same_party_it_becomes_a_member_once(
    store: Store,
    other_store: Store,
    consortium_id: UUID,
    caller: Caller,
    monkeypatch: pytest.MonkeyPatch,
    open_another_store: OpenStore,
) -> None:
    let_other_write_first(
        store.consortia,
        monkeypatch,
        lambda: admit(other_store.consortia, consortium_id, "Gemeente Houten", caller),
    )

    with pytest.raises(AlreadyMember):
        admit(store.consortia, consortium_id, "Gemeente Houten", caller)

    assert parties(open_another_store(), consortium_id, caller) == ["Gemeente Houten"]


# -- many writers ----------------------------------------------------------------------------------


def admit_all_at_once(stores: list[Store], consortium_id: UUID, caller: Caller) -> list[Member]:
    """WRITERS threads, released together, the even ones on the first store and the odd ones
    on the second, each admitting ADMISSIONS_EACH parties of its own."""
    start = threading.Barrier(WRITERS)

    def writer(number: int) -> list[Member]:
        consortia = stores[number % len(stores)].consortia
        start.wait()
        return [
            admit(consortia, consortium_id, f"Partij {number}-{n}", caller)
            for n in range(ADMISSIONS_EACH)
        ]

    with ThreadPoolExecutor(WRITERS) as pool:
        return [m for members in pool.map(writer, range(WRITERS)) for m in members]


def test_many_writers_in_two_stores_lose_no_admission(
    store: Store,
    other_store: Store,
    consortium_id: UUID,
    caller: Caller,
    open_another_store: OpenStore,
) -> None:
    admitted = admit_all_at_once([store, other_store], consortium_id, caller)

    members = open_another_store().consortia.consortium(consortium_id, caller).members

    assert sorted(m.id for m in members) == sorted(m.id for m in admitted)


def test_many_writers_in_two_stores_leave_one_event_per_admission(
    store: Store,
    other_store: Store,
    consortium_id: UUID,
    caller: Caller,
    open_another_store: OpenStore,
) -> None:
    admit_all_at_once([store, other_store], consortium_id, caller)

    fresh = open_another_store().consortia
    versions = [e.originator_version for e in fresh.events.get(consortium_id)]

    assert versions == list(range(1, 2 + WRITERS * ADMISSIONS_EACH + 1))


# -- giving up -------------------------------------------------------------------------------------


@pytest.fixture
def every_save_conflicts(store: Store, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every save of the store loses the race (and the backoff between attempts takes no
    time); answers the attempts, filled as they happen."""
    attempts: list[int] = []

    def conflicting_save(*objects: Any, **kwargs: Any) -> Any:
        attempts.append(len(attempts) + 1)
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(store.consortia, "save", conflicting_save)
    monkeypatch.setattr(events.application, "time", SimpleNamespace(sleep=lambda seconds: None))
    return attempts


def test_a_write_that_always_conflicts_gives_up_with_store_busy(
    store: Store, consortium_id: UUID, caller: Caller, every_save_conflicts: list[int]
) -> None:
    with pytest.raises(StoreBusy):
        admit(store.consortia, consortium_id, "Gemeente Zeist", caller)


def test_a_write_that_always_conflicts_is_tried_max_attempts_times(
    store: Store, consortium_id: UUID, caller: Caller, every_save_conflicts: list[int]
) -> None:
    with pytest.raises(StoreBusy):
        admit(store.consortia, consortium_id, "Gemeente Zeist", caller)

    assert len(every_save_conflicts) == MAX_ATTEMPTS


def test_a_write_that_gave_up_recorded_nothing(
    store: Store,
    consortium_id: UUID,
    caller: Caller,
    every_save_conflicts: list[int],
    open_another_store: OpenStore,
) -> None:
    with pytest.raises(StoreBusy):
        admit(store.consortia, consortium_id, "Gemeente Zeist", caller)

    reread: Consortium = open_another_store().consortia.consortium(consortium_id, caller)
    assert (reread.version, reread.members) == (2, ())
