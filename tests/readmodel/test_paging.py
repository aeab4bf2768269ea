"""Sorting and keyset paging: every sort pages through the portfolio with no duplicates and no
gaps, also while consortia are founded and changed between the pages."""

from __future__ import annotations

import base64
import json
import threading
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any, Final
from uuid import UUID

import pytest

from consortium.errors import InvalidValue
from consortium.members import MemberRole, Sector
from events.bootstrap import Store
from events.readmodel.queries import SORTS, PortfolioFilter, PortfolioRow
from tests.api.support import CONSORTIA
from tests.conftest import Api
from tests.readmodel.support import ADMIN, SYSTEM, pages, portfolio_all

# Names with ties, checkpoints with ties and without: the position must break every tie.
NAMES: Final = (
    "Delta",
    "Alpha",
    "Delta",
    "Charlie",
    "Bravo",
    "Delta",
    "Echo",
    "Alpha",
    "Foxtrot",
    "Charlie",
    "Golf",
)
DUE: Final = (
    date(2026, 6, 1),
    None,
    date(2026, 4, 1),
    date(2026, 6, 1),
    None,
    date(2026, 4, 1),
    date(2026, 5, 1),
    None,
    date(2026, 6, 1),
    date(2026, 4, 1),
    None,
)


def found(store: Store, name: str) -> UUID:
    return store.consortia.found(name=name, challenge="Samen", description=None, caller=SYSTEM).id


def admit(store: Store, consortium_id: UUID, party: str) -> None:
    store.consortia.admit_member(
        consortium_id,
        party=party,
        sector=Sector.MARKET,
        role=MemberRole.PARTNER,
        contact_email=None,
        population=None,
        caller=SYSTEM,
    )


def build_world(store: Store) -> list[UUID]:
    """Eleven consortia (in the order founded), with tied names and checkpoints, and changed
    in another order than founded (so 'updated' differs from 'founded')."""
    ids = [found(store, name) for name in NAMES]
    for consortium_id, due in zip(ids, DUE, strict=True):
        if due is not None:
            store.consortia.plan_milestone(
                consortium_id,
                title="Validatie",
                due_date=due,
                description=None,
                questions=None,
                tranche=None,
                closes_phase=None,
                responsible_member_ids=None,
                caller=SYSTEM,
            )
    for consortium_id in (ids[4], ids[0], ids[9], ids[2]):
        admit(store, consortium_id, "Zorgtech BV")
    return ids


@pytest.fixture(scope="module")
def world(shared_store: Store) -> tuple[Store, list[UUID]]:
    return shared_store, build_world(shared_store)


def expected_order(store: Store, ids: list[UUID], sort: str) -> list[UUID]:
    """The order a sort must give, worked out from the consortia themselves; ties go by the
    order founded (and the other way round when descending)."""
    founded = {consortium_id: n for n, consortium_id in enumerate(ids)}
    aggregates = {i: store.consortia.consortium(i, SYSTEM) for i in ids}
    due = dict(zip(ids, DUE, strict=True))
    keys: dict[str, Callable[[UUID], Any]] = {
        "founded": lambda i: founded[i],
        "name": lambda i: (aggregates[i].name, founded[i]),
        "next_checkpoint": lambda i: (due[i] or date.max, founded[i]),
        "updated": lambda i: (aggregates[i].modified_on, founded[i]),
    }
    return sorted(ids, key=keys[sort.lstrip("-")], reverse=sort.startswith("-"))


def ids_of(found_pages: list[list[PortfolioRow]]) -> list[UUID]:
    return [row.id for page in found_pages for row in page]


def duplicates(ids: list[UUID]) -> list[UUID]:
    return [i for i, n in Counter(ids).items() if n > 1]


@pytest.mark.parametrize("sort", sorted(SORTS))
def test_a_single_page_is_in_the_order_of_the_sort(world: Any, sort: str) -> None:
    store, ids = world

    listed = [row.id for row in portfolio_all(store, sort=sort)]

    assert listed == expected_order(store, ids, sort)


@pytest.mark.parametrize("sort", sorted(SORTS))
@pytest.mark.parametrize("limit", [1, 3, 4])
def test_paging_visits_every_consortium_once_in_the_order_of_the_sort(
    world: Any, sort: str, limit: int
) -> None:
    store, ids = world

    found_pages = pages(store, sort, limit)

    assert ids_of(found_pages) == expected_order(store, ids, sort)
    assert [len(page) for page in found_pages[:-1]] == [limit] * (len(found_pages) - 1)


def test_a_page_that_ends_with_the_last_consortium_has_no_cursor(world: Any) -> None:
    store, ids = world

    rows, cursor = store.read.portfolio(
        ADMIN, PortfolioFilter(), sort="name", cursor=None, limit=len(ids)
    )

    assert (len(rows), cursor) == (len(ids), None)


# -- while others write ---------------------------------------------------------------------


