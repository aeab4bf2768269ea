"""The workers sign the audit chain's checkpoints periodically (beat, or the embedded scanner)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from events.bootstrap import Store
from events.caller import Caller
from events.configuration import Settings
from events.settings import StoreSettings
from tests.store.support import found
from workers import runtime
from workers.celery_app import make_celery
from workers.tasks import sign_audit_checkpoints


@pytest.fixture
def worker_store(settings: StoreSettings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setattr(
        runtime, "_settings", Settings.given(database_url=settings.url, read_model="external")
    )
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
    schedule = make_celery(Settings.given()).conf.beat_schedule

    assert schedule["sign-audit-checkpoints"]["task"] == sign_audit_checkpoints.name
