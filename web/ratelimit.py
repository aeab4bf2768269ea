"""Rate limits on failed authentication: guessing tokens is slowed down, honest clients never are.

Only a request whose authentication fails is counted, once per client address and once per
token prefix (the first characters of a token, which the API shows and a guesser might hold);
a wrong password (``POST /api/v1/tokens``) once per address and once per account, and while
either is over the limit a password is not even tried.
When either is over the limit, that failing request is answered 429 instead of 401; a request
with a valid token is never refused, so one client behind a shared proxy cannot lock out the
others behind it.

The counts are shared by every worker process: in Redis when the service has a Redis broker,
else in a SQLite file on this machine (beside a SQLite store, or under ``var/``). When that
store fails (Redis is down), the failure is logged once and each process counts by itself until
the store answers again, which is asked again every PROBE_SECONDS.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Final, TypeVar

from flask import Flask, Response, current_app
from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import MemoryStorage, RedisStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from events.accounts import token_prefix
from events.bootstrap import Store
from events.settings import DEFAULT_SQLITE_FILE
from web.problems import problem
from web.ratelimit_storage import SQLiteStorage

log = logging.getLogger(__name__)

FAILED_AUTH_LIMIT: Final = "20 per minute"
PROBE_SECONDS: Final = 15.0
# A Redis that does not answer must not hold a request up for long.
REDIS_TIMEOUT_SECONDS: Final = 0.5
COUNTERS_FILE: Final = "ratelimit.sqlite3"
_EXTENSION: Final = "consortium.failed_authentications"

T = TypeVar("T")


class FailedAuthentications:
    """Counts failed authentications per address and per token prefix, in a shared store with
    a per-process fallback."""

    def __init__(
        self,
        limit: RateLimitItem,
        storage: Storage,
        *,
        namespace: str = "",
        probe_seconds: float = PROBE_SECONDS,
    ) -> None:
        self.limit = limit
        self.namespace = namespace
        self._shared = MovingWindowRateLimiter(storage)
        self._local = MovingWindowRateLimiter(MemoryStorage())
        self._probe_seconds = probe_seconds
        self._lock = threading.Lock()
        self._down = False
        self._next_probe = 0.0

    def note_failure(self, address: str | None, secret: str) -> int | None:
        """Count one failed authentication: None while its address and its token prefix are
        within the limit, else the seconds until the client may try again."""
        wait = self._hit("address", _client_network(address))
        prefix = token_prefix(secret)
        if wait is None and prefix is not None:
            wait = self._hit("prefix", prefix)
        return wait

    def login_blocked(self, address: str | None, account: str) -> int | None:
        """Before a password is checked (nothing is counted): the seconds to wait when its
        address or its account failed too often already, else None. Unlike a token, a password
        can be guessed: while blocked it is not even tried."""
        for ids in self._login_ids(address, account):
            if not self._counted(partial(self._test, ids)):
                return self._wait(ids)
        return None

    def _test(self, ids: tuple[str, ...], limiter: MovingWindowRateLimiter) -> bool:
        return limiter.test(self.limit, *ids)

    def note_login_failure(self, address: str | None, account: str) -> int | None:
        """Count a wrong password once per address and once per account."""
        waits = [self._hit(*ids[1:]) for ids in self._login_ids(address, account)]
        return max((w for w in waits if w is not None), default=None)

    def _login_ids(self, address: str | None, account: str) -> list[tuple[str, str, str]]:
        return [
            (self.namespace, "address", _client_network(address)),
            (self.namespace, "account", account.strip().casefold()),
        ]

    def _hit(self, kind: str, value: str) -> int | None:
        ids = (self.namespace, kind, value)
        if self._counted(lambda limiter: limiter.hit(self.limit, *ids)):
            return None
        return self._wait(ids)

    def _wait(self, ids: tuple[str, ...]) -> int:
        stats = self._counted(lambda limiter: limiter.get_window_stats(self.limit, *ids))
        # The moving window frees a place when its oldest entry leaves it.
        wait = math.ceil(stats.reset_time - time.time())
        return min(max(wait, 1), self.limit.get_expiry())

    def _counted(self, count: Callable[[MovingWindowRateLimiter], T]) -> T:
        if self._uses_shared():
            try:
                return count(self._shared)
            except StorageError as error:
                self._lost(error)
        return count(self._local)

    def _uses_shared(self) -> bool:
        with self._lock:
            if not self._down:
                return True
            if time.monotonic() < self._next_probe:
                return False
            self._next_probe = time.monotonic() + self._probe_seconds
        if not self._shared.storage.check():
            return False
        with self._lock:
            if self._down:
                self._down = False
                log.info("rate-limit counters: %s answers again", _describe(self._shared))
        return True

    def _lost(self, error: StorageError) -> None:
        with self._lock:
            if self._down:
                return
            self._down = True
            self._next_probe = time.monotonic() + self._probe_seconds
        # Once per outage; meanwhile each process counts by itself, which errs on the lenient
        # side (up to the limit per process) but keeps limiting and keeps the API up.
        log.error(
            "rate-limit counters: %s failed (%s); counting per process until it is back",
            _describe(self._shared),
            error.storage_error,
        )


def _client_network(address: str | None) -> str:
    """The address, or for IPv6 its /64: one subscriber commonly holds a whole /64."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return address or "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _describe(limiter: MovingWindowRateLimiter) -> str:
    storage = limiter.storage
    if isinstance(storage, SQLiteStorage):
        return f"the file {storage.path}"
    return type(storage).__name__.removesuffix("Storage")


