"""A long ledger is exported in bounded memory (both backends): its money events are read and
written a batch at a time (100 events), so the memory an export takes does not grow with the
ledger. The ledger of 5,000 entries is exported whole and as it stood at its 1,000th event (the
same store, the same code; both many batches long), as CSV and as XLSX; the whole one may take
hardly more memory."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import pytest

from benchmarks.history import build_money, instant_of
from events.bootstrap import open_store
from events.configuration import Settings
from tests.backends import backend
from tests.budget.support import of
from tests.clock import StepClock
from tests.conftest import Api, issue_token
from web.app import create_app

ENTRIES = 5_000
PART = 1_000
# What the whole ledger's export may take beyond the part's: reading, writing and CPython's
# free lists are the same size for both; only noise differs.
GROWTH = 1.5


def _streamed(api: Api, path: str) -> tuple[int, int]:
    """The size of the body and the peak memory allocated while it was sent."""
    response = api.client.get(path, headers=api.headers, buffered=False)
    assert response.status_code == 200
    size = 0
    tracemalloc.start()
    try:
        for chunk in response.response:
            size += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        response.close()
    return size, peak


def _least_of_three(api: Api, path: str) -> tuple[int, int]:
    """The size and the least peak of three exports: the first makes what is made once per
    process, and once in a while a run takes a few hundred kilobytes more (garbage not
    collected yet), whatever the ledger's length; memory that grew with it shows in all three."""
    runs = [_streamed(api, path) for _ in range(3)]
    return runs[0][0], min(peak for _, peak in runs)


@dataclass(frozen=True)
class LongLedger:
    api: Api
    whole: str  # the path of the whole ledger's export, without its extension
    then: str  # the instant of its 1,000th event


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def long_ledger(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LongLedger]:
    """One long ledger per backend, for both formats: it takes most of the module's time."""
    with backend(request.param, tmp_path_factory.mktemp("long-ledger")) as settings:
        store = open_store(settings, StepClock())
        try:
            app = create_app(
                store=store,
                settings=Settings.given(secret_key="test", base_url="http://testserver"),
            )
            api = Api(app.test_client(), issue_token(store, "admin@example.org", admin=True))
            built = build_money(store.consortia, ENTRIES)
            then = instant_of(store.consortia, built.consortium_id, PART).isoformat()
            # The follower applies the ledger to the read model in the background; that is
            # done before anything is measured (tracemalloc counts every thread's memory).
            store.read.fresh(timeout=120)
            yield LongLedger(api, of(str(built.consortium_id), "ledger"), quote(then))
        finally:
            store.close()


@pytest.mark.slow
def test_exporting_a_ledger_five_times_as_long_takes_no_more_memory(
    long_ledger: LongLedger,
) -> None:
    """Both formats in one test: the long ledger takes most of the time, and pytest-xdist may
    tear a module's fixture down between two tests of it."""
    for extension in ("csv", "xlsx"):
        whole = f"{long_ledger.whole}.{extension}"
        part = f"{whole}?as_of={long_ledger.then}"

        part_size, part_peak = _least_of_three(long_ledger.api, part)
        whole_size, whole_peak = _least_of_three(long_ledger.api, whole)

        assert whole_size > 4 * part_size, extension  # the whole ledger is five times as long
        assert whole_peak < GROWTH * part_peak, (extension, whole_peak, part_peak)
