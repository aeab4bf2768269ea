"""Following the notification log: apply new events to the read model, in order, once.

On PostgreSQL the log is followed with the library's LISTEN/NOTIFY subscription; the SQLite
recorder cannot subscribe, so there a subscription of the same interface polls the log. One
process at a time follows (a lock per database: a file lock on SQLite, an advisory lock on
PostgreSQL); the others wait for it when they need fresh rows.
"""

from __future__ import annotations

import fcntl
import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import IO, Any, Final, Protocol

from eventsourcing.persistence import (
    ApplicationRecorder,
    IntegrityError,
    Notification,
    Subscription,
    Tracking,
)
from eventsourcing.postgres import PostgresApplicationRecorder

from events.application import StoreApplication
from events.readmodel.projection import ConsortiumProjection
from events.readmodel.recorders import ReadModel

log = logging.getLogger(__name__)

BATCH: Final = 500
POLL_SECONDS: Final = 0.1
LEADER_RETRY_SECONDS: Final = 5.0
STOP_TIMEOUT: Final = 40.0


class PollingSubscription(Subscription[ApplicationRecorder]):
    """A subscription that asks the log for new notifications at short intervals."""

    def __init__(self, recorder: ApplicationRecorder, gt: int | None = None) -> None:
        super().__init__(recorder=recorder, gt=gt)
        self._pending: list[Notification] = []
        self._stopped = threading.Event()

    def stop(self) -> None:
        super().stop()
        self._stopped.set()

    def __next__(self) -> Notification:
        while not self._pending:
            if self._has_been_stopped:
                raise StopIteration
            self._pending = list(
                self._recorder.select_notifications(
                    start=self._last_notification_id,
                    limit=BATCH,
                    inclusive_of_start=self._last_notification_id is None,
                )
            )
            if not self._pending:
                self._stopped.wait(POLL_SECONDS)
        notification = self._pending.pop(0)
        self._last_notification_id = notification.id
        return notification


class Lock(Protocol):
    def try_acquire(self) -> bool: ...
    def release(self) -> None: ...


class Leadership:
    """Which process follows the log: whoever holds the database's follower lock."""

    def __init__(self, lock: Lock | None) -> None:
        self._lock = lock  # None: this process never leads
        self.is_leader = False

    def try_lead(self) -> bool:
        if not self.is_leader and self._lock is not None:
            self.is_leader = self._lock.try_acquire()
        return self.is_leader

    def step_down(self) -> None:
        if self.is_leader and self._lock is not None:
            self._lock.release()
        self.is_leader = False


class FileLock:
    """An exclusive lock on a file beside the SQLite database (released when the file closes)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._file: IO[str] | None = None

    def try_acquire(self) -> bool:
        handle = open(self.path, "a")  # noqa: SIM115 - held open while leading
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._file = handle
        return True

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None


class AdvisoryLock:
    """A PostgreSQL advisory lock, held by a connection of its own for as long as we lead."""

    def __init__(self, connect: Callable[[], Any], key: str) -> None:
        self._connect = connect
        self.key = key
        self._conn: Any = None

    def try_acquire(self) -> bool:
        conn = self._connect()
        row = conn.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (self.key,)).fetchone()
        if row and row[0]:
            self._conn = conn
            return True
        conn.close()
        return False

    def release(self) -> None:
        if self._conn is not None:
            self._conn.close()  # ends the session, and with it the lock
            self._conn = None


class Follower:
    """Applies the events of one application to the read model."""

    def __init__(
        self,
        app: StoreApplication,
        view: ReadModel,
        projection: ConsortiumProjection,
        leadership: Leadership,
    ) -> None:
        self.app = app
        self.view = view
        self.projection = projection
        self.leadership = leadership
        self._apply_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._subscription: Subscription[Any] | None = None
        self._stopping = threading.Event()
        self._subscribing = threading.Lock()

    # -- positions ------------------------------------------------------------------------

    def position(self) -> int:
        """The last notification applied to the read model."""
        return self.view.max_tracking_id(self.app.name) or 0

    def head(self) -> int:
        """The last notification recorded in the log."""
        return self.app.recorder.max_notification_id() or 0

    # -- applying -------------------------------------------------------------------------

    def apply(self, notifications: Sequence[Notification]) -> int:
        """Apply the notifications after the tracked position, in one transaction."""
        done = self.position()
        batch = [
            (self.app.mapper.to_domain_event(n), Tracking(self.app.name, n.id))
            for n in notifications
            if n.id > done
        ]
        try:
            self.projection.process_events(batch)
        except IntegrityError:
            if self.position() > done:
                # Applied meanwhile by another follower (a former leader): nothing of this
                # batch was written; the next round starts from the new position.
                return 0
            raise  # a real failure: nothing was written, and nothing is skipped
        return len(batch)

    def catch_up(self, progress: Callable[[int], None] | None = None) -> int:
        """Apply every event recorded so far; return how many were applied."""
        applied = 0
        with self._apply_lock:
            while not self._stopping.is_set():
                notifications = self.app.recorder.select_notifications(
                    start=self.position(), limit=BATCH, inclusive_of_start=False
                )
                if not notifications:
                    return applied
                applied += self.apply(notifications)
                if progress:
                    progress(len(notifications))
        return applied  # stopping: the store is closing

    def wait_for(self, position: int, timeout: float) -> bool:
        """Wait until the read model has applied ``position``; catch up if we lead."""
        if self.position() >= position:
            return True
        if self.leadership.try_lead():
            self.catch_up()
            return self.position() >= position
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            time.sleep(0.01)
            if self.position() >= position:
                return True
        return False

    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        """Forget every row and apply the whole log again."""
        with self._apply_lock:
            self.view.clear(self.app.name)
        return self.catch_up(progress)

    # -- following in the background -----------------------------------------------------

    def start(self) -> None:
        """Follow in a background thread (once: starting again changes nothing)."""
        with self._subscribing:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._follow, name="read-model", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop following; returns once the thread touches the store no more."""
        self._stopping.set()
        with self._subscribing:
            if self._subscription is not None:
                self._subscription.stop()
        if self._thread is not None:
            # Longer than a write may wait for the database's lock (SQLITE_LOCK_TIMEOUT).
            self._thread.join(timeout=STOP_TIMEOUT)
            if self._thread.is_alive():
                log.warning("the read-model follower did not stop in %s s", STOP_TIMEOUT)
        self.leadership.step_down()

    def _subscribe(self) -> Subscription[Any]:
        recorder = self.app.recorder
        if isinstance(recorder, PostgresApplicationRecorder):
            return recorder.subscribe(gt=self.position())
        return PollingSubscription(recorder, gt=self.position())

    def _follow(self) -> None:
        while not self._stopping.is_set():
            if not self.leadership.try_lead():
                self._stopping.wait(LEADER_RETRY_SECONDS)
                continue
            try:
                self.catch_up()
                with self._subscribe() as subscription:
                    with self._subscribing:
                        self._subscription = subscription
                    if self._stopping.is_set():
                        return
                    for notification in subscription:
                        with self._apply_lock:
                            if self._stopping.is_set():
                                return
                            self.apply([notification])
            except Exception:
                if self._stopping.is_set():
                    return  # the store is closing under us: nothing to report
                log.exception("following the event log failed; retrying")
                self._stopping.wait(1.0)
