"""Following the notification log: apply new events to the read model, in order, once.

On PostgreSQL the log is followed with the library's LISTEN/NOTIFY subscription; the SQLite
recorder cannot subscribe, so there a subscription of the same interface polls the log. One
process at a time follows (a lock per database: a file lock on SQLite, an advisory lock on
PostgreSQL); the others wait for it when they need fresh rows.

An event the follower cannot apply does not stop it: the event is noted as failed, in the
transaction that tracks the position past it, the others are applied, and an operator sees it
(``GET /api/v1/read-model``, one ERROR line) and retries it after a fix. When the database
fails, nothing is skipped: the follower tries again, waiting longer each time (up to 30 s).

A rebuild does not stop the service: it builds a new generation of the tables beside the live
one, from the whole log, without leading (see :meth:`Follower.rebuild`), and switches to it in
one transaction; the follower then carries on from the new generation's position.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import IO, Any, Final, Protocol

from eventsourcing.persistence import (
    ApplicationRecorder,
    IntegrityError,
    Notification,
    Subscription,
    Tracking,
)
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresSubscription
from psycopg.sql import SQL, Identifier

from events.application import StoreApplication
from events.postgres import without_answer_bound
from events.readmodel import failures
from events.readmodel.failures import Failure, blames_the_database
from events.readmodel.projection import ConsortiumProjection
from events.readmodel.recorders import (
    GenerationMoved,
    OtherRelease,
    ReadModel,
    Tx,
    raised_while_tracking,
)
from events.readmodel.tables import TABLES

log = logging.getLogger(__name__)

BATCH: Final = 500
POLL_SECONDS: Final = 0.1
LEADER_RETRY_SECONDS: Final = 5.0
STOP_TIMEOUT: Final = 40.0
BACKOFF_FIRST: Final = 1.0
BACKOFF_MAX: Final = 30.0
# How often the follower's listening connection on PostgreSQL is checked.
CHECK_SECONDS: Final = 5.0


def backoff(failures_in_a_row: int) -> float:
    """Seconds to wait after that many failures in a row: 1, 2, 4, 8, 16, then 30 each time."""
    doublings = max(0, min(failures_in_a_row - 1, 16))
    return min(BACKOFF_MAX, BACKOFF_FIRST * (1 << doublings))


class RebuildUnderWay(Exception):
    """Another process (or thread) rebuilds the read model now."""


@dataclass(frozen=True)
class Retried:
    """What a retry of the failed events did."""

    retried: list[Failure]  # the events noted as failed, tried again
    failing: list[Failure]  # those that fail still (or now, after a change of the projection)

    @property
    def applied(self) -> int:
        """How many of the failed events are applied now."""
        failing = {f.notification_id for f in self.failing}
        return sum(1 for f in self.retried if f.notification_id not in failing)


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


class CheckedSubscription(PostgresSubscription):
    """The library's LISTEN/NOTIFY subscription, whose listening connection is asked a question
    every ``CHECK_SECONDS``: one that went silent (a server or proxy that acknowledges but never
    answers) fails within its bound (``events.postgres``), and the follower subscribes again,
    instead of waiting for notifications that never come. The connection stops listening
    before it goes back to the pool (the library's hands it back listening, and psycopg would
    keep every later notification on it, unread, for as long as it lives)."""

    def _listen(self) -> None:
        try:
            with self._recorder.datastore.get_connection() as conn:
                channel = Identifier(self._recorder.channel_name)
                conn.execute(SQL("LISTEN {0}").format(channel))
                try:
                    checked = time.monotonic()
                    while not self._has_been_stopped and not self._thread_error:
                        for _ in conn.notifies(timeout=0.1, stop_after=1):
                            self._has_been_notified.set()
                        if time.monotonic() - checked > CHECK_SECONDS:
                            conn.execute("SELECT 1")
                            checked = time.monotonic()
                finally:
                    with contextlib.suppress(Exception):  # broken: the pool drops it anyway
                        conn.execute(SQL("UNLISTEN {0}").format(channel))
        except BaseException as error:
            if self._thread_error is None:
                self._thread_error = error
            self.stop()


class Lock(Protocol):
    def try_acquire(self) -> bool: ...
    def release(self) -> None: ...


class Leadership:
    """Which process follows the log: whoever holds the database's follower lock.

    The threads of a process (the follower's, and a request's or a task's waiting for fresh
    rows) take the lead one at a time. Were two to try at once, the one the lock refused (held,
    by the other's handle, in this very process) would record that this process does not lead
    after the other recorded that it does: the process would hold the lock and never follow,
    and every other process would wait for it in vain."""

    def __init__(self, lock: Lock | None) -> None:
        self._lock = lock  # None: this process never leads
        self.is_leader = False
        self._trying = threading.Lock()  # one attempt at a time (see the class)

    def try_lead(self) -> bool:
        with self._trying:
            if not self.is_leader and self._lock is not None:
                self.is_leader = self._lock.try_acquire()
            return self.is_leader

    def step_down(self) -> None:
        with self._trying:
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
        rebuilding: Lock | None = None,
    ) -> None:
        self.app = app
        self.rebuilding = rebuilding  # held while a rebuild runs: one at a time
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
        """The last notification applied to the read model (its live generation, or the one
        this thread builds)."""
        return self.view.position(self.app.name)

    def head(self) -> int:
        """The last notification recorded in the log."""
        return self.app.recorder.max_notification_id() or 0

    # -- applying -------------------------------------------------------------------------

    def apply(self, notifications: Sequence[Notification]) -> int:
        """Apply the notifications after the tracked position, in one transaction; answer how
        many were handled (an event that cannot be applied is noted as failed, and handled).

        The position and the writes are of one generation: when a rebuild switched to another
        in between, nothing is written and the answer is 0 (the next round starts from the new
        generation's position)."""
        with self.view.kept_generation():
            done = self.position()
            fresh = [n for n in notifications if n.id > done]
            if not fresh:
                return 0
            try:
                self._apply(fresh)
            except GenerationMoved:
                return 0
            except IntegrityError:
                if self.position() > done:
                    # Applied meanwhile by another follower (a former leader): nothing of this
                    # batch was written; the next round starts from the new position.
                    return 0
                raise  # a real failure: nothing was written, and nothing is skipped
            return len(fresh)

    def _apply(self, fresh: Sequence[Notification]) -> None:
        try:
            self.projection.process_events(
                [(self.app.mapper.to_domain_event(n), self._tracking(n)) for n in fresh]
            )
        except (GenerationMoved, OtherRelease):
            raise
        except Exception as error:
            if blames_the_database(error) or raised_while_tracking(error):
                raise  # nothing was written, and nothing is skipped: the caller tries again
        else:
            return
        # An event of the batch cannot be applied: apply them one by one to find it.
        self._apply_one_by_one(fresh)

    def _apply_one_by_one(self, fresh: Sequence[Notification]) -> None:
        """Apply each event in a savepoint of one transaction, note those that fail in it, and
        track the last: so the position moves past a failed event once, with its note."""
        with self.view.shared_transaction() as tx:
            failed = self._apply_each(tx, fresh)
        self._log_skipped(failed)

    def _apply_each(
        self, tx: Tx, fresh: Sequence[Notification]
    ) -> list[tuple[Notification, Exception]]:
        """Apply each event in a savepoint of the shared transaction, note those that fail in
        it, and track the last; answer those that failed."""
        failed: list[tuple[Notification, Exception]] = []
        for notification in fresh:
            error = self._apply_alone(notification)
            if error is not None:
                failures.record(tx, self.app.name, notification, error, self.app.clock())
                failed.append((notification, error))
        if fresh:
            tx.track(self._tracking(fresh[-1]))
        return failed

    def _log_skipped(self, failed: Sequence[tuple[Notification, Exception]]) -> None:
        for notification, error in failed:
            # One line, once: the event is noted, and never tried again by the follower.
            log.error(
                "the read model skipped event %s (%s, version %s of %s): %s: %s. "
                "It is listed at GET /api/v1/read-model; after a fix, "
                "`consortium projections retry` applies it.",
                notification.id,
                notification.topic.rpartition(":")[2],
                notification.originator_version,
                notification.originator_id,
                *failures.describe(error),
            )
            log.debug("why event %s was skipped", notification.id, exc_info=error)

    def _apply_alone(self, notification: Notification) -> Exception | None:
        """Apply one event, in a shared transaction; answer the error if the event is at fault,
        raise it if the database is."""
        try:
            event = self.app.mapper.to_domain_event(notification)
            self.projection.process_events([(event, self._tracking(notification))])
        except (GenerationMoved, OtherRelease):
            raise
        except Exception as error:
            if blames_the_database(error):
                raise
            return error
        return None

    def _tracking(self, notification: Notification) -> Tracking:
        return Tracking(self.app.name, notification.id)

    def catch_up(self, progress: Callable[[int], None] | None = None) -> int:
        """Apply every event recorded so far; return how many were applied."""
        with self._apply_lock:
            return self._catch_up(progress)

    def _catch_up(self, progress: Callable[[int], None] | None = None) -> int:
        applied = 0
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
        """Wait until the read model has applied ``position``, ``timeout`` seconds at most;
        catch up if we lead. When another thread of this process is applying (the follower's),
        this one waits for it, not for its lock: a reader is never held longer than its
        timeout, however long that thread takes."""
        if self.position() >= position:
            return True
        deadline = time.monotonic() + timeout
        if self.leadership.try_lead() and self._apply_lock.acquire(timeout=timeout):
            try:
                self._catch_up()
            finally:
                self._apply_lock.release()
            return self.position() >= position
        while time.monotonic() < deadline:
            if self.position() >= position:
                return True
            time.sleep(0.01)
        return self.position() >= position  # the thread applying may have finished meanwhile

    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        """Build the read model again from the whole log, while it keeps answering; answer how
        many events were applied. Its statements may wait long (behind a backup, for the
        switch's lock): PostgreSQL's answers are not bounded here (``events.postgres``).

        A new generation of the tables is built beside the live one, by this thread, without
        leading (the leader keeps the live one up to date meanwhile); then, in one transaction
        that no other transaction on the read model overlaps, the events recorded since are
        applied to it, it becomes the live one, and the old one is dropped. Readers and the
        follower use the new one from their next transaction; nothing failed is kept (the
        events that still fail are noted again)."""
        with without_answer_bound():
            return self._rebuild(progress)

    def _rebuild(self, progress: Callable[[int], None] | None) -> int:
        if self.rebuilding is not None and not self.rebuilding.try_acquire():
            raise RebuildUnderWay("Another rebuild of the read model is under way.")
        try:
            live, _ = self.view.live()
            new = live + 1
            self.view.make_generation(new, self.app.name)
            try:
                with self.view.building(new):
                    applied = self._build(progress)
                    applied += self._switch(live, new, progress)
            except BaseException:
                with contextlib.suppress(Exception):
                    self._discard(new)
                raise
        finally:
            if self.rebuilding is not None:
                self.rebuilding.release()
        return applied

    def _discard(self, generation: int) -> None:
        """Drop the tables of a generation a rebuild did not finish (unless it is live)."""
        if self.view.live()[0] != generation:
            with self.view.transaction(commit=True) as tx:
                self.view.drop_generation(tx, generation, self.app.name)

    def _build(self, progress: Callable[[int], None] | None) -> int:
        """Apply the log to the generation this thread builds, until a batch is not full."""
        applied = 0
        while True:
            if self._stopping.is_set():
                raise RuntimeError("The store closed during the rebuild.")
            batch = self.app.recorder.select_notifications(
                start=self.position(), limit=BATCH, inclusive_of_start=False
            )
            applied += self.apply(batch)
            if progress and batch:
                progress(len(batch))
            if len(batch) < BATCH:
                return applied

    def _switch(self, live: int, new: int, progress: Callable[[int], None] | None) -> int:
        """Apply what was recorded since to the new generation and make it the live one."""
        with self.view.switching() as tx:
            done = self.view.position_in(tx, self.app.name)
            rest: list[Notification] = []
            while True:
                page = self.app.recorder.select_notifications(
                    start=rest[-1].id if rest else done, limit=BATCH, inclusive_of_start=False
                )
                rest.extend(page)
                if len(page) < BATCH:
                    break
            failed = self._apply_each(tx, rest)
            self.view.activate(tx, live, new)
        self._log_skipped(failed)
        # Apart from the switch, which so never waits for a long reader of the old tables (a
        # backup); what is left when this fails, the next rebuild drops.
        try:
            with self.view.transaction(commit=True) as tx:
                self.view.drop_generation(tx, live, self.app.name)
        except Exception:
            log.warning("the read model's old tables (generation %s) stay for now", live)
        if progress and rest:
            progress(len(rest))
        return len(rest)

    def retry_failed(self) -> Retried:
        """Apply the events noted as failed again, after a fix.

        Every consortium with a failed event is replayed: its rows dropped and all its events up
        to the tracked position applied again, in one transaction; so the events that followed
        a failed one build on it exactly as in a rebuild. (The projection reads and writes only
        rows of the event's consortium, and every table names it in ``consortium_id``.) An event
        that fails still keeps its note, with one more attempt. Should a rebuild switch the
        generation meanwhile, GenerationMoved is raised: the new one has retried them already."""
        with self._apply_lock, self.view.kept_generation():
            position = self.position()
            with self.view.transaction(commit=False) as tx:
                failed = failures.listed(tx, self.app.name, limit=None)
            streams = self._notifications_of({str(f.originator_id) for f in failed}, position)
            for originator_id, notifications in streams.items():
                self._replay(originator_id, notifications)
            with self.view.transaction(commit=False) as tx:
                failing = failures.listed(tx, self.app.name, limit=None)
        return Retried(retried=failed, failing=failing)

    def _replay(self, originator_id: str, notifications: Sequence[Notification]) -> None:
        with self.view.shared_transaction() as tx:
            for table in TABLES:
                tx.execute(
                    f"DELETE FROM {{t}}{table} WHERE consortium_id = :c",  # noqa: S608
                    {"c": originator_id},
                )
            for notification in notifications:
                error = self._apply_alone(notification)
                if error is None:
                    failures.forget(tx, self.app.name, notification.id)
                else:
                    failures.record(tx, self.app.name, notification, error, self.app.clock())

    def _notifications_of(
        self, originator_ids: set[str], up_to: int
    ) -> dict[str, list[Notification]]:
        """The notifications of these originators, up to a position, in log order."""
        found: dict[str, list[Notification]] = {o: [] for o in sorted(originator_ids)}
        start = 0
        while originator_ids and start < up_to:
            page = self.app.recorder.select_notifications(
                start=start, limit=BATCH, stop=up_to, inclusive_of_start=False
            )
            if not page:
                break
            for notification in page:
                if str(notification.originator_id) in found:
                    found[str(notification.originator_id)].append(notification)
            start = page[-1].id
        return found

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
                self._wake_listener()
        if self._thread is not None:
            # Longer than a write may wait for the database's lock (SQLITE_LOCK_TIMEOUT).
            self._thread.join(timeout=STOP_TIMEOUT)
            if self._thread.is_alive():
                log.warning("the read-model follower did not stop in %s s", STOP_TIMEOUT)
        self.leadership.step_down()

    def _wake_listener(self) -> None:
        """On PostgreSQL, the subscription's listening thread looks whether it was stopped
        each time a notification arrives or a tenth of a second passes: a notification now
        lets it end at once instead of at the end of its wait."""
        recorder = self.app.recorder
        if not isinstance(recorder, PostgresApplicationRecorder):
            return
        # Closing anyway: if this fails, the thread ends at the end of its wait.
        with (
            contextlib.suppress(Exception),
            recorder.datastore.transaction(commit=True) as cursor,
        ):
            cursor.execute(SQL("NOTIFY {0}").format(Identifier(recorder.channel_name)))

    def _subscribe(self) -> Subscription[Any]:
        recorder = self.app.recorder
        if isinstance(recorder, PostgresApplicationRecorder):
            return CheckedSubscription(recorder=recorder, gt=self.position())
        return PollingSubscription(recorder, gt=self.position())

    def _follow(self) -> None:
        failures_in_a_row = 0
        while not self._stopping.is_set():
            try:
                # Taking the lead needs the database too (PostgreSQL's advisory lock): when it
                # is away, that fails like any other step, and is tried again.
                if not self.leadership.try_lead():
                    self._stopping.wait(LEADER_RETRY_SECONDS)
                    continue
                if self.catch_up():
                    failures_in_a_row = 0
                with self._subscribe() as subscription:
                    with self._subscribing:
                        self._subscription = subscription
                    if self._stopping.is_set():
                        return
                    applied = self.position()
                    for notification in subscription:
                        if notification.id <= applied:
                            continue  # applied with the batch of an earlier one
                        with self._apply_lock:
                            if self._stopping.is_set():
                                return
                            applied = self._apply_up_to(notification, applied)
                        failures_in_a_row = 0
            except Exception as error:
                if self._stopping.is_set():
                    return  # the store is closing under us: nothing to report
                failures_in_a_row += 1
                wait = backoff(failures_in_a_row)
                if failures_in_a_row == 1:
                    log.exception("following the event log failed; retrying in %.0f s", wait)
                else:
                    log.warning(
                        "following the event log failed again (%d times in a row: %s: %s); "
                        "retrying in %.0f s",
                        failures_in_a_row,
                        *failures.describe(error),
                        wait,
                    )
                self._rest(wait)

    def _apply_up_to(self, notification: Notification, applied: int) -> int:
        """Apply the log up to ``notification`` (and what follows it already), a batch per
        transaction, from ``applied``; answer the last notification applied.

        Under load, the events recorded since the follower last woke up share a transaction
        (and a commit) instead of taking one each, as the web's writes wait for the database's
        write lock while the follower holds it."""
        while applied < notification.id:
            batch = self.app.recorder.select_notifications(
                start=applied, limit=BATCH, inclusive_of_start=False
            )
            if not batch or batch[-1].id <= applied:  # not visible to this read (yet)
                if not self.apply([notification]):
                    return self.position()  # a rebuild switched generations: go on from there
                return notification.id
            if not self.apply(batch):
                applied = self.position()  # applied by another, or a rebuild switched
                continue
            applied = batch[-1].id
        return applied

    def _rest(self, seconds: float) -> None:
        """Wait before trying again; stopping ends the wait."""
        self._stopping.wait(seconds)
