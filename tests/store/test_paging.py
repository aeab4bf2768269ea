"""Paging through a consortium's history by version, and walking every consortium in the
order of founding.

Following ``next_cursor`` from the first page to the last gives every event once, in order;
the last page says so with ``next_cursor`` None. The module's consortia are written once; the
tests only read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final
from uuid import UUID, uuid4

import pytest

from consortium.errors import ConsortiumNotFound, InvalidValue
from events.bootstrap import Store
from events.caller import Caller
from events.consortia import Page
from tests.clock import StepClock
from tests.store.support import PM, admit, every_page, found, grow_in_bulk

OTHER_PM: Final = Caller(actor="pm@amersfoort.example", request_id="req-other", may_found=True)
STRANGER: Final = Caller(actor="someone@elsewhere.example", request_id="req-stranger")


def versions(pages: list[Page[Any]]) -> list[int]:
    return [e.originator_version for page in pages for e in page.items]


# -- history ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Histories:
    odd: UUID  # 23 events
    even: UUID  # 20 events


@pytest.fixture(scope="module")
def histories(module_store: Store, module_clock: StepClock) -> Histories:
    consortia = module_store.consortia
    odd = found(consortia, PM, name="Drieëntwintig")
    grow_in_bulk(consortia, odd, 21, module_clock)
    even = found(consortia, PM, name="Twintig")
    grow_in_bulk(consortia, even, 18, module_clock)
    return Histories(odd, even)


def history_pages(store: Store, consortium_id: UUID, limit: int) -> list[Page[Any]]:
    return every_page(
        lambda cursor, size: store.consortia.history(
            consortium_id, PM, after_version=cursor or 0, limit=size
        ),
        limit,
    )


def test_history_pages_give_every_version_once_in_order(
    module_store: Store, histories: Histories
) -> None:
    assert versions(history_pages(module_store, histories.odd, 5)) == list(range(1, 24))


def test_history_pages_are_full_but_the_last(module_store: Store, histories: Histories) -> None:
    pages = history_pages(module_store, histories.odd, 5)

    assert [len(p.items) for p in pages] == [5, 5, 5, 5, 3]


def test_the_next_cursor_is_the_last_version_on_the_page(
    module_store: Store, histories: Histories
) -> None:
    page = module_store.consortia.history(histories.odd, PM, limit=5)

    assert page.next_cursor == page.items[-1].originator_version == 5


def test_a_history_that_fills_its_last_page_exactly_ends_there(
    module_store: Store, histories: Histories
) -> None:
    pages = history_pages(module_store, histories.even, 5)

    assert [len(p.items) for p in pages] == [5, 5, 5, 5]


def test_a_history_on_one_page_has_no_next_cursor(
    module_store: Store, histories: Histories
) -> None:
    page = module_store.consortia.history(histories.even, PM, limit=20)

    assert (len(page.items), page.next_cursor) == (20, None)


def test_history_after_the_last_version_is_an_empty_last_page(
    module_store: Store, histories: Histories
) -> None:
    page = module_store.consortia.history(histories.even, PM, after_version=20)

    assert (list(page.items), page.next_cursor) == ([], None)


def test_a_history_page_of_no_events_is_refused_naming_the_limit(
    module_store: Store, histories: Histories
) -> None:
    with pytest.raises(InvalidValue) as refused:
        module_store.consortia.history(uuid4(), PM, limit=0)

    assert refused.value.field == "limit"


def test_history_of_an_unknown_consortium_is_consortium_not_found(
    module_store: Store, histories: Histories
) -> None:
    with pytest.raises(ConsortiumNotFound):
        module_store.consortia.history(uuid4(), PM)


def test_history_of_a_consortium_the_caller_may_not_read_is_consortium_not_found(
    module_store: Store, histories: Histories
) -> None:
    with pytest.raises(ConsortiumNotFound):
        module_store.consortia.history(histories.odd, STRANGER)


# -- every consortium ------------------------------------------------------------------------------
# The portfolio lists of the service come from the read model (tests/readmodel/test_paging.py);
# the store itself walks every consortium in the order of founding for the service's own scans
# (reminders), a batch of foundings at a time.


@pytest.fixture(scope="module")
def founded_in_order(module_store: Store, histories: Histories) -> list[UUID]:
    """Every consortium of the module's database: the two histories, then 236 consortia of two
    programme managers with admissions in between (more foundings than the store reads from
    the log at once: 200)."""
    consortia = module_store.consortia
    founded: list[UUID] = [histories.odd, histories.even]
    for number in range(236):
        caller = OTHER_PM if number % 11 == 3 else PM
        founded.append(found(consortia, caller, name=f"Consortium {number}"))
        if number % 7 == 0:
            admit(consortia, founded[-1], "Gemeente Amersfoort", caller)
    return founded


def test_every_consortium_is_walked_once_in_the_order_of_founding(
    module_store: Store, founded_in_order: list[UUID]
) -> None:
    walked = [c.id for c in module_store.consortia.all_consortia()]

    assert walked == founded_in_order
