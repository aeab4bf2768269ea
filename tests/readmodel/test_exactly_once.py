"""Exactly once: an event's rows and its tracking record are written in one transaction, so a
crash between them leaves nothing behind, and the next catch-up applies the event once."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import IntegrityError, Tracking

from consortium.ledger import ContributionKind
from consortium.money import Money
from events.bootstrap import Store
from events.readmodel.follower import Follower
from events.readmodel.recorders import Tx
from tests.readmodel.support import SYSTEM, History, dump, portfolio_all

ROOT = Path(__file__).resolve().parents[2]


class Crash(Exception):
    """The process dies here (between writing an event's rows and tracking it)."""


def received_cash(store: Store, consortium_id: UUID) -> Money:
    """As the read model has it now (read straight from the rows, without catching up)."""
    with store.read.view.transaction(commit=False) as tx:
        (row,) = tx.rows(
            "SELECT COALESCE(SUM(cents), 0) AS cents FROM {t}rm_money "
            "WHERE consortium_id = :c AND kind = 'cash'",
            {"c": str(consortium_id)},
        )
    return Money(Decimal(row["cents"]) / 100)


def contribute(store: Store, consortium_id: UUID, amount: str) -> None:
    member = store.consortia.consortium(consortium_id, SYSTEM).active_members[0]
    store.consortia.log_contribution(
        consortium_id,
        member_id=member.id,
        kind=ContributionKind.CASH,
        amount=Money(Decimal(amount)),
        on=date(2026, 2, 27),
        year=None,
        reference=None,
        hours=None,
        rate=None,
        caller=SYSTEM,
    )


class CrashOnTracking:
    """Replaces the read model's tracking insert: raises once, when it tracks the chosen
    notification or a later one (default: any), after noting what the transaction had written
    by then. (A follower may track every event or only the last of a batch.)"""

    def __init__(
        self,
        store: Store,
        monkeypatch: pytest.MonkeyPatch,
        at: int | None = None,
        error: type[Exception] = Crash,
    ) -> None:
        self.view = store.read.view
        self.original = self.view.track
        self.at = at
        self.error = error
        self.crashed_at: int | None = None
        self.rows_written: list[dict[str, Any]] = []
        monkeypatch.setattr(self.view, "track", self.track)

    def track(self, tx: Tx, tracking: Tracking) -> None:
        due = self.at is None or tracking.notification_id >= self.at
        if self.crashed_at is None and due:
            self.crashed_at = tracking.notification_id
            self.rows_written = tx.rows(
                "SELECT consortium_id, SUM(cents) AS cents FROM {t}rm_money "
                "WHERE kind = 'cash' GROUP BY consortium_id"
            )
            raise self.error(f"crash before tracking {tracking.notification_id}")
        self.original(tx, tracking)


def cash_in_transaction(crash: CrashOnTracking, consortium_id: UUID) -> Money:
    (cents,) = (r["cents"] for r in crash.rows_written if r["consortium_id"] == str(consortium_id))
    return Money(Decimal(cents) / 100)


@pytest.fixture
def consortium_id(small_history: History) -> UUID:
    return small_history.consortia[0]


def test_a_crash_before_tracking_rolls_back_the_rows_the_event_wrote(
    store: Store, follower: Follower, consortium_id: UUID, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = dump(store)
    cash = received_cash(store, consortium_id)
    contribute(store, consortium_id, "123.45")
    crash = CrashOnTracking(store, monkeypatch)

    with pytest.raises(Crash):
        follower.catch_up()

    assert cash_in_transaction(crash, consortium_id) == cash + Money(Decimal("123.45"))
    assert dump(store) == before


def test_after_a_crash_the_next_catch_up_applies_the_event_exactly_once(
    store: Store, follower: Follower, consortium_id: UUID, monkeypatch: pytest.MonkeyPatch
) -> None:
    cash = received_cash(store, consortium_id)
    contribute(store, consortium_id, "123.45")
    CrashOnTracking(store, monkeypatch)
    with pytest.raises(Crash):
        follower.catch_up()

    assert follower.catch_up() == 1

    assert received_cash(store, consortium_id) == cash + Money(Decimal("123.45"))
    assert follower.position() == follower.head()


def test_after_a_crash_the_rows_equal_those_of_a_rebuild(
    store: Store, follower: Follower, consortium_id: UUID, monkeypatch: pytest.MonkeyPatch
) -> None:
    contribute(store, consortium_id, "123.45")
    CrashOnTracking(store, monkeypatch)
    with pytest.raises(Crash):
        follower.catch_up()
    follower.catch_up()
    recovered = dump(store)

    follower.rebuild()

    assert dump(store) == recovered


AMOUNTS = ("10.00", "20.00", "30.00", "40.00")


def four_contributions(store: Store, history: History) -> dict[int, tuple[UUID, Money]]:
    """Four contributions, to two consortia in turn; by notification id."""
    first, second = history.consortia[:2]
    logged = {}
    for consortium_id, amount in zip((first, second, first, second), AMOUNTS, strict=True):
        contribute(store, consortium_id, amount)
        logged[store.read.follower.head()] = consortium_id, Money(Decimal(amount))
    return logged


def cash_up_to(
    logged: dict[int, tuple[UUID, Money]], position: int, cash: dict[UUID, Money]
) -> dict[UUID, Money]:
    """What the totals must be once the events up to ``position`` are applied."""
    expected = dict(cash)
    for notification_id, (consortium_id, amount) in logged.items():
        if notification_id <= position:
            expected[consortium_id] += amount
    return expected


def test_a_crash_midway_through_a_batch_leaves_exactly_the_tracked_events_applied(
    store: Store,
    follower: Follower,
    small_history: History,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whether events are applied one per transaction or many: what the rows hold is what the
    tracked position says, never a part of an event or of a batch."""
    cash = {c: received_cash(store, c) for c in small_history.consortia[:2]}
    logged = four_contributions(store, small_history)
    third = sorted(logged)[2]
    CrashOnTracking(store, monkeypatch, at=third)

    with pytest.raises(Crash):
        follower.catch_up()

    position = follower.position()
    assert position < third
    assert {c: received_cash(store, c) for c in cash} == cash_up_to(logged, position, cash)


def test_after_a_crash_midway_through_a_batch_every_event_is_applied_once(
    store: Store,
    follower: Follower,
    small_history: History,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cash = {c: received_cash(store, c) for c in small_history.consortia[:2]}
    logged = four_contributions(store, small_history)
    CrashOnTracking(store, monkeypatch, at=sorted(logged)[2])
    with pytest.raises(Crash):
        follower.catch_up()
    crashed_at = follower.position()

    assert follower.catch_up() == follower.head() - crashed_at

    assert {c: received_cash(store, c) for c in cash} == cash_up_to(logged, follower.head(), cash)


def test_re_applying_every_tracked_event_changes_nothing(
    store: Store, follower: Follower, small_history: History
) -> None:
    before = dump(store)
    everything = store.consortia.recorder.select_notifications(start=None, limit=10_000)

    applied = follower.apply(everything)

    assert (applied, dump(store)) == (0, before)


def test_an_event_processed_again_is_refused_and_what_it_wrote_rolled_back(
    store: Store, follower: Follower, consortium_id: UUID
) -> None:
    """A contribution adds to a total before its tracking is inserted: the refused tracking
    must take the addition back with it."""
    contribute(store, consortium_id, "99.99")
    follower.catch_up()
    before = dump(store)
    (notification,) = store.consortia.recorder.select_notifications(start=follower.head(), limit=1)
    event = store.consortia.mapper.to_domain_event(notification)

    with pytest.raises(IntegrityError):
        follower.projection.process_event(event, Tracking(store.consortia.name, notification.id))

    assert dump(store) == before


CHILD = """
import os, sys
from events.bootstrap import open_store
from events.settings import StoreSettings

store = open_store(StoreSettings.from_url(sys.argv[1]), may_lead=False)
original = store.read.view.track

def track(tx, tracking):
    tx.execute("SELECT 1 AS alive")
    os._exit(17)  # killed: no rollback, no commit, no clean-up

store.read.view.track = track
store.read.follower.catch_up()
"""


def test_a_process_killed_between_applying_and_tracking_leaves_the_event_to_apply_once(
    store: Store, follower: Follower, consortium_id: UUID
) -> None:
    cash = received_cash(store, consortium_id)
    before = dump(store)
    contribute(store, consortium_id, "123.45")

    killed = subprocess.run(
        [sys.executable, "-c", CHILD, store.settings.url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert killed.returncode == 17, killed.stderr
    assert dump(store) == before
    assert follower.catch_up() == 1
    assert received_cash(store, consortium_id) == cash + Money(Decimal("123.45"))


def test_an_event_whose_transaction_failed_untracked_is_not_skipped(
    store: Store,
    follower: Follower,
    small_history: History,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Only a tracking record that exists already means 'applied before'; any other integrity
    failure must not move the position past the event."""
    first, second = small_history.consortia[:2]
    cash = received_cash(store, first)
    contribute(store, first, "10.00")
    contribute(store, second, "20.00")
    CrashOnTracking(store, monkeypatch, error=IntegrityError)

    with contextlib.suppress(IntegrityError):
        follower.catch_up()
    follower.catch_up()

    assert received_cash(store, first) == cash + Money(Decimal("10.00"))


def test_a_catch_up_with_nothing_new_applies_nothing(
    store: Store, follower: Follower, small_history: History
) -> None:
    before = dump(store)

    assert follower.catch_up() == 0
    assert dump(store) == before
    assert len(portfolio_all(store)) == len(small_history.consortia)
