"""The Celery app: broker and result backend from CONSORTIUM_BROKER_URL (Redis).

    celery -A workers worker      runs deliveries
    celery -A workers beat        schedules the reminder scan every few minutes

Tasks are acknowledged only after they ran (acks_late) and given back when their worker dies
(reject_on_worker_lost), so a killed worker's task runs again elsewhere; the tasks are
idempotent, so running again never sends twice.
"""

from __future__ import annotations

import os
from typing import Final

from celery import Celery

SCAN_INTERVAL_SECONDS: Final = float(os.environ.get("CONSORTIUM_SCAN_INTERVAL", "300"))

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
    broker_transport_options={"visibility_timeout": 3600},
    beat_schedule={
        "scan-due-reminders": {
            "task": "workers.tasks.scan_due_reminders",
            "schedule": SCAN_INTERVAL_SECONDS,
        }
    },
)
