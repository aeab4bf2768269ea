"""The Celery app, made from the service's settings: broker (Redis) from CONSORTIUM_BROKER_URL.

    celery -A workers worker      runs deliveries
    celery -A workers beat        schedules the reminder scan every few minutes, the scan
                                  for invitation mails every half minute, and the audit
                                  chain's signed checkpoints every hour

``celery -A workers`` asks the package for ``workers.app``; it is made then, from the settings
read at that moment (workers/__init__.py), never at import. :func:`make_celery` makes one from
given settings (tests, benchmarks).

Tasks are acknowledged only after they ran (acks_late). A task whose worker process dies is
given back: at once when a pool child dies (reject_on_worker_lost), and when the whole worker
is killed, by the broker once the task stayed unacknowledged for the visibility timeout
(CONSORTIUM_BROKER_VISIBILITY_TIMEOUT, 300 seconds). The tasks are idempotent: running again
never sends twice, and the redelivered task (same id, so the same claim) takes over.

When Redis goes away, the worker and beat keep trying to reconnect, without end
(``broker_connection_max_retries=None``), also when Redis is not there yet at their start; the
beat's scans due meanwhile are not sent, and the next scan after Redis returns finds every
reminder that came due in between (a scan schedules all that are due and not yet sent).
"""

from __future__ import annotations

import logging
import os
from typing import Any

from celery import Celery
from celery.signals import setup_logging, worker_init

from events import logs
from events.bootstrap import migrate
from events.configuration import Settings
from workers import runtime

# The audit chain's signed checkpoints (events/audit/service.py): hourly.
AUDIT_CHECKPOINT_SECONDS = 3600.0
# Someone waits for an invitation's mail: its scan (one indexed query) runs at least this often.
INVITATION_SCAN_SECONDS = 30.0
DELIVERY_TASKS = (
    "workers.tasks.deliver_reminder",
    "workers.tasks.deliver_invitation_mail",
    "workers.tasks.deliver_welcome_mail",
)


class ServiceCelery(Celery):  # type: ignore[misc]
    """Celery, holding the settings it was made from (its workers' store opens with them)."""

    def __init__(self, settings: Settings, **options: Any) -> None:
        super().__init__(**options)
        self.settings = settings


def make_celery(settings: Settings) -> ServiceCelery:
    visibility = settings.broker_visibility_timeout
    app = ServiceCelery(
        settings,
        main="consortium",
        broker=settings.broker_url or "memory://",
        backend=None,
        include=["workers.tasks"],
    )
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        # One queue per deployment (or per test run) sharing a Redis server.
        task_default_queue=settings.queue,
        timezone="Europe/Amsterdam",
        enable_utc=True,
        # Reconnect to the broker after it went away, and wait for it at start, without end.
        broker_connection_retry=True,
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,
        # A delivery running when the connection is lost finishes (and records its mail as
        # delivered in the store); its redelivery then finds nothing to send. Stopped halfway
        # instead (Celery's coming default), a mail already sent but not yet recorded would go
        # out twice.
        worker_cancel_long_running_tasks_on_connection_loss=False,
        # A task not acknowledged within this time is given to another worker (Redis transport).
        broker_transport_options={
            "visibility_timeout": visibility,
            # Look for such tasks every tenth of that time (one Redis scan at each look).
            "unacked_restore_interval": max(1, visibility // 10),
            "unacked_restore_throttle": 1,
        },
        # Longer than any delivery takes, and than the longest retry wait (a task waiting for
        # its retry is held unacknowledged; were it given back meanwhile, it would run twice).
        task_annotations={
            name: {"retry_backoff_max": retry_backoff_max(settings)} for name in DELIVERY_TASKS
        },
        beat_schedule={
            "scan-due-reminders": {
                "task": "workers.tasks.scan_due_reminders",
                "schedule": settings.scan_interval,
            },
            "scan-invitation-mails": {
                "task": "workers.tasks.scan_invitation_mails",
                "schedule": invitation_scan_seconds(settings),
            },
            "scan-welcome-mails": {
                "task": "workers.tasks.scan_welcome_mails",
                "schedule": invitation_scan_seconds(settings),
            },
            "sign-audit-checkpoints": {
                "task": "workers.tasks.sign_audit_checkpoints",
                "schedule": AUDIT_CHECKPOINT_SECONDS,
            },
        },
    )
    return app


def retry_backoff_max(settings: Settings) -> int:
    """The longest wait between a delivery's retries: well within the visibility timeout."""
    return max(1, min(120, settings.broker_visibility_timeout // 3))


def invitation_scan_seconds(settings: Settings) -> float:
    return min(INVITATION_SCAN_SECONDS, settings.scan_interval)


def _start_worker(sender: Any = None, **_: object) -> None:
    """A worker may start before the web service: it makes the tables that are missing before
    its pool starts; the pool's processes then only open the store (workers/runtime.py), with
    the settings the app was made from."""
    app = getattr(sender, "app", None)
    settings = app.settings if isinstance(app, ServiceCelery) else runtime.settings()
    runtime.use(settings)
    os.umask(0o077)  # what it writes (lock files, mails in the outbox) is the service's own
    migrate(settings.store_settings())


worker_init.connect(_start_worker)


def _logs(loglevel: int | str | None = None, **_: object) -> None:
    """Celery's workers and beat log like the rest of the service (events/logs.py), in the
    format their start chose from the settings (workers/__init__.py)."""
    logs.configure(
        logging.getLevelName(loglevel) if isinstance(loglevel, str) else loglevel or logging.INFO
    )


setup_logging.connect(_logs)
