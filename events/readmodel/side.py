"""The read side as the rest of the service uses it: fresh enough queries, and following.

Reads are read-your-writes by default: before answering, a query waits (briefly) until the read
model has applied everything recorded when the query arrived; a writer's own write is therefore
always in the list it reads next, whichever process served the write. An event the read model
cannot apply counts as handled (it is noted as failed), so the reads never wait for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Final, TypeVar, cast
from uuid import UUID

from eventsourcing.persistence import InfrastructureFactory
from eventsourcing.utils import Environment, strtobool

from consortium.access import Principal
from events.application import StoreApplication
from events.postgres import connect
from events.readmodel import failures, operations, queries, roles
from events.readmodel.failures import Failure
from events.readmodel.follower import AdvisoryLock, FileLock, Follower, Leadership, Lock
from events.readmodel.projection import ConsortiumProjection
from events.readmodel.recorders import PostgresReadModel, ReadModel, SQLiteReadModel, Tx
from events.settings import StoreSettings

T = TypeVar("T")

FRESHNESS_TIMEOUT: Final = 3.0


class StaleReadModel(Exception):
    """The read model did not catch up in time (is the projection process running?)."""


@dataclass(frozen=True)
class Status:
    """Where the read model is, for operators: how far behind the log, and what it skipped."""

    position: int  # the last notification applied (or noted as failed)
    head: int  # the last notification recorded
    failed: int  # how many events are noted as failed
    failures: list[Failure]  # the first of them, in log order

    @property
    def lag(self) -> int:
        return max(0, self.head - self.position)


@dataclass(frozen=True)
class Lag:
    """How far the read model is behind the log: in events, and in seconds since the first
    event it has not applied yet was recorded (0 when it is up to date)."""

    events: int
    seconds: float


class ReadSide:
    def __init__(self, settings: StoreSettings, app: StoreApplication, *, may_lead: bool) -> None:
        # The tables are made (by ``migrate`` only) with ``prepare``; when the live ones are of
        # another shape, it says so (``stale``), and ``migrate`` rebuilds them.
        env = Environment(ConsortiumProjection.name, {**settings.env, "CREATE_TABLE": "no"})
        factory = InfrastructureFactory.construct(env)
        view_class = PostgresReadModel if settings.is_postgres else SQLiteReadModel
        self.view: ReadModel = cast(ReadModel, factory.tracking_recorder(view_class))
        self.stale = False  # the live tables are of another SCHEMA_VERSION: rebuild them
        if strtobool(settings.env.get("CREATE_TABLE", "yes")):
            self.stale = self.view.prepare(app.name)
        self._factory = factory
        lock: Lock | None = None
        rebuilding: Lock
        if settings.is_postgres:
            schema = settings.env.get("POSTGRES_SCHEMA") or "public"
            if may_lead:
                lock = AdvisoryLock(partial(connect, settings), f"{schema}:read-model")
            rebuilding = AdvisoryLock(partial(connect, settings), f"{schema}:read-model-rebuild")
        else:
            if may_lead:
                lock = FileLock(settings.env["SQLITE_DBNAME"] + ".read-model.lock")
            rebuilding = FileLock(settings.env["SQLITE_DBNAME"] + ".read-model-rebuild.lock")
        self.follower = Follower(
            app, self.view, ConsortiumProjection(self.view), Leadership(lock), rebuilding
        )

    # -- freshness ------------------------------------------------------------------------

    def fresh(self, position: int | None = None, timeout: float = FRESHNESS_TIMEOUT) -> None:
        """Wait until the read model has applied ``position`` (default: the log's head)."""
        target = self.follower.head() if position is None else position
        if not self.follower.wait_for(target, timeout):
            raise StaleReadModel(
                f"The lists are behind (at {self.follower.position()} of {target}); "
                "please try again in a moment."
            )

    def _read(self, query: Callable[[Tx], T], position: int | None) -> T:
        self.fresh(position)
        with self.view.transaction(commit=False) as tx:
            return query(tx)

    # -- queries --------------------------------------------------------------------------

    def portfolio(
        self,
        who: Principal,
        where: queries.PortfolioFilter,
        *,
        sort: str,
        cursor: str | None,
        limit: int,
        position: int | None = None,
    ) -> tuple[list[queries.PortfolioRow], str | None]:
        return self._read(
            lambda tx: queries.portfolio(tx, who, where, sort=sort, cursor=cursor, limit=limit),
            position,
        )

    def checkpoints(
        self,
        who: Principal | None,
        *,
        today: date,
        due_within_days: int,
        soon_days: int,
        include_closed: bool = False,
        consortium_id: UUID | None = None,
        position: int | None = None,
    ) -> list[queries.CheckpointRow]:
        return self._read(
            lambda tx: queries.checkpoints(
                tx,
                who,
                today=today,
                due_within_days=due_within_days,
                soon_days=soon_days,
                include_closed=include_closed,
                consortium_id=consortium_id,
            ),
            position,
        )

    def party_money(
        self, who: Principal, party: str, position: int | None = None
    ) -> tuple[list[queries.Membership], list[queries.PartyLine]]:
        return self._read(lambda tx: queries.party_money(tx, who, party), position)

    def held_roles(self, account: str, position: int | None = None) -> list[roles.HeldRole]:
        """The roles in force of an account (by email) across consortia, with their names."""
        return self._read(lambda tx: roles.held_roles(tx, account), position)

    def grants_of(self, account: str, position: int | None = None) -> list[roles.GrantRecord]:
        """Every role an account (by email) was granted, in force or revoked since."""
        return self._read(lambda tx: roles.grants_of(tx, account), position)

    def read(self, query: Callable[[Tx], T], position: int | None = None) -> T:
        """Run a query of :mod:`events.readmodel.queries` on fresh rows."""
        return self._read(query, position)

    def status(self, limit: int = failures.LISTED) -> Status:
        """The read model as it is now (without waiting for it to catch up)."""
        position = self.follower.position()
        head = self.follower.head()  # read after the position: never behind it
        application = self.follower.app.name
        with self.view.transaction(commit=False) as tx:
            return Status(
                position=position,
                head=head,
                failed=failures.count(tx, application),
                failures=failures.listed(tx, application, limit),
            )

    def lag(self, now: datetime) -> Lag:
        """How far behind the log the read model is now (without waiting for it)."""
        position = self.follower.position()
        head = self.follower.head()
        if head <= position:
            return Lag(events=0, seconds=0.0)
        app = self.follower.app
        seconds = 0.0
        for first in app.recorder.select_notifications(start=position + 1, limit=1):
            recorded: datetime = getattr(app.mapper.to_domain_event(first), "timestamp", now)
            seconds = max(0.0, (now - recorded).total_seconds())
        return Lag(events=head - position, seconds=seconds)

    def reminder_counts(self) -> dict[str, int]:
        """Reminders by state, as the read model has them now."""
        with self.view.transaction(commit=False) as tx:
            return operations.reminder_counts(tx)

    # -- life -----------------------------------------------------------------------------

    def start_following(self) -> None:
        self.follower.start()

    def close(self) -> None:
        self.follower.stop()
        self._factory.close()
