"""Where events are kept: ``CONSORTIUM_DATABASE_URL`` (as events/configuration.py read it).

Unset: a SQLite file under ``var/`` in the working directory (the embedded default).
``sqlite:///path/to/file.sqlite3``: that SQLite file.
``postgresql://user:password@host:5432/dbname``: PostgreSQL; an optional ``?schema=name``
keeps the tables in that schema (used by the tests to give each test its own), and
``?application_name=name`` names the connections in ``pg_stat_activity`` (default: consortium).

The SQLite file, and the default ``var/`` directory, are private to the service's user: the
directory is made 0700 and the file 0600 (SQLite gives its -wal and -shm files the file's mode).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import parse_qs, unquote, urlsplit

from events.files import private_directory

DATABASE_URL_VARIABLE = "CONSORTIUM_DATABASE_URL"
DEFAULT_SQLITE_FILE = Path("var") / "consortium.sqlite3"
SQLITE_FACTORY = "events.sqlite_store:SQLiteStoreFactory"
POSTGRES_FACTORY = "events.postgres:PostgresStoreFactory"
DEFAULT_APPLICATION_NAME = "consortium"

# Connections to PostgreSQL, per process: its pool keeps POOL_SIZE open and opens up to POOL_MAX;
# the process that follows the log for the read model holds one more, for the follower's lock.
POOL_SIZE: Final = 1
POOL_MAX: Final = 6
CONNECTIONS_PER_PROCESS: Final = POOL_MAX + 1


class SettingsError(ValueError):
    """The configuration cannot be used; the message says which variable and why."""


def check_database_url(url: str) -> None:
    """SettingsError unless ``url`` is empty or a SQLite or PostgreSQL address the store can use.
    The message never quotes the address (it may hold a password)."""
    if not url:
        return
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        if not path or path == "/":
            raise SettingsError(f"{DATABASE_URL_VARIABLE}: sqlite:///path needs a file path.")
        return
    if parts.scheme not in ("postgres", "postgresql"):
        raise SettingsError(f"{DATABASE_URL_VARIABLE} must start with sqlite:/// or postgresql://.")
    if not parts.hostname or not unquote(parts.path.lstrip("/")):
        raise SettingsError(
            f"{DATABASE_URL_VARIABLE}: use postgresql://user@host:5432/dbname (a host and a "
            "database name)."
        )
    try:
        parts.port  # noqa: B018 - a port that is no number raises here
    except ValueError:
        raise SettingsError(f"{DATABASE_URL_VARIABLE}: the port must be a number.") from None


@dataclass(frozen=True)
class StoreSettings:
    """Persistence settings as the ``eventsourcing`` library reads them."""

    url: str
    env: Mapping[str, str]

    @property
    def is_postgres(self) -> bool:
        return self.env["PERSISTENCE_MODULE"] == POSTGRES_FACTORY

    def with_env(self, **values: str) -> StoreSettings:
        """The same settings with some variables set (``CREATE_TABLE``, pool sizes)."""
        return StoreSettings(url=self.url, env={**self.env, **values})

    @classmethod
    def from_url(cls, url: str) -> StoreSettings:
        """From CONSORTIUM_DATABASE_URL's value (empty: the default SQLite file)."""
        if not url:
            # The default directory is the service's own (0700): nobody else needs to look in.
            private_directory(DEFAULT_SQLITE_FILE.parent.absolute())
            return cls._sqlite(DEFAULT_SQLITE_FILE.absolute(), "(default)")
        check_database_url(url)
        if urlsplit(url).scheme == "sqlite":
            return cls._sqlite(Path(unquote(urlsplit(url).path)).absolute(), url)
        return cls._postgres(url)

    @classmethod
    def _sqlite(cls, path: Path, url: str) -> StoreSettings:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        env = {
            "PERSISTENCE_MODULE": SQLITE_FACTORY,
            "SQLITE_DBNAME": str(path),
            # Seconds a writer waits for another process's write lock before giving up.
            "SQLITE_LOCK_TIMEOUT": "30",
        }
        return cls(url=url, env=env)

    @classmethod
    def _postgres(cls, url: str) -> StoreSettings:
        parts = urlsplit(url)
        dbname = unquote(parts.path.lstrip("/"))
        port = parts.port or 5432
        query = parse_qs(parts.query)
        env = {
            "PERSISTENCE_MODULE": POSTGRES_FACTORY,
            "POSTGRES_DBNAME": dbname,
            "POSTGRES_HOST": parts.hostname or "",
            "POSTGRES_PORT": str(port),
            "POSTGRES_USER": unquote(parts.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parts.password or ""),
            "POSTGRES_SCHEMA": query.get("schema", [""])[0],
            "POSTGRES_APPLICATION_NAME": query.get("application_name", [""])[0]
            or DEFAULT_APPLICATION_NAME,
            # Seconds to wait for a connection (a new one, or one from the pool). The library
            # tries a command ten times: while the server is away a request fails after about
            # 30 s, within gunicorn's 60 s worker timeout (and web/outage.py fails fast after).
            "POSTGRES_CONNECT_TIMEOUT": "3",
            # Seconds PostgreSQL has to answer one query before the connection is given up
            # (a server that acknowledges but never answers; see events/postgres.py).
            "POSTGRES_ANSWER_TIMEOUT": "20",
            # One pool per process (the store's applications and read model share it): one
            # connection kept open, up to six at once (a web worker's four request threads, the
            # read model's follower and its LISTEN connection); a connection above the one is
            # closed after a minute unused. See "Connections to PostgreSQL" in the README.
            "POSTGRES_POOL_SIZE": str(POOL_SIZE),
            "POSTGRES_MAX_OVERFLOW": str(POOL_MAX - POOL_SIZE),
            "POSTGRES_POOL_MAX_IDLE": "60",
            "POSTGRES_PRE_PING": "y",
        }
        return cls(url=url, env=env)
