"""The workers sign the audit chain's checkpoints periodically (beat, or the embedded scanner)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from events.bootstrap import Store
from events.caller import Caller
from events.settings import StoreSettings
from tests.store.support import found
from workers import runtime
from workers.celery_app import app as celery_app
from workers.tasks import sign_audit_checkpoints


@pytest.fixture
def worker_store(settings: StoreSettings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setenv("CONSORTIUM_DATABASE_URL", settings.url)
    monkeypatch.setenv("CONSORTIUM_READ_MODEL", "external")
    monkeypatch.setattr(runtime, "_store", None)
    store = runtime.store()
    yield store
    store.close()


def test_the_task_signs_a_checkpoint_at_the_head_of_each_chain_that_has_events(
    worker_store: Store, caller: Caller
) -> None:
    found(worker_store.consortia, caller)

    assert sign_audit_checkpoints() == 1  # the accounts' chain is empty

    recorder = worker_store.audit.recorder("consortia")
    head = recorder.head()
    assert head is not None
    assert [c.notification_id for c in recorder.checkpoints()] == [head.notification_id]


def test_beat_schedules_the_checkpoints() -> None:
    schedule = celery_app.conf.beat_schedule

    assert schedule["sign-audit-checkpoints"]["task"] == sign_audit_checkpoints.name
