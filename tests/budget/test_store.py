"""The ledger in the event store (SQLite and PostgreSQL): every money fact reads back the same
from a fresh store, across snapshots; the budget as of any past moment is the budget as it
stood then; a refused command stores nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from uuid import UUID

import pytest

from consortium.cost_sharing import KeyKind
from consortium.errors import InsufficientFunds, InvalidValue
from consortium.ledger import ContributionKind
from events.bootstrap import Store, open_store
from events.caller import Caller
from events.consortium_base import SNAPSHOT_INTERVAL
from events.readmodel.records import ContributionFilter
from events.settings import StoreSettings
from tests.budget.support import (
    LAST_YEAR,
    TODAY,
    Recomputed,
    euro,
    recompute_from_events,
    view_of,
)
from tests.clock import StepClock

OpenStore = Callable[[], Store]


@pytest.fixture
def another_store(store: Store, settings: StoreSettings, clock: StepClock) -> Iterator[OpenStore]:
    """Opens more stores on the test's database, each with an empty cache, as another process
    (or this one after a restart) has; closed after the test."""
    opened: list[Store] = []

    def open_one() -> Store:
        opened.append(open_store(settings, clock))
        return opened[-1]

    yield open_one
    for s in opened:
        s.close()


def ids(members: dict[str, str]) -> list[UUID]:
    return [UUID(m) for m in members.values()]


def book(store: Store, consortium_id: UUID, caller: Caller, members: list[UUID], n: int) -> None:
    """The n-th of a varied run of money commands."""
    app = store.consortia
    member = members[n % 3]  # the municipalities; the university gives in kind
    step = n % 6
    if step == 0:
        app.pledge(
            consortium_id,
            member_id=member,
            year=2026 + n % 4,
            amount=euro(f"{1000 + n}.{n % 100:02d}"),
            reason=f"Herziening {n}" if n >= 6 else None,
            caller=caller,
        )
    elif step in (1, 2):
        app.log_contribution(
            consortium_id,
            member_id=member,
            kind=ContributionKind.CASH,
            amount=euro(f"{100 + n}.{n % 100:02d}"),
            on=TODAY - timedelta(days=n % 60),
            year=None,
            reference=f"Factuur {n}",
            hours=None,
            rate=None,
            caller=caller,
        )
    elif step == 3:
        app.log_contribution(
            consortium_id,
            member_id=members[3],
            kind=ContributionKind.IN_KIND,
            amount=euro("127.50"),
            on=TODAY,
            year=2027,
            reference=None,
            hours=Decimal("1.5"),
            rate=euro("85.00"),
            caller=caller,
        )
    elif step == 4:
        logged = app.contributions(consortium_id, caller, ContributionFilter(), start=0, limit=999)
        last = logged.items[-2].contribution
        app.reverse_contribution(consortium_id, last.id, reason="Dubbel geboekt", caller=caller)
    elif n % 12 == 5:
        app.record_expenditure(
            consortium_id,
            amount=euro("50.05"),
            on=TODAY,
            description=f"Inzet {n}",
            milestone_id=None,
            caller=caller,
        )
    else:
        app.share_costs(
            consortium_id,
            amount=euro(f"{3000 + n}.01"),
            key=KeyKind.POPULATION,
            member_ids=members[:3],
            weights=None,
            commit_year=2026 + n % 4,
            caller=caller,
        )


def budget_in(
    store: Store, consortium_id: UUID, caller: Caller, as_of: datetime | None = None
) -> Recomputed:
    return view_of(store.consortia.budget(consortium_id, caller, as_of))


def test_every_money_fact_reads_back_the_same_from_a_fresh_store_across_snapshots(
    store: Store,
    caller: Caller,
    clock: StepClock,
    consortium_id: str,
    members: dict[str, str],
    another_store: OpenStore,
) -> None:
    cid = UUID(consortium_id)
    moments: list[tuple[datetime, Recomputed]] = []
    n = 0
    while store.consortia.consortium(cid, caller).version < 2 * SNAPSHOT_INTERVAL + 7:
        book(store, cid, caller, ids(members), n)
        if n % 10 == 0:
            moments.append((clock.peek(), budget_in(store, cid, caller)))
        n += 1
    written = store.consortia.consortium(cid, caller)
    assert store.consortia.snapshots is not None
    (snapshot,) = store.consortia.snapshots.recorder.select_events(cid, desc=True, limit=1)
    assert SNAPSHOT_INTERVAL <= snapshot.originator_version < written.version

    fresh = another_store()
    read = fresh.consortia.consortium(cid, caller)

    assert read.ledger == written.ledger
    assert budget_in(fresh, cid, caller) == budget_in(store, cid, caller)
    events = list(fresh.consortia.events.get(cid))
    assert budget_in(fresh, cid, caller) == recompute_from_events(events)
    for moment, then in moments:
        assert budget_in(fresh, cid, caller, as_of=moment) == then, moment


def test_the_budget_as_of_a_moment_is_the_budget_as_it_stood_then(
    store: Store, caller: Caller, clock: StepClock, consortium_id: str, members: dict[str, str]
) -> None:
    cid = UUID(consortium_id)
    moments = []
    for n in range(13):
        book(store, cid, caller, ids(members), n)
        clock.advance(timedelta(minutes=5))
        moments.append((clock.peek(), budget_in(store, cid, caller)))

    answers = [budget_in(store, cid, caller, as_of=moment) for moment, _ in moments]

    assert answers == [then for _, then in moments]
    assert len({str(a.totals) for a in answers}) > 10, "the figures moved from step to step"


def test_a_refused_command_stores_nothing(
    store: Store,
    caller: Caller,
    consortium_id: str,
    members: dict[str, str],
    another_store: OpenStore,
) -> None:
    cid = UUID(consortium_id)
    utrecht = UUID(members["Gemeente Utrecht"])
    book(store, cid, caller, ids(members), 1)  # 101.01 cash
    version = store.consortia.consortium(cid, caller).version

    with pytest.raises(InsufficientFunds):
        store.consortia.record_expenditure(
            cid,
            amount=euro("101.02"),
            on=TODAY,
            description="Te veel",
            milestone_id=None,
            caller=caller,
        )
    with pytest.raises(InvalidValue):
        store.consortia.pledge(
            cid,
            member_id=utrecht,
            year=LAST_YEAR + 1,
            amount=euro("1.00"),
            reason=None,
            caller=caller,
        )
    with pytest.raises(InvalidValue):
        store.consortia.share_costs(
            cid,
            amount=euro("100.00"),
            key=KeyKind.POPULATION,
            member_ids=None,  # the university has no population
            weights=None,
            commit_year=2027,
            caller=caller,
        )

    assert another_store().consortia.consortium(cid, caller).version == version
    assert len(list(store.consortia.events.get(cid))) == version