def test_consortia_founded_between_pages_by_founded_come_after_the_others(store: Store) -> None:
    before = [found(store, f"Consortium {n}") for n in range(7)]
    later: list[UUID] = []

    def found_more(page: int) -> None:
        if page <= 2:
            later.extend(found(store, f"Later {page}.{n}") for n in range(2))

    listed = ids_of(pages(store, "founded", 3, between=found_more))

    assert listed == before + later


def test_consortia_founded_between_pages_by_name_cause_no_duplicates_and_no_gaps(
    store: Store,
) -> None:
    before = [found(store, name) for name in NAMES]
    after_cursor: list[UUID] = []

    def found_more(page: int) -> None:
        if page == 1:
            found(store, "Aaron")  # sorts before every page still to come: not listed
            after_cursor.append(found(store, "Zulu"))
            after_cursor.append(found(store, "Delta"))  # ties with what was listed last

    listed = ids_of(pages(store, "name", 4, between=found_more))

    assert duplicates(listed) == []
    assert set(before) <= set(listed)
    assert set(after_cursor) <= set(listed)
    assert len(listed) == len(before) + len(after_cursor)


def test_consortia_founded_between_pages_newest_first_do_not_disturb_the_rest(
    store: Store,
) -> None:
    before = [found(store, f"Consortium {n}") for n in range(7)]

    def found_more(page: int) -> None:
        found(store, f"Later {page}")

    listed = ids_of(pages(store, "-founded", 2, between=found_more))

    assert listed == before[::-1]


@pytest.mark.parametrize("sort", ["founded", "name", "-name"])
def test_changes_to_listed_consortia_between_pages_do_not_move_them(
    store: Store, sort: str
) -> None:
    before = [found(store, name) for name in NAMES]

    def change(page: int) -> None:
        for consortium_id in before[page::3]:
            admit(store, consortium_id, f"Partij {page}")

    listed = ids_of(pages(store, sort, 3, between=change))

    assert listed == expected_order(store, before, sort)


def test_paging_by_name_while_a_writer_keeps_founding_has_no_duplicates_or_gaps(
    store: Store,
) -> None:
    before = [found(store, f"{name} {n}") for n, name in enumerate(NAMES)]
    stop = threading.Event()
    founded_meanwhile: list[UUID] = []

    def writer() -> None:
        n = 0
        while not stop.is_set() and n < 200:
            founded_meanwhile.append(found(store, f"{NAMES[n % len(NAMES)]} nieuw {n}"))
            n += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        rows = [row for page in pages(store, "name", 2) for row in page]
    finally:
        stop.set()
        thread.join(timeout=30)

    listed = [row.id for row in rows]
    assert founded_meanwhile
    assert duplicates(listed) == []
    assert set(before) <= set(listed)
    assert [row.name for row in rows] == sorted(row.name for row in rows)


def test_following_next_links_while_consortia_are_founded_lists_each_once(api: Api) -> None:
    def post(name: str) -> str:
        response = api.post(CONSORTIA, json={"name": name, "challenge": "Samen"})
        assert response.status_code == 201
        identifier: str = response.json["id"]
        return identifier

    before = [post(name) for name in NAMES]
    url: str | None = f"{CONSORTIA}?sort=name&limit=3"
    listed: list[str] = []
    while url is not None:
        page = api.get(url).json
        listed.extend(item["id"] for item in page["items"])
        url = page["next"]
        post("Aaron")
        post("Zulu")

    assert len(listed) == len(set(listed))
    assert set(before) <= set(listed)


# -- cursors --------------------------------------------------------------------------------


def cursor_of(key: Any, position: Any, sort: str = "founded") -> str:
    """A cursor as the service makes them (sort, key, position), with any values."""
    return base64.urlsafe_b64encode(json.dumps([sort, key, position]).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        pytest.param("!!!", id="not-base64"),
        pytest.param(base64.urlsafe_b64encode(b"{}").decode(), id="not-a-pair"),
        pytest.param(cursor_of(3, "x"), id="position-not-a-number"),
        pytest.param(cursor_of(["Delta"], 3), id="key-a-list"),
        pytest.param(cursor_of("Delta", 3), id="key-of-another-type"),
        pytest.param(cursor_of("Delta", 3, sort="name"), id="made-for-the-name-sort"),
    ],
)
def test_a_cursor_not_made_by_this_list_is_refused_as_invalid(world: Any, cursor: str) -> None:
    store, _ = world

    with pytest.raises(InvalidValue):
        store.read.portfolio(ADMIN, PortfolioFilter(), sort="founded", cursor=cursor, limit=3)


def test_the_api_refuses_a_cursor_of_another_sort_with_422(api: Api) -> None:
    for name in NAMES[:4]:
        api.post(CONSORTIA, json={"name": name, "challenge": "Samen"})
    by_name = api.get(CONSORTIA, query_string={"sort": "name", "limit": 2}).json

    response = api.get(
        CONSORTIA, query_string={"sort": "founded", "limit": 2, "cursor": by_name["next_cursor"]}
    )

    assert response.status_code == 422
