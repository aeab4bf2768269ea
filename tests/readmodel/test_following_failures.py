"""The follower in the background: a failed event costs one log line and is never tried again;
a failing database is tried again after 1, 2, 4 … up to 30 seconds, with a line each time."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from typing import Final

import pytest

from events.bootstrap import Store, open_store
from events.readmodel.follower import backoff
from tests.clock import StepClock
from tests.readmodel.faults import POISONED, Faults, found, noted

FOLLOWER_LOG: Final = "events.readmodel.follower"
PATIENCE: Final = 30.0  # only ever waited out when the follower is stuck


@pytest.fixture
def faults(store: Store, monkeypatch: pytest.MonkeyPatch) -> Faults:
    faults = Faults(store, monkeypatch)
    faults.refuse_nul()
    return faults


@pytest.fixture
def reader(store: Store, clock: StepClock) -> Iterator[Store]:
    """Another store on the database that only reads: it waits for the follower's thread."""
    other = open_store(store.settings, clock, may_lead=False)
    yield other
    other.close()


def lines_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    """What the follower logged at INFO and above, line by line (tracebacks included)."""
    handler = logging.Handler()
    return [
        line
        for record in caplog.records
        if record.name == FOLLOWER_LOG and record.levelno >= logging.INFO
        for line in handler.format(record).splitlines()
    ]


def test_the_follower_logs_one_line_for_a_failed_event_and_follows_on(
    store: Store, reader: Store, faults: Faults, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=FOLLOWER_LOG)
    store.read.start_following()
    poisoned = found(reader, POISONED)
    found(reader, "Daarna")
    reader.read.fresh(timeout=PATIENCE)

    found(reader, "Nog later")
    reader.read.fresh(timeout=PATIENCE)

    (line,) = lines_logged(caplog)
    assert "skipped" in line
    assert str(poisoned) in line
    assert len(noted(store)) == 1


def test_backoff_doubles_from_one_second_up_to_thirty() -> None:
    assert [backoff(n) for n in range(1, 9)] == [1, 2, 4, 8, 16, 30, 30, 30]


def test_a_failing_database_is_tried_again_later_and_later_with_one_line_each_time(
    store: Store,
    faults: Faults,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    follower = store.read.follower
    faults.lock_timeout_on("Vastgelopen")
    found(store, "Vastgelopen")
    waits: list[float] = []
    seven = threading.Event()
    rest = follower._rest

    def count_instead_of_waiting(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 7:
            seven.set()
            rest(PATIENCE)  # until the store closes

    monkeypatch.setattr(follower, "_rest", count_instead_of_waiting)
    store.read.start_following()

    assert seven.wait(PATIENCE)
    assert waits == [1, 2, 4, 8, 16, 30, 30]
    levels = [r.levelname for r in caplog.records if r.name == FOLLOWER_LOG]
    assert levels == ["ERROR"] + ["WARNING"] * 6
    assert (follower.position(), noted(store)) == (0, [])
