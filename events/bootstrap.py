"""The composition root: builds every application of the store from configuration."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from events.accounts import AccountsApplication
from events.caller import Clock, utc_now
from events.consortia import ConsortiumApplication
from events.files import open_private
from events.postgres import connect
from events.readmodel.side import ReadSide
from events.reminders import ReminderService
from events.settings import StoreSettings


@dataclass
class Store:
    settings: StoreSettings
    consortia: ConsortiumApplication
    accounts: AccountsApplication
    read: ReadSide
    reminders: ReminderService

    def close(self) -> None:
        self.read.close()
        self.consortia.close()
        self.accounts.close()


@contextmanager
def tables_lock(settings: StoreSettings) -> Iterator[None]:
    """Make processes that start together create the tables one at a time.

    Every store creates its tables if they are missing; on PostgreSQL that includes
    CREATE OR REPLACE FUNCTION, which fails when run concurrently ("tuple concurrently updated"),
    and on SQLite the tracking table's first row races; so web, worker and projection processes
    starting at once take turns: under an advisory lock, or a file lock beside the SQLite file.
    """
    if not settings.is_postgres:
        fd = open_private(Path(settings.env["SQLITE_DBNAME"] + ".setup.lock"))
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock
        return
    key = f"{settings.env.get('POSTGRES_SCHEMA') or 'public'}:consortium-tables"
    with connect(settings) as conn:
        conn.execute("SELECT pg_advisory_lock(hashtext(%s))", (key,))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (key,))


def open_store(
    settings: StoreSettings | None = None, clock: Clock = utc_now, *, may_lead: bool = True
) -> Store:
    """Build the store. ``may_lead=False``: this process never applies events to the read
    model itself, but waits for the projection process (``consortium projections run``)."""
    settings = settings or StoreSettings.from_environ()
    with tables_lock(settings):
        consortia = ConsortiumApplication(settings, clock)
        accounts = AccountsApplication(settings, clock)
        read = ReadSide(settings, consortia, may_lead=may_lead)
    return Store(
        settings=settings,
        consortia=consortia,
        accounts=accounts,
        read=read,
        reminders=ReminderService(consortia, accounts, read),
    )
