"""The welcome mail of an approved adopter, by real Celery workers: the beat's scan hands it to a
worker, which sends it through a real SMTP server, once."""

from __future__ import annotations

import redis

from events.bootstrap import open_store
from events.settings import StoreSettings
from tests.adoption.support import PM, officer, pilot
from tests.clock import StepClock
from tests.workers.celery_support import REDIS_URL, Workers, settled
from tests.workers.support import SmtpSink, wait_until
from workers.tasks import scan_welcome_mails

OFFICER = "officer@houten.example"


def test_the_beat_scan_hands_a_welcome_to_a_worker_that_sends_it(
    workers: Workers,
    queue: str,
    sink: SmtpSink,
    redis_client: redis.Redis,
    worker_database: StoreSettings,
) -> None:
    store = open_store(worker_database, StepClock())
    try:
        solution = pilot(store.consortia)
        request = store.consortia.ask_to_adopt(
            solution.consortium_id,
            party="Gemeente Houten",
            population=50_000,
            contact_email=OFFICER,
            caller=officer("houten"),
        )
        store.consortia.approve_adoption(solution.consortium_id, request.id, caller=PM)
    finally:
        store.close()
    worker = workers.start()

    with scan_welcome_mails.app.connection_for_write(REDIS_URL) as connection:
        scan_welcome_mails.apply_async(queue=queue, connection=connection)

    assert wait_until(lambda: len(sink.accepted) >= 1), worker.log
    assert wait_until(lambda: settled(redis_client, queue)), worker.log
    assert [m["To"] for m in sink.accepted] == [OFFICER]
    store = open_store(worker_database)
    try:
        assert store.consortia.welcomes_to_send() == []
    finally:
        store.close()
