"""A long ledger is exported in bounded memory (both backends): its money events are read and
written a batch at a time, so an export of 10,000 entries never holds more than a small part of
its rows, as CSV or as XLSX."""

from __future__ import annotations

import tracemalloc

import pytest

from benchmarks.history import build_money
from events.bootstrap import Store
from tests.budget.support import of
from tests.conftest import Api

ENTRIES = 10_000


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
def test_a_ledger_of_ten_thousand_entries_streams_in_a_fraction_of_its_size(
    api: Api, store: Store
) -> None:
    consortium_id = str(build_money(store.consortia, ENTRIES).consortium_id)

    csv_size, csv_peak = _streamed(api, of(consortium_id, "ledger.csv"))
    xlsx_size, xlsx_peak = _streamed(api, of(consortium_id, "ledger.xlsx"))

    assert csv_size > 2_000_000  # the rows of 10,000 entries
    assert xlsx_size > 500_000
    assert csv_peak < csv_size / 2, (csv_peak, csv_size)
    assert xlsx_peak < csv_size / 2, (xlsx_peak, csv_size)
