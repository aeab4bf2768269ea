"""Backups of the whole store (events and read model), and restoring one into an empty store.

SQLite: the online backup API copies a consistent picture of the database while the service
goes on writing (a write in progress is either wholly in the copy or not at all). PostgreSQL:
``pg_dump --format=custom`` (a consistent snapshot, also while writes go on) of the store's
schema, and ``pg_restore`` in one transaction. A restore goes into an empty store only, unless
``replace`` is asked for; stop the service before replacing a store it uses.

The service's secret key (``CONSORTIUM_SECRET_KEY``, or ``var/secret_key``) is not in the
database: keep it with the backup, or webhook signatures change after a restore.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from events.files import FILE_MODE
from events.postgres import connect, without_answer_bound
from events.settings import StoreSettings

SQLITE_MAGIC: Final = b"SQLite format 3\x00"
PG_DUMP_MAGIC: Final = b"PGDMP"


class BackupError(RuntimeError):
    """The backup or restore cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Copied:
    """What a backup or restore copied: the file, and the events in it."""

    path: Path
    events: int


def backup(settings: StoreSettings, target: Path) -> Copied:
    """Copy the store into ``target`` (a new file, 0600)."""
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name.")
    if settings.is_postgres:
        _pg_dump(settings, target)
        with without_answer_bound():  # counting a large store's events takes long
            return Copied(target, _pg_events(settings))
    source = Path(settings.env["SQLITE_DBNAME"])
    if not source.exists():
        raise BackupError(f"There is no store at {source} to back up.")
    _new_private_file(target)
    try:
        with _sqlite(source) as database, _sqlite(target) as copy:
            database.backup(copy)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return Copied(target, _sqlite_events(target))


def restore(settings: StoreSettings, source: Path, *, replace: bool = False) -> Copied:
    """Copy a backup made by :func:`backup` into the store named by ``settings``."""
    if not source.is_file():
        raise BackupError(f"There is no backup at {source}.")
    head = source.read_bytes()[:16]
    if settings.is_postgres:
        if not head.startswith(PG_DUMP_MAGIC):
            raise BackupError(f"{source} is not a PostgreSQL backup made by consortium backup.")
        with without_answer_bound():  # dropping and counting a large store takes long
            if not replace and _pg_has_tables(settings):
                raise BackupError(_NOT_EMPTY)
            _pg_restore(settings, source, replace=replace)
            return Copied(source, _pg_events(settings))
    if head != SQLITE_MAGIC:
        raise BackupError(f"{source} is not a SQLite backup made by consortium backup.")
    target = Path(settings.env["SQLITE_DBNAME"])
    if not replace and target.exists() and _sqlite_has_tables(target):
        raise BackupError(_NOT_EMPTY)
    if not target.exists():
        _new_private_file(target)
    with _sqlite(source) as backup_file, _sqlite(target) as database:
        backup_file.backup(database)
    return Copied(target, _sqlite_events(target))


_NOT_EMPTY: Final = (
    "The store has tables already; restore into an empty store, or stop the service and "
    "pass --replace to overwrite it."
)


# -- SQLite ------------------------------------------------------------------------------------


def _sqlite(path: Path) -> closing[sqlite3.Connection]:
    return closing(sqlite3.connect(path, timeout=30))


def _new_private_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))


def _sqlite_has_tables(path: Path) -> bool:
    with _sqlite(path) as database:
        (count,) = database.execute(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"
        ).fetchone()
    return bool(count)


def _sqlite_events(path: Path) -> int:
    with _sqlite(path) as database:
        tables = [
            name
            for (name,) in database.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%\\_events' "
                "ESCAPE '\\'"
            )
        ]
        return sum(
            database.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]  # noqa: S608
            for name in tables
        )


# -- PostgreSQL --------------------------------------------------------------------------------


def _schema(settings: StoreSettings) -> str:
    return settings.env.get("POSTGRES_SCHEMA") or "public"


def pg_environ(settings: StoreSettings) -> dict[str, str]:
    """The environment that points PostgreSQL's client programs at the store."""
    env = settings.env
    return {
        **os.environ,
        "PGHOST": env["POSTGRES_HOST"],
        "PGPORT": env["POSTGRES_PORT"],
        "PGUSER": env["POSTGRES_USER"],
        "PGPASSWORD": env.get("POSTGRES_PASSWORD", ""),
        "PGDATABASE": env["POSTGRES_DBNAME"],
        "PGCONNECT_TIMEOUT": env.get("POSTGRES_CONNECT_TIMEOUT", "10"),
    }


def _run(program: str, arguments: list[str], settings: StoreSettings) -> None:
    found = shutil.which(program)
    if found is None:
        raise BackupError(
            f"{program} is not installed; install PostgreSQL's client programs "
            "(Debian: apt-get install postgresql-client)."
        )
    done = subprocess.run(  # noqa: S603 - a fixed program with our own arguments
        [found, *arguments],
        env=pg_environ(settings),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"{program} failed: {done.stderr.strip()[-2000:]}")


def _pg_dump(settings: StoreSettings, target: Path) -> None:
    _new_private_file(target)
    try:
        _run(
            "pg_dump",
            ["--format=custom", "--no-owner", f"--schema={_schema(settings)}", f"--file={target}"],
            settings,
        )
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def _dumped_schema(settings: StoreSettings, source: Path) -> str | None:
    """The schema a dump holds (``pg_restore --list`` names it)."""
    found = shutil.which("pg_restore")
    if found is None:
        return None  # _run says so
    listing = subprocess.run(  # noqa: S603 - a fixed program with our own arguments
        [found, "--list", str(source)], capture_output=True, text=True, check=False
    ).stdout
    match = re.search(r"^\d+; \d+ \d+ SCHEMA - (\S+) ", listing, re.MULTILINE)
    return match.group(1) if match else None


def _pg_restore(settings: StoreSettings, source: Path, *, replace: bool) -> None:
    schema = _schema(settings)
    dumped = _dumped_schema(settings, source)
    if dumped is not None and dumped != schema:
        raise BackupError(
            f"The backup holds the schema {dumped!r}, the store is set to {schema!r}: restore "
            f"with ?schema={dumped} in CONSORTIUM_DATABASE_URL (pg_restore keeps the name)."
        )
    with connect(settings) as connection:
        # The dump makes its schema (public too): the one here goes first, with what it holds
        # when replacing, else only when empty (an empty one fails the drop otherwise).
        cascade = " CASCADE" if replace else ""
        connection.execute(f'DROP SCHEMA IF EXISTS "{schema}"{cascade}')
    _run(
        "pg_restore",
        [
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={settings.env['POSTGRES_DBNAME']}",
            str(source),
        ],
        settings,
    )


def _pg_has_tables(settings: StoreSettings) -> bool:
    with connect(settings) as connection:
        row = connection.execute(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = %s",
            (_schema(settings),),
        ).fetchone()
    return bool(row and row[0])


def _pg_events(settings: StoreSettings) -> int:
    with connect(settings) as connection:
        tables = connection.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = %s AND table_name LIKE %s",
            (_schema(settings), "%\\_events"),
        ).fetchall()
        total = 0
        for (name,) in tables:
            row = connection.execute(
                f'SELECT COUNT(*) FROM "{_schema(settings)}"."{name}"'  # noqa: S608
            ).fetchone()
            total += int(row[0]) if row else 0
    return total
