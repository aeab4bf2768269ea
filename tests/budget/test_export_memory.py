"""A long ledger is exported in bounded memory (both backends): its money events are read and
written a batch at a time, so the memory an export takes does not grow with the ledger. The
ledger of 10,000 entries is exported whole and as it stood at its 2,000th event (the same
store, the same code), as CSV and as XLSX; the whole one may take hardly more memory."""

from __future__ import annotations

import tracemalloc
from urllib.parse import quote

import pytest

from benchmarks.history import build_money, instant_of
from events.bootstrap import Store
from tests.budget.support import of
from tests.conftest import Api

ENTRIES = 10_000
PART = 2_000
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


@pytest.mark.slow
@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_exporting_a_ledger_five_times_as_long_takes_no_more_memory(
    api: Api, store: Store, extension: str
) -> None:
    built = build_money(store.consortia, ENTRIES)
    whole = of(str(built.consortium_id), f"ledger.{extension}")
    then = instant_of(store.consortia, built.consortium_id, PART).isoformat()
    part = f"{whole}?as_of={quote(then)}"
    _streamed(api, part)  # once first: what is made once per process is made here

    part_size, part_peak = _streamed(api, part)
    whole_size, whole_peak = _streamed(api, whole)

    assert whole_size > 4 * part_size  # the whole ledger is five times as long
    assert whole_peak < GROWTH * part_peak, (whole_peak, part_peak)
