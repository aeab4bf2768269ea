"""The composition root: builds every application of the store from configuration.

Tables are made in one step, :func:`migrate` (``consortium migrate``), run once at start before
other processes open the store: by ``consortium serve`` before gunicorn forks its workers, by
the projection process, a Celery worker's start and the one-off commands. :func:`open_store`
never makes tables; when they are missing it says to run ``consortium migrate``.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from events.accounts import AccountsApplication
from events.audit.keys import audit_signing_key, decode_public
from events.audit.service import Audit
from events.caller import Clock, utc_now
from events.consortia import ConsortiumApplication
from events.files import open_private
from events.invitations import InvitationService
from events.migrations import drop_unbounded_snapshots
from events.postgres import connect, one_pool, without_answer_bound
from events.readmodel.side import ReadSide
from events.readmodel.tables import ACTIVE, SCHEMA_VERSION, TABLES, generation_prefix
from events.reminders import ReminderService
from events.secret_key import service_secret
from events.settings import StoreSettings
from events.webhook_addresses import WebhookAddresses

if TYPE_CHECKING:
    from events.configuration import Settings


class StoreNotMigrated(RuntimeError):
    """The store's tables are missing: ``consortium migrate`` makes them."""


@dataclass
class Store:
    settings: StoreSettings
    consortia: ConsortiumApplication
    accounts: AccountsApplication
    read: ReadSide
    reminders: ReminderService
    invitations: InvitationService
    audit: Audit

    def close(self) -> None:
        self.read.close()
        self.consortia.close()
        self.accounts.close()


@contextmanager
def tables_lock(settings: StoreSettings) -> Iterator[None]:
    """Make processes that migrate at once make the tables one at a time.

    On PostgreSQL, CREATE OR REPLACE FUNCTION and CREATE TYPE fail when run concurrently
    ("tuple concurrently updated"), and on SQLite the tracking table's first row races; so
    processes starting together take turns: under an advisory lock, or a file lock beside the
    SQLite file.
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


def migrate(settings: StoreSettings) -> None:
    """Make every table of the store that is missing: the event store's and the read model's.

    Safe to run while other processes use the store: it only adds what is missing, and the
    read model's tables are made one statement at a time (see ``PostgresReadModel``). Its
    statements may take as long as they need (an index on a large table, another process's
    migration to wait for): PostgreSQL's answers are not bounded here."""
    with without_answer_bound(), tables_lock(settings):
        store = _build(settings.with_env(CREATE_TABLE="yes"), utc_now, may_lead=False)
        try:
            if store.read.stale:
                # The read model's tables are of another shape: new ones are built beside
                # them from the log while the processes that run still answer from them.
                store.read.follower.rebuild()
        finally:
            store.close()
        drop_unbounded_snapshots(settings)


def open_store(
    settings: StoreSettings,
    clock: Clock = utc_now,
    *,
    may_lead: bool = True,
    secret: str = "",
    webhook_addresses: WebhookAddresses | None = None,
    audit_key: str = "",
    audit_retired: Sequence[str] = (),
) -> Store:
    """Build the store on tables :func:`migrate` made (it never makes them itself).

    ``may_lead=False``: this process never applies events to the read model itself, but waits
    for the projection process (``consortium projections run``). ``secret``: the service's
    secret key (empty: the one kept in var/); ``webhook_addresses``: where webhooks may point
    (None: public https addresses only); ``audit_key``: the audit chain's signing key (empty:
    the one kept in var/); ``audit_retired``: the public keys of earlier signing keys, whose
    checkpoints still verify."""
    store = _build(
        settings.with_env(CREATE_TABLE="no"),
        clock,
        may_lead=may_lead,
        secret=secret,
        webhook_addresses=webhook_addresses,
        audit_key=audit_key,
        audit_retired=audit_retired,
    )
    try:
        missing = missing_tables(store)
    except BaseException:
        store.close()
        raise
    if missing:
        store.close()
        raise StoreNotMigrated(
            f"The store's tables are missing ({', '.join(missing)}): "
            "run `consortium migrate` first."
        )
    return store


def missing_tables(store: Store) -> list[str]:
    """The tables of the store that are not in the database (none once migrated)."""
    expected = [
        store.consortia.recorder,
        store.accounts.recorder,
        *(app.snapshots.recorder for app in (store.consortia, store.accounts) if app.snapshots),
    ]
    names = [getattr(recorder, "events_table_name", "") for recorder in expected]
    names.append(getattr(store.read.view, "tracking_table_name", ""))
    with store.read.view.transaction(commit=False) as tx:
        present = store.read.view.table_names(tx)
        missing = [name for name in names if name and name not in present]
        if ACTIVE not in present:
            return [*missing, ACTIVE]
        live = tx.rows(f"SELECT generation, version FROM {{s}}{ACTIVE}")  # noqa: S608
    if [r["version"] for r in live] != [SCHEMA_VERSION]:
        return [*missing, f"the read model's tables of version {SCHEMA_VERSION}"]
    named = generation_prefix(int(live[0]["generation"]))
    return missing + [named + table for table in TABLES if named + table not in present]


def open_configured(settings: Settings, *, may_lead: bool | None = None) -> Store:
    """The store as the service's settings describe it; ``may_lead`` None: unless a projection
    process of its own follows the log (CONSORTIUM_READ_MODEL=external)."""
    return open_store(
        settings.store_settings(),
        may_lead=not settings.follows_elsewhere if may_lead is None else may_lead,
        secret=settings.service_secret(),
        webhook_addresses=settings.webhook_addresses(),
        audit_key=settings.audit_signing_key_value,
        audit_retired=settings.audit_retired_public_keys,
    )


def _build(
    settings: StoreSettings,
    clock: Clock,
    *,
    may_lead: bool,
    secret: str = "",
    webhook_addresses: WebhookAddresses | None = None,
    audit_key: str = "",
    audit_retired: Sequence[str] = (),
) -> Store:
    built: list[ConsortiumApplication | AccountsApplication] = []
    try:
        with one_pool():  # the applications and the read model share one connection pool
            consortia = ConsortiumApplication(settings, clock)
            built.append(consortia)
            accounts = AccountsApplication(settings, clock)
            built.append(accounts)
            read = ReadSide(settings, consortia, may_lead=may_lead)
    except BaseException:
        for app in built:  # closes their pool: nothing is left connected
            app.close()
        raise
    consortia.attach_records(read)
    return Store(
        settings=settings,
        consortia=consortia,
        accounts=accounts,
        read=read,
        reminders=ReminderService(consortia, accounts, read, webhook_addresses, secret),
        invitations=InvitationService(
            consortia, accounts, secret=(lambda: secret) if secret else service_secret
        ),
        audit=Audit(
            {"consortia": consortia, "accounts": accounts},
            clock,
            key=lambda: audit_signing_key(audit_key),
            retired=frozenset(decode_public(key) for key in audit_retired),
        ),
    )