def counters_uri(store: Store, broker_url: str) -> str:
    """Where the counts are kept: Redis if the broker is Redis, else a SQLite file."""
    if broker_url.startswith(("redis://", "rediss://")):
        return broker_url
    settings = store.settings
    if settings.is_postgres:
        directory = DEFAULT_SQLITE_FILE.parent.absolute()
    else:
        directory = Path(settings.env["SQLITE_DBNAME"]).parent
    return f"sqlite://{directory / COUNTERS_FILE}"


def open_counters(uri: str) -> Storage:
    if uri.startswith(("redis://", "rediss://")):
        return RedisStorage(
            uri,
            key_prefix="consortium-ratelimit",
            wrap_exceptions=True,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        )
    storage = storage_from_string(uri, wrap_exceptions=True)
    if not isinstance(storage, Storage):  # pragma: no cover - only async+ schemes are not
        raise ValueError(f"{uri!r} is not a storage for synchronous counters")
    return storage


def _namespace(store: Store) -> str:
    # Services (or tests) sharing a Redis or a directory but not a database count apart.
    identity = store.settings.env.get("SQLITE_DBNAME") or store.settings.url
    return hashlib.sha256(identity.encode()).hexdigest()[:16]


def too_many_failures(address: str | None, secret: str) -> Response | None:
    """Count a failed authentication; the 429 answer when the client is over the limit."""
    counts: FailedAuthentications = current_app.extensions[_EXTENSION]
    wait = counts.note_failure(address, secret)
    if wait is None:
        return None
    return problem(
        429,
        "Too many failed authentication attempts from this address or with this token; "
        f"try again in {wait} seconds.",
        headers={"Retry-After": str(wait)},
    )


def _too_many(wait: int | None) -> Response | None:
    if wait is None:
        return None
    return problem(
        429,
        "Too many failed attempts from this address or for this account; "
        f"try again in {wait} seconds.",
        headers={"Retry-After": str(wait)},
    )


def login_blocked(address: str | None, account: str) -> Response | None:
    """The 429 answer when an address or account failed too often to try a password now."""
    counts: FailedAuthentications = current_app.extensions[_EXTENSION]
    return _too_many(counts.login_blocked(address, account))


def too_many_failed_logins(address: str | None, account: str) -> Response | None:
    """Count a wrong password; the 429 answer when the client is now over the limit."""
    counts: FailedAuthentications = current_app.extensions[_EXTENSION]
    return _too_many(counts.note_login_failure(address, account))


def init_rate_limits(app: Flask, *, broker_url: str = "") -> FailedAuthentications:
    """Counts in Redis when a broker is configured (``broker_url``), else beside the store."""
    store: Store = app.extensions["consortium.store"]
    uri = app.config.get("RATELIMIT_STORAGE_URI") or counters_uri(store, broker_url)
    counts = FailedAuthentications(
        parse(app.config.get("FAILED_AUTH_LIMIT", FAILED_AUTH_LIMIT)),
        open_counters(uri),
        namespace=_namespace(store),
        probe_seconds=app.config.get("RATELIMIT_PROBE_SECONDS", PROBE_SECONDS),
    )
    app.extensions[_EXTENSION] = counts
    return counts
