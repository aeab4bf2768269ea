"""Redis goes away and comes back, for the workers (a private redis-server the test stops and
starts, never the machine's own): a real Celery worker and beat on it, a SQLite store shared with
the test and a real SMTP server. Reminders that came due while Redis was away go out once it is
back, without restarting anything; none is lost, none is sent twice.

The outage lasts a few seconds (the beat scans every second meanwhile, and fails to send each
scan), not a minute: what matters is that the scans missed are made up for, which takes as long
after a short outage as after a long one. Takes some 20 seconds (marked slow)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Final
from uuid import UUID

import pytest

from consortium.reminders import Reminder
from events.bootstrap import open_store
from events.caller import Caller
from events.settings import StoreSettings
from tests.outage import PrivateRedis, private_redis
from tests.workers.celery_support import Workers
from tests.workers.support import SmtpSink, found_with_people, wait_until
from workers.messages import message_id

pytestmark = pytest.mark.slow

SCAN_SECONDS: Final = 1.0
OUTAGE_SECONDS: Final = 3.0
RECOVERY_SECONDS: Final = 60.0  # the worker reconnects after 2, 4, 6... seconds (kombu's backoff)


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[PrivateRedis]:
    (tmp_path / "redis").mkdir()
    with private_redis(tmp_path / "redis") as private:
        yield private


@pytest.fixture
def celery(
    broker: PrivateRedis, worker_database: StoreSettings, smtp_port: int, tmp_path: Path
) -> Iterator[Workers]:
    """A worker and a beat scanning every second, on the private Redis."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith("CONSORTIUM_")}
    env = {
        **kept,
        "CONSORTIUM_BROKER_URL": broker.url,
        "CONSORTIUM_QUEUE": "outage",
        "CONSORTIUM_DATABASE_URL": worker_database.url,
        "CONSORTIUM_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
        "CONSORTIUM_OUTBOX": str(tmp_path / "outbox"),
        "CONSORTIUM_SCAN_INTERVAL": str(SCAN_SECONDS),
    }
    started = Workers("outage", env)
    try:
        started.start()
        started.start_beat(tmp_path / "celerybeat-schedule")
        yield started
    finally:
        started.stop_all()


class Consortium:
    """The test's consortium in the store the workers share (opened only for each step, as
    another process would)."""

    def __init__(self, settings: StoreSettings, caller: Caller) -> None:
        self.settings, self.caller = settings, caller
        store = open_store(settings)
        try:
            self.id, self.lead, _ = found_with_people(store, caller)
        finally:
            store.close()

    def plan(self, title: str) -> UUID:
        """A milestone due in three days: its first reminders are due today."""
        store = open_store(self.settings)
        try:
            return store.consortia.plan_milestone(
                self.id,
                title=title,
                due_date=store.consortia.today() + timedelta(days=3),
                description=None,
                questions=None,
                tranche=None,
                closes_phase=None,
                responsible_member_ids=[self.lead],
                caller=self.caller,
            ).id
        finally:
            store.close()

    def reminders(self, milestone_id: UUID) -> list[Reminder]:
        store = open_store(self.settings)
        try:
            sent, _, _ = store.reminders.overview(self.id, self.caller)
        finally:
            store.close()
        return [r for r in sent if r.milestone_id == milestone_id]


def message_ids(sink: SmtpSink) -> list[str]:
    return [str(m["Message-ID"]) for m in sink.accepted]


def delivered(consortium: Consortium, milestone_id: UUID) -> bool:
    found = consortium.reminders(milestone_id)
    return bool(found) and all(r.delivered_at is not None for r in found)


def test_reminders_due_while_redis_was_away_go_out_once_when_it_returns(
    celery: Workers,
    broker: PrivateRedis,
    worker_database: StoreSettings,
    caller: Caller,
    sink: SmtpSink,
) -> None:
    consortium = Consortium(worker_database, caller)
    before = consortium.plan("Voor de storing")
    assert wait_until(lambda: delivered(consortium, before)), celery.started[0].log
    sent_before = len(sink.accepted)

    broker.stop()
    during = consortium.plan("Tijdens de storing")  # its reminders come due now
    time.sleep(OUTAGE_SECONDS)  # the beat's scans meanwhile cannot reach the worker
    assert consortium.reminders(during) == []  # not even scheduled: no scan ran
    broker.start()  # the same address, empty: what Redis held is gone

    assert wait_until(lambda: delivered(consortium, during), RECOVERY_SECONDS), (
        celery.started[0].log + celery.started[1].log
    )
    time.sleep(2 * SCAN_SECONDS)  # two more scans: what they would send twice, they send now
    expected = [
        message_id(r.key) for r in consortium.reminders(before) + consortium.reminders(during)
    ]
    assert sorted(message_ids(sink)) == sorted(expected)  # each once, none lost
    assert len(sink.accepted) > sent_before
    assert all(p.process.poll() is None for p in celery.started)  # nothing was restarted
