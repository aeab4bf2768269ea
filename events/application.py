"""The common ground of our eventsourcing applications: persistence, transcodings, retries.

A command is run as *get → act → save*. When another writer saved the same aggregate in
between, saving fails on the version conflict; the command is then run again on the fresh
state, a bounded number of times. If the rule then fails, the domain error says why; if the
store stays contended, :class:`StoreBusy` says to try again.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Final, TypeVar
from uuid import UUID

import psycopg
import psycopg_pool
from eventsourcing import persistence as es
from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder, PersistenceError, Transcoder

from consortium.cause import Cause
from events.caller import Caller, Clock, utc_now
from events.idempotency import (
    AlreadyDone,
    IdempotencyClaim,
    IdempotencyKeyReused,
    IdempotentRequest,
)
from events.settings import StoreSettings
from events.transcodings import DomainTranscoder, register_domain_transcodings

log = logging.getLogger(__name__)

A = TypeVar("A", bound=Aggregate)
T = TypeVar("T")

MAX_ATTEMPTS: Final = 30
CACHE_SIZE: Final = 1000
_LOCK_STRIPES: Final = 64


def project_aggregate(aggregate: Any, events: Iterable[Any]) -> Any:
    """Apply ``events`` to ``aggregate`` (None before the first), one after the other.

    The library's ``project_aggregate`` does the same after asserting each event against a
    runtime-checkable protocol, which costs more than applying a typical event (a fifth of a
    cold load); every event of ours is an ``Aggregate.Event``, whose ``mutate`` checks that it
    follows the aggregate's version."""
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


class StoreBusy(Exception):
    """Writes kept colliding; nothing was recorded and the caller may simply try again."""


# The database cannot be reached (down, restarting, the network cut, the pool out of live
# connections): the command's transaction did not commit, so the caller may try again later.
# The eventsourcing library wraps the drivers' errors in its own; psycopg's pool raises its own.
UNREACHABLE: Final = (
    es.OperationalError,
    es.InterfaceError,
    es.ConnectionPoolClosedError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    psycopg_pool.PoolTimeout,
)


