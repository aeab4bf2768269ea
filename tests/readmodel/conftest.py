"""Fixtures of the read-model tests (on SQLite and PostgreSQL, like every `store` test)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

import pytest

from events.bootstrap import Store, open_store
from events.readmodel.follower import Follower
from events.readmodel.projection import LEGACY_TOPICS, ConsortiumProjection
from tests.backends import backend
from tests.clock import StepClock
from tests.readmodel.support import History, topics_in_log, write_history

# Large enough that every kind of event occurs several times, in many consortia, interleaved.
CONSORTIA: Final = 24
ROUNDS: Final = 16
BACKENDS: Final = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def generate(store: Store, consortia: int = CONSORTIA, rounds: int = ROUNDS) -> History:
    """A generated history, applied incrementally: the read model catches up after each round
    of commands (one per consortium), as a follower does while the service runs."""
    follower = store.read.follower
    history = write_history(store, consortia, rounds, after_round=follower.catch_up)
    follower.catch_up()
    return history


def assert_covers_every_projected_event(store: Store) -> None:
    """A history proves something about the projection only if it exercises every handler."""
    kinds = topics_in_log(store)
    projected = {
        topic.rsplit(".", 1)[-1]
        for topic in ConsortiumProjection.topics
        if topic not in LEGACY_TOPICS  # only earlier releases wrote them: see tests/legacy
    }
    assert {kind: kinds[kind] for kind in projected if kinds[kind] < 3} == {}


@pytest.fixture
def follower(store: Store) -> Follower:
    return store.read.follower


@pytest.fixture
def history(store: Store) -> History:
    """Many consortia with every kind of event, on this test's own store."""
    history = generate(store)
    assert_covers_every_projected_event(store)
    return history


@pytest.fixture
def small_history(store: Store) -> History:
    """A few consortia with some history, on this test's own store."""
    return generate(store, consortia=4, rounds=3)


@pytest.fixture(scope="module", params=BACKENDS)
def shared_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    """One store per backend for a whole module: for tests that only read what it holds."""
    with backend(request.param, tmp_path_factory.mktemp("shared")) as settings:
        store = open_store(settings, StepClock())
        try:
            yield store
        finally:
            store.close()


@pytest.fixture(scope="module")
def generated(shared_store: Store) -> tuple[Store, History]:
    """A generated history on the module's store, for tests that only read."""
    history = generate(shared_store)
    assert_covers_every_projected_event(shared_store)
    return shared_store, history
