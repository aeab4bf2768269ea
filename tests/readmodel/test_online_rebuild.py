"""Rebuilding the read model while the service runs: new tables are built beside the live ones,
which keep answering (and following the log), and the switch to the new ones is atomic; a
migration to another shape of the read model does the same."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from uuid import UUID

import pytest

from consortium.members import MemberRole, Sector
from events import bootstrap
from events.bootstrap import Store, migrate, open_store
from events.readmodel import recorders
from events.readmodel.follower import Follower
from events.readmodel.tables import FAILURES, SCHEMA_VERSION, TABLES, generation_prefix
from tests.clock import StepClock
from tests.readmodel.support import PM_UTRECHT, History, dump, portfolio_all

WRITTEN_WHILE_BUILDING = 3


class Traffic:
    """A writer founding consortia (with a member each) and a reader reading the whole
    portfolio, each in a thread of its own, until stopped; what went wrong is kept."""

    def __init__(self, store: Store, founded: list[UUID]) -> None:
        self.store = store
        self.founded = list(founded)
        self.errors: list[BaseException] = []
        self.short: list[set[UUID]] = []  # consortia a read missed that were founded before it
        self.reads = 0
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._guarded(self._write)),
            threading.Thread(target=self._guarded(self._read)),
        ]

    def __enter__(self) -> Traffic:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def wait_for_writes(self, count: int) -> None:
        target = len(self.founded) + count
        while len(self.founded) < target and not self.errors:
            self._stop.wait(0.01)

    def _guarded(self, work: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                work()
            except BaseException as error:
                self.errors.append(error)

        return run

    def _write(self) -> None:
        while not self._stop.is_set():
            n = len(self.founded)
            consortium = self.store.consortia.found(
                name=f"Tijdens herbouw {n:03d}",
                challenge="Lijsten blijven heel",
                description=None,
                caller=PM_UTRECHT,
            )
            self.store.consortia.admit_member(
                consortium.id,
                party="Gemeente Utrecht",
                sector=Sector.MUNICIPALITY,
                role=MemberRole.LEAD,
                contact_email=None,
                population=None,
                caller=PM_UTRECHT,
            )
            self.founded.append(consortium.id)

    def _read(self) -> None:
        while not self._stop.is_set():
            expected = set(self.founded)
            rows = portfolio_all(self.store)
            missed = expected - {row.id for row in rows}
            if missed:
                self.short.append(missed)
            self.reads += 1


def read_model_tables(store: Store) -> set[str]:
    """The tables of every generation of the read model in the database."""
    with store.read.view.transaction(commit=False) as tx:
        present = store.read.view.table_names(tx)
    return {name for name in present if re.fullmatch(r"(g\d+_)?rm_\w+", name)} - {
        "rm_active",
        "rm_schema",
    }


def live_tables(store: Store) -> set[str]:
    named = generation_prefix(store.read.view.live()[0])
    return {named + table for table in (*TABLES, FAILURES)}


def recomputed(store: Store) -> dict[str, list[tuple[object, ...]]]:
    """The rows of the live tables emptied and the whole log applied again, by another store."""
    other = open_store(store.settings, StepClock(), may_lead=False)
    try:
        other.read.view.clear(other.consortia.name)
        other.read.follower.catch_up()
        return dump(other)
    finally:
        other.close()


def test_a_rebuild_beside_a_writer_and_a_reader_loses_nothing_and_applies_nothing_twice(
    store: Store, follower: Follower, small_history: History
) -> None:
    store.read.start_following()
    with Traffic(store, small_history.consortia) as traffic:
        # Events are recorded while the new tables are built, and between two rebuilds.
        for _ in range(2):
            follower.rebuild(progress=lambda _: traffic.wait_for_writes(WRITTEN_WHILE_BUILDING))
            traffic.wait_for_writes(WRITTEN_WHILE_BUILDING)
    store.read.fresh()
    store.read.follower.stop()

    assert traffic.errors == []
    assert traffic.short == []
    assert traffic.reads > 0
    assert {row.id for row in portfolio_all(store)} == set(traffic.founded)
    assert dump(store) == recomputed(store)


def test_a_rebuild_leaves_only_the_new_tables(
    store: Store, follower: Follower, small_history: History
) -> None:
    before = store.read.view.live()[0]

    follower.rebuild()

    assert store.read.view.live()[0] == before + 1
    assert read_model_tables(store) == live_tables(store)


def test_a_rebuild_answers_from_the_live_tables_until_it_switches(
    store: Store, follower: Follower, small_history: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = dump(store)
    seen: list[object] = []
    switch = Follower._switch

    def look_then_switch(self: Follower, live: int, new: int, progress: object) -> int:
        seen.append(dump(store))  # read by another thread's transactions: the live tables
        return switch(self, live, new, progress)  # type: ignore[arg-type]

    monkeypatch.setattr(Follower, "_switch", look_then_switch)

    follower.rebuild()

    assert seen == [rows]
    assert dump(store) == rows


def test_a_migration_to_another_shape_answers_from_the_old_tables_until_the_new_ones_are_built(
    store: Store, small_history: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = dump(store)
    portfolio = portfolio_all(store)
    seen: list[object] = []
    switch = Follower._switch

    def look_then_switch(self: Follower, live: int, new: int, progress: object) -> int:
        seen.append((store.read.view.live(), portfolio_all(store)))
        return switch(self, live, new, progress)  # type: ignore[arg-type]

    monkeypatch.setattr(Follower, "_switch", look_then_switch)
    monkeypatch.setattr(recorders, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setattr(bootstrap, "SCHEMA_VERSION", SCHEMA_VERSION + 1)

    migrate(store.settings)

    assert seen == [((0, SCHEMA_VERSION), portfolio)]
    assert store.read.view.live() == (1, SCHEMA_VERSION + 1)
    assert dump(store) == rows
    assert read_model_tables(store) == live_tables(store)
    open_store(store.settings, StepClock()).close()  # the store opens on the new shape


def test_a_store_of_the_old_shape_does_not_open_before_the_migration(
    store: Store, small_history: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bootstrap, "SCHEMA_VERSION", SCHEMA_VERSION + 1)

    with pytest.raises(bootstrap.StoreNotMigrated, match="consortium migrate"):
        open_store(store.settings, StepClock())


def found(store: Store, name: str) -> UUID:
    return store.consortia.found(
        name=name, challenge="Lijsten blijven heel", description=None, caller=PM_UTRECHT
    ).id


def test_a_follower_that_read_its_position_before_a_switch_writes_nothing_into_the_new_tables(
    store: Store, follower: Follower, small_history: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its batch reaches past where the rebuild stopped: applied to the new tables, the events
    the rebuild applied already would be applied twice."""
    found(store, "Voor de omschakeling")
    done = follower.position()
    batch = list(
        store.consortia.recorder.select_notifications(
            start=done, limit=10, inclusive_of_start=False
        )
    )
    rebuilt_by_another = open_store(store.settings, StepClock(), may_lead=False)
    position = store.read.view.position

    def position_then_rebuild(application_name: str) -> int:
        """The follower reads its position; then another process rebuilds, and one more
        event is recorded, which the follower finds in its next batch."""
        found_position = position(application_name)
        monkeypatch.undo()  # once
        rebuilt_by_another.read.follower.rebuild()
        found(store, "Na de omschakeling")
        batch.extend(
            store.consortia.recorder.select_notifications(
                start=batch[-1].id, limit=10, inclusive_of_start=False
            )
        )
        return found_position

    try:
        monkeypatch.setattr(store.read.view, "position", position_then_rebuild)

        assert follower.apply(batch) == 0
        follower.catch_up()
    finally:
        rebuilt_by_another.close()

    assert dump(store) == recomputed(store)


