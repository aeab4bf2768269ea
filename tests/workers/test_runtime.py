"""A worker process's store (the embedded scanner's, a Celery worker's) follows the log when it
may lead: a worker that took the lead to read, while no web worker held it, keeps the read model
current for the web, instead of holding the lead and leaving the lists behind."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from events.bootstrap import Store, open_store
from events.caller import Caller
from events.configuration import Settings
from events.settings import StoreSettings
from tests.store.support import found
from workers import runtime


@pytest.fixture
def worker_store(settings: StoreSettings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """The store ``workers.runtime`` opens in a worker process, on the test's database."""
    monkeypatch.setattr(runtime, "_settings", Settings.given(database_url=settings.url))
    monkeypatch.setattr(runtime, "_store", None)
    store = runtime.store()
    yield store
    store.close()


def rm_consortia(store: Store) -> list[str]:
    rows = store.read.read(lambda tx: tx.rows("SELECT consortium_id FROM {t}rm_consortia"))
    return sorted(row["consortium_id"] for row in rows)


def test_a_worker_that_took_the_lead_keeps_the_read_model_current_for_the_web(
    worker_store: Store, settings: StoreSettings, caller: Caller
) -> None:
    web = open_store(settings)
    try:
        first = found(web.consortia, caller)
        worker_store.read.fresh()  # a scan reads while no web worker leads: the worker leads
        second = found(web.consortia, caller, name="Schone lucht")

        # The web worker cannot lead now: it waits for the worker's follower.
        assert rm_consortia(web) == sorted([str(first), str(second)])
    finally:
        web.close()
