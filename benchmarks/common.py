"""What the benchmarks share: the stores they run on, timing, and how figures are printed.

Every benchmark runs on a SQLite file in a temporary directory and on PostgreSQL in a schema
of its own, created for the run and dropped afterwards. PostgreSQL is found at
``CONSORTIUM_BENCH_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/postgres``);
when it cannot be reached the benchmark says so and carries on with SQLite.
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import statistics
import subprocess
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Final
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from eventsourcing.application import Application

from events.bootstrap import migrate
from events.settings import StoreSettings

POSTGRES_URL_VARIABLE: Final = "CONSORTIUM_BENCH_POSTGRES_URL"
DEFAULT_POSTGRES_URL: Final = "postgresql://postgres@127.0.0.1:5432/postgres"


@dataclass(frozen=True)
class Backend:
    """One store the benchmark runs on: its name, the URL the service reads, its settings."""

    name: str
    url: str
    settings: StoreSettings
    # Another, empty store of the same kind (a file beside, a schema beside), for a baseline
    # that must not share the store's read model.
    sibling: Callable[[], AbstractContextManager[Backend]] = field(compare=False, repr=False)


@dataclass(frozen=True)
class Rate:
    """How many requests (or commands) went through in how many seconds, and the answers."""

    count: int
    seconds: float
    statuses: Counter[int] = field(default_factory=Counter)

    @property
    def per_second(self) -> float:
        return self.count / self.seconds

    def __str__(self) -> str:
        text = f"{self.per_second:7.1f}/s ({self.count} in {self.seconds:.2f} s)"
        others = {status: n for status, n in self.statuses.items() if status != 201}
        return text + (f", other answers: {dict(others)}" if others else "")


def postgres_url() -> str:
    return os.environ.get(POSTGRES_URL_VARIABLE, "").strip() or DEFAULT_POSTGRES_URL


def redact(url: str) -> str:
    """The URL without its password, for printing."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def with_schema(url: str, schema: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "schema"]
    query.append(("schema", schema))
    return urlunsplit(parts._replace(query=urlencode(query)))


@contextmanager
def sqlite_backend() -> Iterator[Backend]:
    with tempfile.TemporaryDirectory(prefix="consortium-bench-") as directory:
        url = f"sqlite:///{Path(directory) / 'store.sqlite3'}"
        settings = StoreSettings.from_url(url)
        migrate(settings)
        yield Backend("SQLite", url, settings, sqlite_backend)


@contextmanager
def postgres_backend(base_url: str) -> Iterator[Backend]:
    """A fresh schema in the PostgreSQL database, dropped when the benchmark is done.

    Raises ``psycopg.OperationalError`` when the server cannot be reached.
    """
    schema = f"bench_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(base_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
        try:
            url = with_schema(base_url, schema)
            settings = StoreSettings.from_url(url)
            migrate(settings)
            yield Backend("PostgreSQL", url, settings, lambda: postgres_backend(base_url))
        finally:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def backends() -> Iterator[Callable[[], AbstractContextManager[Backend]]]:
    """SQLite, then PostgreSQL if it answers (otherwise a line saying it does not)."""
    yield sqlite_backend
    base_url = postgres_url()
    try:
        with psycopg.connect(base_url, connect_timeout=5):
            pass
    except psycopg.OperationalError as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(
            f"\nPostgreSQL at {redact(base_url)} is not reachable ({reason}); "
            f"set {POSTGRES_URL_VARIABLE} to run there. Continuing with SQLite only."
        )
        return
    yield lambda: postgres_backend(base_url)


def cache_setting(app: Application[uuid.UUID]) -> str:
    """How the application's repository caches aggregates, in words."""
    if app.repository.cache is None:
        return "no aggregate cache (AGGREGATE_CACHE_MAXSIZE unset)"
    maxsize = app.env.get(Application.AGGREGATE_CACHE_MAXSIZE)
    fastforward = app.env.get(Application.AGGREGATE_CACHE_FASTFORWARD, "y")
    return f"aggregate cache on (AGGREGATE_CACHE_MAXSIZE={maxsize}, fast-forward={fastforward})"


def time_calls(call: Callable[[], object], repetitions: int) -> list[float]:
    """Seconds taken by each of ``repetitions`` calls."""
    times = []
    for _ in range(repetitions):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times


def median(times: list[float]) -> float:
    return statistics.median(times)


def spread(times: list[float]) -> str:
    """The 10th to 90th percentile of ``times``, to judge how steady the median is."""
    if len(times) < 10:
        return f"{min(times) * 1000:.2f}–{max(times) * 1000:.2f}"
    deciles = statistics.quantiles(times, n=10)
    return f"p10–p90 {deciles[0] * 1000:.2f}–{deciles[-1] * 1000:.2f}"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def verdict(met: bool) -> str:
    return "met" if met else "NOT MET"


def machine() -> str:
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs (load average {load}), "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{platform.system()} {platform.release()}, {revision()}"
    )


def revision() -> str:
    """The commit measured, and whether the work tree differed from it."""
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "commit unknown"
    return f"commit {commit}" + (" with uncommitted changes" if changed else "")


def argument_parser(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--quick", action="store_true", help="a short smoke run: fewer events and repetitions"
    )
    return parser


def heading(text: str) -> None:
    print(f"\n== {text}")


def alternate(
    calls: dict[str, Callable[[], object]], repetitions: int, rounds: int = 5
) -> dict[str, list[float]]:
    """Times of each call, the calls taking turns in blocks (so a change of load on the machine
    falls on all alike), after a few calls each to warm up."""
    for call in calls.values():
        for _ in range(3):
            call()
    times: dict[str, list[float]] = {name: [] for name in calls}
    block = max(1, repetitions // rounds)
    for _ in range(rounds):
        for name, call in calls.items():
            times[name] += time_calls(call, block)
    return times


class FollowerFailures(logging.Handler):
    """Counts (instead of printing) the read-model follower's failures while it is attached:
    a benchmark line says how often it failed and why; the tracebacks would drown the figures."""

    LOGGER: Final = "events.readmodel.follower"

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.reasons: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        error = record.exc_info[1] if record.exc_info else None
        self.reasons[f"{type(error).__name__}: {error}" if error else record.getMessage()] += 1

    @contextmanager
    def attached(self) -> Iterator[FollowerFailures]:
        logger = logging.getLogger(self.LOGGER)
        logger.addHandler(self)
        propagate, logger.propagate = logger.propagate, False
        try:
            yield self
        finally:
            logger.propagate = propagate
            logger.removeHandler(self)

    def __str__(self) -> str:
        if not self.reasons:
            return "the read model's follower never failed"
        told = "; ".join(f"{n} × {reason}" for reason, n in self.reasons.most_common())
        return f"the read model's follower failed and retried a second later: {told}"


def load_average() -> str:
    """The machine's load over the last minute: other work skews every figure."""
    return f"load average now {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