def test_an_interrupted_rebuild_leaves_the_live_tables_as_they_were(
    store: Store, follower: Follower, small_history: History
) -> None:
    rows = dump(store)
    live = store.read.view.live()

    def interrupt(_: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        follower.rebuild(progress=interrupt)

    assert store.read.view.live() == live
    assert dump(store) == rows
    assert read_model_tables(store) == live_tables(store)


def test_a_rebuild_drops_what_earlier_ones_left_behind(
    store: Store, follower: Follower, small_history: History
) -> None:
    rows = dump(store)
    store.read.view.make_generation(7, store.consortia.name)

    follower.rebuild()

    assert read_model_tables(store) == live_tables(store)
    assert dump(store) == rows


def test_a_process_of_an_older_release_writes_nothing_into_tables_a_newer_one_migrated(
    store: Store, follower: Follower, small_history: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A newer release's ``migrate`` builds tables of its shape while this process (the older
    release) still runs: rows of the older shape written into them would be wrong until the
    next rebuild. The older follower leaves them alone; the newer one applies what it left."""
    monkeypatch.setattr(recorders, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setattr(bootstrap, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    migrate(store.settings)
    monkeypatch.undo()  # this process is of the older release again
    rows, position = dump(store), follower.position()

    found(store, "Na de migratie")

    with pytest.raises(recorders.OtherRelease, match=f"version {SCHEMA_VERSION + 1}"):
        follower.catch_up()
    assert (dump(store), follower.position()) == (rows, position)
    monkeypatch.setattr(recorders, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setattr(bootstrap, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    newer = open_store(store.settings, StepClock(), may_lead=False)
    try:
        newer.read.follower.catch_up()
    finally:
        newer.close()
    assert "Na de migratie" in {c.name for c in portfolio_all(store)}
