"""The Celery app: broker and result backend from CONSORTIUM_BROKER_URL (Redis).

    celery -A workers worker      runs deliveries
    celery -A workers beat        schedules the reminder scan every few minutes, the scan
                                  for invitation mails every half minute, and the audit
                                  chain's signed checkpoints every hour

Tasks are acknowledged only after they ran (acks_late). A task whose worker process dies is
given back: at once when a pool child dies (reject_on_worker_lost), and when the whole worker
is killed, by the broker once the task stayed unacknowledged for the visibility timeout
(CONSORTIUM_BROKER_VISIBILITY_TIMEOUT, 300 seconds). The tasks are idempotent: running again
never sends twice, and the redelivered task (same id, so the same claim) takes over.
"""

from __future__ import annotations

import logging
import os
from typing import Final

from celery import Celery
from celery.signals import setup_logging, worker_init

from events import logs
from events.bootstrap import migrate

SCAN_INTERVAL_SECONDS: Final = float(os.environ.get("CONSORTIUM_SCAN_INTERVAL", "300"))
# Someone waits for an invitation's mail: its scan (one indexed query) runs more often.
INVITATION_SCAN_SECONDS: Final = min(30.0, SCAN_INTERVAL_SECONDS)
# The audit chain's signed checkpoints (events/audit/service.py): hourly.
AUDIT_CHECKPOINT_SECONDS: Final = 3600.0
# Longer than any delivery takes, and than the longest retry wait (a task waiting for its retry
# is held unacknowledged; were it given back meanwhile, it would run twice at once).
VISIBILITY_TIMEOUT: Final = int(os.environ.get("CONSORTIUM_BROKER_VISIBILITY_TIMEOUT", "300"))
RETRY_BACKOFF_MAX: Final = max(1, min(120, VISIBILITY_TIMEOUT // 3))

broker = os.environ.get("CONSORTIUM_BROKER_URL") or "memory://"

app = Celery("consortium", broker=broker, backend=None, include=["workers.tasks"])
app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_ignore_result=True,
    # One queue per deployment (or per test run) sharing a Redis server.
    task_default_queue=os.environ.get("CONSORTIUM_QUEUE", "consortium"),
    timezone="Europe/Amsterdam",
    enable_utc=True,
    broker_connection_retry_on_startup=True,
    # A task not acknowledged within this time is given to another worker (Redis transport).
    broker_transport_options={
        "visibility_timeout": VISIBILITY_TIMEOUT,
        # Look for such tasks every tenth of that time (one Redis scan at each look).
        "unacked_restore_interval": max(1, VISIBILITY_TIMEOUT // 10),
        "unacked_restore_throttle": 1,
    },
    beat_schedule={
        "scan-due-reminders": {
            "task": "workers.tasks.scan_due_reminders",
            "schedule": SCAN_INTERVAL_SECONDS,
        },
        "scan-invitation-mails": {
            "task": "workers.tasks.scan_invitation_mails",
            "schedule": INVITATION_SCAN_SECONDS,
        },
        "scan-welcome-mails": {
            "task": "workers.tasks.scan_welcome_mails",
            "schedule": INVITATION_SCAN_SECONDS,
        },
        "sign-audit-checkpoints": {
            "task": "workers.tasks.sign_audit_checkpoints",
            "schedule": AUDIT_CHECKPOINT_SECONDS,
        },
    },
)


def _make_tables(**_: object) -> None:
    """A worker may start before the web service: it makes the tables that are missing before
    its pool starts; the pool's processes then only open the store (workers/runtime.py)."""
    os.umask(0o077)  # what it writes (lock files, mails in the outbox) is the service's own
    migrate()


worker_init.connect(_make_tables)


def _logs(loglevel: int | str | None = None, **_: object) -> None:
    """Celery's workers and beat log like the rest of the service (events/logs.py)."""
    logs.configure(
        logging.getLevelName(loglevel) if isinstance(loglevel, str) else loglevel or logging.INFO
    )


setup_logging.connect(_logs)
