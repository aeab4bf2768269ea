"""Scans and deliveries at once, in two stores on one database (as two processes of the service
would run them, each with its own connections, cache and locks): every reminder is scheduled
once and delivered once, whichever of them wins each race."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import pytest

from consortium.reminders import ClaimedElsewhere
from events.bootstrap import Store, open_store
from events.readmodel import queries
from events.readmodel.recorders import Tx
from events.reminders import Due
from events.settings import StoreSettings
from tests.clock import StepClock
from tests.workers.support import (
    LEAD_CONTACT,
    PARTNER_CONTACT,
    PM,
    SECOND_PM,
    TODAY,
    RecordingMailer,
    World,
    days,
)
from workers.delivery import deliver
from workers.embedded import send_due

T = TypeVar("T")
EVERYONE = {LEAD_CONTACT, PARTNER_CONTACT, PM, SECOND_PM}
BARRIER_SECONDS = 20.0


@pytest.fixture
def other_store(world: World, settings: StoreSettings, clock: StepClock) -> Iterator[Store]:
    """A second store on the test's database: another process of the service.

    The first store follows the event log in the background (as a projection process would),
    so the read model catches up whichever store wrote last."""
    world.store.read.start_following()
    store = open_store(settings, clock)
    yield store
    store.close()


@pytest.fixture
def both_see_nothing_scheduled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Force the race: each scan looks up which reminders were scheduled before, and waits for
    the other to have looked too; so both go on to schedule the same reminders."""
    barrier = threading.Barrier(2, timeout=BARRIER_SECONDS)
    look_up = queries.scheduled_keys

    def look_up_then_wait(tx: Tx, keys: list[str]) -> set[str]:
        found = look_up(tx, keys)
        barrier.wait()
        return found

    monkeypatch.setattr(queries, "scheduled_keys", look_up_then_wait)


def at_once(first: Callable[[], T], second: Callable[[], T]) -> tuple[T, T]:
    """Run both in threads that start together; answer both results (or raise an error)."""
    start = threading.Barrier(2, timeout=BARRIER_SECONDS)

    def started(run: Callable[[], T]) -> T:
        start.wait()
        return run()

    with ThreadPoolExecutor(2) as pool:
        a, b = pool.submit(started, first), pool.submit(started, second)
        return a.result(), b.result()


def keys_of(dues: list[Due]) -> list[str]:
    return [d.key for d in dues]


@pytest.mark.usefixtures("both_see_nothing_scheduled")
def test_two_scans_at_once_schedule_each_reminder_once(world: World, other_store: Store) -> None:
    world.plan(TODAY + days(3), responsible=[world.lead_id, world.partner_id])

    here, there = at_once(world.store.reminders.scan, other_store.reminders.scan)

    recorded = [r.key for r in world.reminders()]
    assert sorted(keys_of(here) + keys_of(there)) == sorted(recorded)
    assert len(recorded) == len(set(recorded)) == len(EVERYONE)
    assert {r.recipient for r in world.reminders()} == EVERYONE


@pytest.mark.usefixtures("both_see_nothing_scheduled")
def test_two_scanners_at_once_deliver_each_reminder_once(world: World, other_store: Store) -> None:
    world.plan(TODAY + days(3), responsible=[world.lead_id, world.partner_id])
    mailer = RecordingMailer()

    at_once(lambda: send_due(world.store, mailer), lambda: send_due(other_store, mailer))

    sent_to = Counter(str(m["To"]) for m in mailer.sent)
    assert sent_to == Counter(EVERYONE)
    assert all(r.delivered_at is not None for r in world.reminders())


def test_two_workers_given_the_same_reminder_at_once_send_it_once(
    world: World, other_store: Store
) -> None:
    world.plan(TODAY + days(3))
    (due,) = [d for d in world.scan() if d.key.endswith(f"/{LEAD_CONTACT}")]
    mailer = RecordingMailer()

    def worker(store: Store, claim: str) -> str:
        try:
            return "sent" if deliver(store, mailer, due, claim) else "delivered already"
        except ClaimedElsewhere:
            return "claimed elsewhere"

    outcomes = at_once(
        lambda: worker(world.store, "worker-1"), lambda: worker(other_store, "worker-2")
    )

    assert outcomes.count("sent") == 1
    assert len(mailer.sent) == 1
