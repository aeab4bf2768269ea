"""A clock for tests: starts at a fixed instant and moves a millisecond at each reading."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class StepClock:
    def __init__(
        self,
        start: datetime = datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        step: timedelta = timedelta(milliseconds=1),
    ) -> None:
        self._now = start
        self._step = step
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            self._now += self._step
            return self._now

    def peek(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._now += delta
