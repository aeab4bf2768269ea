"""The SQLite file that keeps rate-limit counts for every process on one machine."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path
from typing import Any, Final

import pytest
from limits import parse
from limits.strategies import MovingWindowRateLimiter

from web.ratelimit_storage import SQLiteStorage

NOW: Final = 1_800_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def storage(tmp_path: Path, clock: Clock) -> SQLiteStorage:
    return SQLiteStorage(f"sqlite://{tmp_path / 'ratelimit.sqlite3'}", clock=clock)


def test_entries_are_acquired_up_to_the_limit(storage: SQLiteStorage) -> None:
    acquired = [storage.acquire_entry("192.0.2.1", 3, 60) for _ in range(4)]

    assert acquired == [True, True, True, False]


def test_keys_count_apart(storage: SQLiteStorage) -> None:
    for _ in range(3):
        storage.acquire_entry("192.0.2.1", 3, 60)

    assert storage.acquire_entry("192.0.2.2", 3, 60)


def test_more_entries_than_the_limit_at_once_are_never_acquired(storage: SQLiteStorage) -> None:
    assert not storage.acquire_entry("192.0.2.1", 3, 60, amount=4)


def test_entries_leave_the_window_when_they_are_older_than_it(
    storage: SQLiteStorage, clock: Clock
) -> None:
    for _ in range(3):
        storage.acquire_entry("192.0.2.1", 3, 60)
    clock.now += 60

    assert storage.acquire_entry("192.0.2.1", 3, 60)


def test_the_window_starts_at_its_oldest_entry(storage: SQLiteStorage, clock: Clock) -> None:
    storage.acquire_entry("192.0.2.1", 3, 60)
    clock.now += 10
    storage.acquire_entry("192.0.2.1", 3, 60)

    assert storage.get_moving_window("192.0.2.1", 3, 60) == (NOW, 2)


def test_an_empty_window_starts_now(storage: SQLiteStorage, clock: Clock) -> None:
    assert storage.get_moving_window("192.0.2.1", 3, 60) == (NOW, 0)


def test_the_counts_are_in_the_file_for_every_opener(tmp_path: Path, clock: Clock) -> None:
    uri = f"sqlite://{tmp_path / 'ratelimit.sqlite3'}"
    first, second = SQLiteStorage(uri, clock=clock), SQLiteStorage(uri, clock=clock)
    for _ in range(3):
        first.acquire_entry("192.0.2.1", 3, 60)

    assert not second.acquire_entry("192.0.2.1", 3, 60)


def test_the_moving_window_strategy_of_limits_runs_on_it(storage: SQLiteStorage) -> None:
    limiter = MovingWindowRateLimiter(storage)
    item = parse("2 per minute")

    assert [limiter.hit(item, "192.0.2.1") for _ in range(3)] == [True, True, False]
    assert limiter.get_window_stats(item, "192.0.2.1").remaining == 0


def test_a_cleared_key_counts_from_zero(storage: SQLiteStorage) -> None:
    for _ in range(3):
        storage.acquire_entry("192.0.2.1", 3, 60)
    storage.clear("192.0.2.1")

    assert storage.acquire_entry("192.0.2.1", 3, 60)


def test_a_reset_forgets_every_key(storage: SQLiteStorage) -> None:
    storage.acquire_entry("192.0.2.1", 3, 60)
    storage.incr("192.0.2.2", 60)

    assert storage.reset() == 2
    assert storage.get_moving_window("192.0.2.1", 3, 60)[1] == storage.get("192.0.2.2") == 0


def test_a_fixed_window_counter_counts_until_its_window_ends(
    storage: SQLiteStorage, clock: Clock
) -> None:
    counts = [storage.incr("192.0.2.1", 60) for _ in range(3)]
    clock.now += 59

    assert (counts, storage.get("192.0.2.1"), storage.get_expiry("192.0.2.1")) == (
        [1, 2, 3],
        3,
        NOW + 60,
    )


def test_a_fixed_window_counter_starts_again_after_its_window(
    storage: SQLiteStorage, clock: Clock
) -> None:
    storage.incr("192.0.2.1", 60, amount=5)
    clock.now += 60

    assert (storage.get("192.0.2.1"), storage.incr("192.0.2.1", 60)) == (0, 1)


def test_a_file_that_can_be_opened_is_healthy(storage: SQLiteStorage) -> None:
    assert storage.check()


def test_a_file_that_cannot_be_opened_is_unhealthy(tmp_path: Path) -> None:
    (tmp_path / "not-a-directory").write_text("")

    assert not SQLiteStorage(f"sqlite://{tmp_path / 'not-a-directory' / 'x.sqlite3'}").check()


def test_a_path_is_needed() -> None:
    with pytest.raises(ValueError, match="file path"):
        SQLiteStorage("sqlite://")


# -- several processes -----------------------------------------------------------------------------

PROCESSES: Final = 4
ROUNDS: Final = 60
LIMIT: Final = 5
ATTEMPTS: Final = 3  # each process, each round: 12 attempts at 5 places


def _race(uri: str, ready: Any, results: Any) -> None:
    storage = SQLiteStorage(uri)
    storage.check()  # open the file before the race
    acquired = 0
    for round_ in range(ROUNDS):
        ready.wait()  # every round, all processes start at once on a fresh key
        acquired += sum(
            storage.acquire_entry(f"round-{round_}", LIMIT, 60) for _ in range(ATTEMPTS)
        )
    results.put(acquired)


@pytest.mark.slow
def test_processes_racing_for_the_same_places_acquire_exactly_the_limit(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    ready, results = context.Barrier(PROCESSES), context.Queue()
    uri = f"sqlite://{tmp_path / 'ratelimit.sqlite3'}"
    racers = [context.Process(target=_race, args=(uri, ready, results)) for _ in range(PROCESSES)]
    for racer in racers:
        racer.start()
    acquired = sum(results.get(timeout=120) for _ in racers)
    for racer in racers:
        racer.join(timeout=30)

    assert acquired == ROUNDS * LIMIT


def test_connections_opening_a_new_file_at_the_same_moment_all_count(tmp_path: Path) -> None:
    # Each opener turns the file to write-ahead logging and makes its tables; SQLite refuses
    # that at once (no waiting) to one of two openers that ask together while both read. Many
    # rounds, four openers each, all counting at the same moment on a new file: none may fail.
    rounds, openers = 40, 4
    failures: list[str] = []
    for round_ in range(rounds):
        uri = f"sqlite://{tmp_path / f'round-{round_}.sqlite3'}"
        together = threading.Barrier(openers)

        def count(uri: str = uri, together: threading.Barrier = together) -> None:
            storage = SQLiteStorage(uri)
            together.wait()
            try:
                storage.acquire_entry("192.0.2.1", openers, 60)
            except Exception as error:  # each failure is the finding
                failures.append(repr(error))

        threads = [threading.Thread(target=count) for _ in range(openers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    assert failures == []
