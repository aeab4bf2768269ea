"""Real Celery workers on the real Redis: worker subprocesses (``celery -A workers worker
--pool=solo``) on a queue of the test's own, a SQLite file shared with the test, and a real SMTP
server; the deliver task is sent as the scan sends it. Under CI=true a missing Redis fails."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Final

import pytest
import redis

from consortium.reminders import Reminder
from events.bootstrap import open_store
from events.caller import Caller
from events.reminders import Due
from events.settings import StoreSettings
from tests.workers.celery_support import (
    REDIS_URL,
    Workers,
    settled,
    unacknowledged,
)
from tests.workers.support import (
    LEAD_CONTACT,
    WAIT_SECONDS,
    SmtpSink,
    found_with_people,
    wait_until,
)
from workers.tasks import deliver_reminder

# How long a new worker is given to pick up the task of a worker killed before it (the broker
# should hand it over within seconds, not after its one-hour visibility timeout).
REDELIVERY_SECONDS: Final = 5.0


@pytest.fixture
def due(worker_database: StoreSettings, caller: Caller) -> Due:
    """A reminder the scan scheduled today (by the real clock, as the workers run on it): the
    lead member's, of a checkpoint due in three days. The test's store is closed again before
    the workers start, as the scan's process would be another one."""
    store = open_store(worker_database)
    try:
        consortium_id, lead_id, _ = found_with_people(store, caller)
        store.consortia.plan_milestone(
            consortium_id,
            title="Pilot in twee wijken",
            due_date=store.consortia.today() + timedelta(days=3),
            description=None,
            questions=None,
            tranche=None,
            closes_phase=None,
            responsible_member_ids=[lead_id],
            caller=caller,
        )
        (found,) = [d for d in store.reminders.scan() if d.key.endswith(f"/{LEAD_CONTACT}")]
    finally:
        store.close()
    return found


def send_to_workers(due: Due, queue: str) -> str:
    """Send the deliver task to the queue, as the scan does; answers the task id."""
    task_id = f"deliver-{uuid.uuid4().hex}"
    with deliver_reminder.app.connection_for_write(REDIS_URL) as connection:
        deliver_reminder.apply_async(
            args=[str(due.consortium_id), due.key],
            queue=queue,
            task_id=task_id,
            connection=connection,
        )
    return task_id


def recorded(worker_database: StoreSettings, due: Due) -> Reminder:
    store = open_store(worker_database)
    try:
        return store.consortia.reminder(due.consortium_id, due.key)
    finally:
        store.close()


def test_a_deliver_task_is_delivered_once_by_a_worker(
    workers: Workers,
    due: Due,
    queue: str,
    sink: SmtpSink,
    redis_client: redis.Redis,
    worker_database: StoreSettings,
) -> None:
    worker = workers.start()

    task_id = send_to_workers(due, queue)

    assert wait_until(lambda: len(sink.accepted) >= 1), worker.log
    assert wait_until(lambda: settled(redis_client, queue)), worker.log
    assert [m["To"] for m in sink.accepted] == [LEAD_CONTACT]
    reminder = recorded(worker_database, due)
    assert reminder.delivered_at is not None
    assert reminder.claim == task_id


def test_a_worker_killed_mid_delivery_leads_to_one_delivery_after_a_new_worker_starts(
    workers: Workers,
    due: Due,
    queue: str,
    sink: SmtpSink,
    redis_client: redis.Redis,
) -> None:
    # The service's app, told by its setting to take back unacknowledged tasks after 2 s
    # (in production: CONSORTIUM_BROKER_VISIBILITY_TIMEOUT, 300 s by default).
    workers.env["CONSORTIUM_BROKER_VISIBILITY_TIMEOUT"] = "2"
    sink.hold_first = True  # the first message is held by the server until the worker is dead
    first = workers.start()
    send_to_workers(due, queue)
    assert sink.first_arrived.wait(WAIT_SECONDS), first.log
    first.kill()
    sink.release.set()
    assert unacknowledged(redis_client, queue), "the killed worker's task is still taken"

    second = workers.start()

    assert wait_until(lambda: len(sink.accepted) >= 1, REDELIVERY_SECONDS), second.log
    assert wait_until(lambda: settled(redis_client, queue)), second.log
    assert [m["To"] for m in sink.accepted] == [LEAD_CONTACT]
