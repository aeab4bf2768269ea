"""Leading the read model: the threads of one process share its lead.

A Celery worker's follower thread tries to lead as it starts, while the worker's first task,
needing fresh rows, tries too. The process must then lead (and follow), whichever thread took
the lock: a thread refused by its own process's lock must not record that the process does not
lead, or the process holds the lock and nobody ever applies an event again.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Final

import psycopg

from events.bootstrap import open_store
from events.caller import Caller
from events.readmodel.follower import FileLock, Leadership, Lock
from tests.backends import sqlite_file
from tests.store.support import found
from tests.workers.support import wait_until

# How long the first thread, holding the lock already, gives the second to try at the same time.
MOMENT: Final = 0.5
WAIT_SECONDS: Final = 10.0


class ContestedFileLock(FileLock):
    """A file lock that the first thread takes and holds on to until a second thread tries to
    take it as well (or a moment passed); the second learns the answer only once the first
    thread's attempt to lead is over: so they try at once, and the refusal comes last."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.attempts = 0
        self.first_tries = threading.Event()
        self.second_tries = threading.Event()
        self.first_done = threading.Event()

    def try_acquire(self) -> bool:
        self.attempts += 1
        if self.attempts == 1:
            acquired = super().try_acquire()
            self.first_tries.set()
            self.second_tries.wait(MOMENT)
            return acquired
        self.second_tries.set()
        self.first_done.wait(WAIT_SECONDS)
        return super().try_acquire()


def test_threads_of_one_process_trying_to_lead_at_once_both_lead(tmp_path: Path) -> None:
    path = str(tmp_path / "store.sqlite3.read-model.lock")
    lock = ContestedFileLock(path)
    leadership = Leadership(lock)
    answers: dict[str, bool] = {}

    def first() -> None:
        answers["first"] = leadership.try_lead()
        lock.first_done.set()

    def second() -> None:
        answers["second"] = leadership.try_lead()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    lock.first_tries.wait(WAIT_SECONDS)
    threads[1].start()
    for thread in threads:
        thread.join(WAIT_SECONDS)
    leading = leadership.try_lead()
    leadership.step_down()
    another_process = FileLock(path)

    assert answers == {"first": True, "second": True}
    assert leading is True
    assert another_process.try_acquire()  # the lead was given back: nothing held it on
    another_process.release()


class LockThatFailsFirst:
    """The database's follower lock, whose first attempt fails as when the database is away."""

    def __init__(self, lock: Lock) -> None:
        self.lock = lock
        self.attempts = 0

    def try_acquire(self) -> bool:
        self.attempts += 1
        if self.attempts == 1:
            raise psycopg.OperationalError("server closed the connection unexpectedly")
        return self.lock.try_acquire()

    def release(self) -> None:
        self.lock.release()


def test_the_follower_goes_on_after_taking_the_lead_failed(tmp_path: Path) -> None:
    """Taking the lead failed while PostgreSQL was away: once, the follower's thread died of it
    and the read model stayed behind until the service was restarted."""
    with sqlite_file(tmp_path) as settings:
        store = open_store(settings, may_lead=True)
        try:
            follower = store.read.follower
            failing = LockThatFailsFirst(follower.leadership._lock)  # type: ignore[arg-type]
            follower.leadership._lock = failing
            found(store.consortia, Caller("pm@x.example", "req", may_found=True))
            store.read.start_following()

            assert wait_until(lambda: failing.attempts >= 2, timeout=WAIT_SECONDS)
            assert wait_until(lambda: follower.position() == follower.head())
            assert follower._thread is not None
            assert follower._thread.is_alive()
        finally:
            store.close()


def test_a_reader_waits_no_longer_than_its_timeout_while_the_follower_thread_applies(
    tmp_path: Path,
) -> None:
    """A reader in the leading process used to wait for the follower thread's lock without a
    bound: with that thread stuck (seen for 11 minutes in a database outage test), every read
    needing fresh rows hung with it. It now gives up at its timeout (a stale answer: 503)."""
    with sqlite_file(tmp_path) as settings:
        store = open_store(settings, may_lead=True)
        try:
            follower = store.read.follower
            assert follower.leadership.try_lead()
            found(store.consortia, Caller("pm@x.example", "req", may_found=True))
            answers: list[bool] = []
            with follower._apply_lock:  # the follower's thread, applying (or stuck)
                reader = threading.Thread(
                    target=lambda: answers.append(follower.wait_for(follower.head(), 0.2))
                )
                reader.start()
                reader.join(timeout=WAIT_SECONDS)
                waited_out = not reader.is_alive()
            reader.join()
            assert (waited_out, answers) == (True, [False])
        finally:
            store.close()


def test_a_reader_in_the_leading_process_catches_up_itself_when_nobody_applies(
    tmp_path: Path,
) -> None:
    with sqlite_file(tmp_path) as settings:
        store = open_store(settings, may_lead=True)
        try:
            follower = store.read.follower
            found(store.consortia, Caller("pm@x.example", "req", may_found=True))

            assert (follower.wait_for(follower.head(), 1.0), follower.position()) == (
                True,
                follower.head(),
            )
        finally:
            store.close()
