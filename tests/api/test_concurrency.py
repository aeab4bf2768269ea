"""Writers at once: eight clients admitting parties to one consortium lose nothing.

Within one process the store lets writers to one consortium take turns; across processes a
write that loses the race on the version number is retried. The second test gives each writer
its own store on the same database, as each worker process of the service has one (two stores,
four writers each: enough to collide, and few connections on a shared PostgreSQL server).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from typing import Final, TypeVar

from flask import Flask

from events.bootstrap import Store, open_store
from events.configuration import Settings
from events.settings import StoreSettings
from tests.api.support import CONSORTIA, all_pages
from tests.clock import StepClock
from tests.conftest import Api
from web.app import create_app

T = TypeVar("T")

WRITERS: Final = 8
ADMISSIONS_EACH: Final = 25
STORES: Final = 2


def all_at_once(work: Callable[[int], T], threads: int = WRITERS) -> list[T]:
    """Run work(0) … work(threads - 1) in as many threads, released together."""
    start = threading.Barrier(threads)

    def worker(number: int) -> T:
        start.wait()
        return work(number)

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(worker, range(threads)))


def admit_many(app: Flask, token: str, consortium_id: str, writer: int) -> list[int]:
    """One writer with its own client: admits its own parties and answers the statuses."""
    api = Api(app.test_client(), token)
    return [
        api.post(
            f"{CONSORTIA}/{consortium_id}/members",
            json={"party": f"Partij {writer}-{n}", "sector": "market", "role": "partner"},
        ).status_code
        for n in range(ADMISSIONS_EACH)
    ]


@contextmanager
def worker_app(settings: StoreSettings, clock: StepClock) -> Iterator[Flask]:
    """An app on its own store, as a separate worker process of the service has (with small
    connection pools: the PostgreSQL server is shared with other test runs)."""
    small_pools = {"POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "1"}
    store = open_store(StoreSettings(settings.url, {**settings.env, **small_pools}), clock)
    try:
        yield create_app(store=store, settings=Settings.given(secret_key="t", base_url="http://t"))
    finally:
        store.close()


def assert_every_admission_recorded(
    api: Api, consortium_id: str, before: int, statuses: list[list[int]]
) -> None:
    members = api.get(f"{CONSORTIA}/{consortium_id}/members").json["items"]
    history = all_pages(api, f"{CONSORTIA}/{consortium_id}/events?limit=200")
    admissions = WRITERS * ADMISSIONS_EACH
    assert [s for writer in statuses for s in writer] == [201] * admissions
    assert len({m["party"] for m in members}) == admissions
    assert [e["version"] for e in history] == list(range(1, before + admissions + 1))


def test_simultaneous_admissions_through_one_app_are_all_recorded(
    app: Flask, api: Api, admin_token: str, consortium_id: str
) -> None:
    before = api.get(f"{CONSORTIA}/{consortium_id}").json["version"]

    statuses = all_at_once(lambda n: admit_many(app, admin_token, consortium_id, n))

    assert_every_admission_recorded(api, consortium_id, before, statuses)


def test_simultaneous_admissions_through_separate_stores_are_all_recorded(
    api: Api, admin_token: str, consortium_id: str, settings: StoreSettings, clock: StepClock
) -> None:
    before = api.get(f"{CONSORTIA}/{consortium_id}").json["version"]

    with ExitStack() as stack:
        apps = [stack.enter_context(worker_app(settings, clock)) for _ in range(STORES)]
        statuses = all_at_once(
            lambda n: admit_many(apps[n % STORES], admin_token, consortium_id, n)
        )

    assert_every_admission_recorded(api, consortium_id, before, statuses)


def test_workers_starting_at_once_on_one_database_all_start(
    store: Store, settings: StoreSettings, clock: StepClock
) -> None:
    # The `store` fixture has made the tables, as `consortium serve` does before its workers.
    def start(_: int) -> bool:
        with worker_app(settings, clock):
            return True

    assert all_at_once(start, threads=4) == [True] * 4