class StoreApplication(Application[UUID]):
    """An eventsourcing application configured from :class:`StoreSettings`."""

    def __init__(self, settings: StoreSettings, clock: Clock = utc_now) -> None:
        # Aggregates are cached per process and fast-forwarded from the store on each read, so
        # a command loads only the events recorded since, not the whole history.
        super().__init__(env={"AGGREGATE_CACHE_MAXSIZE": str(CACHE_SIZE), **settings.env})
        self.clock = clock
        # Writers in this process take turns per aggregate, so they do not waste retries on
        # each other; writers in other processes are handled by the retry on conflict.
        self._write_locks = [threading.Lock() for _ in range(_LOCK_STRIPES)]
        self._jitter = random.Random()  # its own generator: never disturbs anyone's seeded one

    def construct_transcoder(self) -> Transcoder:
        transcoder = DomainTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_domain_transcodings(transcoder)

    def cause(self, caller: Caller) -> Cause:
        return Cause(actor=caller.actor, request_id=caller.request_id, at=self.clock())

    def take_snapshot(
        self,
        aggregate_id: UUID,
        version: int | None = None,
        projector_func: Any = project_aggregate,
    ) -> None:
        with self._snapshot_optional(aggregate_id, version):
            super().take_snapshot(aggregate_id, version, projector_func)

    def _take_snapshots(self, processing_event: ProcessingEvent[UUID]) -> None:
        """Snapshot each saved aggregate whose version reached an interval. The library rebuilds
        the aggregate from the store at that version (its latest snapshot and the events after
        it); when the aggregate saved is at that very version, its state in hand is what was
        recorded, so it is snapshotted as it is, without reading it back."""
        if not (self.snapshots and self.snapshotting_intervals):
            return
        rebuild = ProcessingEvent[UUID]()
        for event in processing_event.events:
            aggregate = processing_event.aggregates.get(event.originator_id)
            interval = (
                None if aggregate is None else self.snapshotting_intervals.get(type(aggregate))
            )
            if aggregate is None or interval is None or event.originator_version % interval:
                continue
            snapshot_class = getattr(type(aggregate), "Snapshot", type(self).snapshot_class)
            if aggregate.version != event.originator_version or snapshot_class is None:
                rebuild.events.append(event)  # a version within the save: read back as usual
                rebuild.aggregates[aggregate.id] = aggregate
                continue
            with self._snapshot_optional(aggregate.id, aggregate.version):
                self.snapshots.put([snapshot_class.take(aggregate)])
        if rebuild.events:
            super()._take_snapshots(rebuild)

    @contextmanager
    def _snapshot_optional(self, aggregate_id: UUID, version: int | None) -> Iterator[None]:
        # A snapshot is an optimisation: failing to write one must never fail the command
        # whose events are already recorded (that would make the caller retry and book twice).
        try:
            yield
        except IntegrityError:
            log.info("snapshot of %s at version %s exists already", aggregate_id, version)
        except PersistenceError:
            # e.g. "database is locked": the next interval takes a snapshot again.
            log.warning("no snapshot of %s at version %s", aggregate_id, version, exc_info=True)

    def check_not_done(self, claim: IdempotencyClaim) -> None:
        """Raise AlreadyDone if the claimed request was done before (a form sent again that
        changes nothing now: its first sending did)."""
        self._check_not_done(claim)

    def _check_not_done(self, claim: IdempotencyClaim) -> None:
        done = self._find(claim.record_id, IdempotentRequest)
        if done is None:
            return
        if done.fingerprint != claim.fingerprint:
            raise IdempotencyKeyReused
        raise AlreadyDone(done.response)

    def _find(self, aggregate_id: UUID, kind: type[A]) -> A | None:
        """The aggregate of that kind with that id, or None: one read, no exception."""
        projector = self.snapshotting_projectors.get(kind, project_aggregate)
        try:
            aggregate: Aggregate = self.repository.get(aggregate_id, projector_func=projector)
        except AggregateNotFoundError:
            return None
        return aggregate if isinstance(aggregate, kind) else None

    def _load(self, aggregate_id: UUID, kind: type[A], not_found: Callable[[UUID], Exception]) -> A:
        aggregate = self._find(aggregate_id, kind)
        if aggregate is None:
            raise not_found(aggregate_id)
        return aggregate

    def _update(
        self,
        aggregate_id: UUID,
        kind: type[A],
        not_found: Callable[[UUID], Exception],
        caller: Caller,
        act: Callable[[A, Cause], T],
        claim: IdempotencyClaim | None = None,
        also_save: Callable[[T], Sequence[Aggregate]] | None = None,
        authorize: Callable[[A], None] | None = None,
    ) -> tuple[A, T]:
        """Run ``act`` on the aggregate and save, retrying on a write conflict.

        ``authorize`` checks the caller's right on the fresh state first, so that a replayed
        request passes the same check as a first one (a right revoked in between is refused).
        With an idempotency ``claim``, a request done before raises :class:`AlreadyDone` with
        its first response; otherwise the response is recorded with the events, atomically.
        ``also_save`` names new aggregates the act made, saved in the same transaction.
        """
        with self._write_locks[hash(aggregate_id) % _LOCK_STRIPES]:
            for attempt in range(1, MAX_ATTEMPTS + 1):
                aggregate = self._load(aggregate_id, kind, not_found)
                if authorize is not None:
                    authorize(aggregate)
                if claim is not None:
                    self._check_not_done(claim)
                cause = self.cause(caller)
                result = act(aggregate, cause)
                records: list[Aggregate] = list(also_save(result)) if also_save else []
                if claim is not None:
                    records.append(IdempotentRequest.record(claim, claim.render(result), cause))
                try:
                    self.save(aggregate, *records)
                except IntegrityError:
                    log.debug("write conflict on %s, attempt %d", aggregate_id, attempt)
                    time.sleep(self._jitter.uniform(0, min(0.1, 0.002 * 2**attempt)))
                    continue
                return aggregate, result
        raise StoreBusy(f"Too many simultaneous changes to {aggregate_id}; please try again.")
