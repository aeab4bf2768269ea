"""`consortium projections rebuild`: builds the read model again from the whole log (while
another process follows it), says how many events it applied, and leaves exactly the rows the
incremental path made."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from events.bootstrap import Store, migrate, open_store
from events.settings import StoreSettings
from tests.clock import StepClock
from tests.readmodel.conftest import generate
from tests.readmodel.support import Rows, dump
from web.cli import main


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)  # whatever falls back to ./var lands here, not in the repository
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    migrate(StoreSettings.from_url(url))
    return url


def rebuild(database_url: str) -> Result:
    return CliRunner(env={"CONSORTIUM_DATABASE_URL": database_url}).invoke(
        main, ["projections", "rebuild"]
    )


def incremental(database_url: str) -> tuple[Rows, int]:
    """Write a generated history, applied as it goes; answer the rows and the log's length.
    The store (which led, so held the follower lock) is closed before this returns."""
    store = open_store(StoreSettings.from_url(database_url), StepClock())
    try:
        generate(store, consortia=8, rounds=6)
        return dump(store), store.read.follower.head()
    finally:
        store.close()


def rows_now(database_url: str) -> Rows:
    store = open_store(StoreSettings.from_url(database_url), StepClock(), may_lead=False)
    try:
        return dump(store)
    finally:
        store.close()


def test_projections_rebuild_says_how_many_events_it_applied(database_url: str) -> None:
    _, events = incremental(database_url)

    result = rebuild(database_url)

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"Rebuilt the read model from {events} events."]


def test_projections_rebuild_leaves_exactly_the_rows_of_the_incremental_path(
    database_url: str,
) -> None:
    rows, _ = incremental(database_url)

    result = rebuild(database_url)

    assert result.exit_code == 0, result.output
    assert rows_now(database_url) == rows


def test_projections_rebuild_works_while_another_process_follows(database_url: str) -> None:
    rows, events = incremental(database_url)
    following = open_store(StoreSettings.from_url(database_url), StepClock())
    try:
        assert following.read.follower.leadership.try_lead()

        result = rebuild(database_url)

        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines() == [f"Rebuilt the read model from {events} events."]
        assert dump(following) == rows
    finally:
        following.close()


def test_projections_rebuild_refuses_while_another_rebuild_runs(database_url: str) -> None:
    rows, _ = incremental(database_url)
    rebuilding = open_store(StoreSettings.from_url(database_url), StepClock(), may_lead=False)
    try:
        lock = rebuilding.read.follower.rebuilding
        assert lock is not None
        assert lock.try_acquire()

        result = rebuild(database_url)

        assert result.exit_code != 0
        assert "Another rebuild of the read model is under way" in result.output
        assert dump(rebuilding) == rows
        lock.release()
    finally:
        rebuilding.close()


def test_a_closed_store_lets_another_store_follow(store: Store, clock: StepClock) -> None:
    first = open_store(store.settings, clock)
    assert first.read.follower.leadership.try_lead()
    first.close()

    second = open_store(store.settings, clock)
    try:
        assert second.read.follower.leadership.try_lead()
    finally:
        second.close()
