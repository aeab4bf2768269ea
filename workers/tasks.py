"""Celery tasks: thin, idempotent wrappers around the reminder, invitation and welcome mail
use cases.

A delivery's longest wait between retries (``retry_backoff_max``) follows the settings' visibility
timeout: the app sets it on these tasks (``task_annotations`` in workers/celery_app.py)."""

from __future__ import annotations

import smtplib
from typing import Any, Final
from uuid import UUID

from celery import shared_task
from celery.utils.log import get_task_logger

from events.application import StoreBusy
from events.readmodel.side import StaleReadModel
from events.reminders import Due
from workers import runtime
from workers.delivery import deliver
from workers.invitation_delivery import deliver_invitation
from workers.welcome_delivery import deliver_welcome

log = get_task_logger(__name__)

# What passes by itself: the mail server or network, the read model catching up after a burst of
# writes, writers colliding on one consortium. A retry (same task id, so the same claim) goes on.
TRANSIENT: Final = (smtplib.SMTPException, OSError, StaleReadModel, StoreBusy)


@shared_task(name="workers.tasks.scan_due_reminders")
def scan_due_reminders() -> int:
    """Schedule what is due and hand each delivery to a worker (after it was recorded)."""
    found = runtime.store().reminders.scan()
    for due in found:
        deliver_reminder.delay(str(due.consortium_id), due.key)
    log.info("scan: %d reminders to deliver", len(found))
    return len(found)


@shared_task(
    bind=True,
    name="workers.tasks.deliver_reminder",
    autoretry_for=TRANSIENT,
    retry_backoff=2,
    retry_jitter=True,
    max_retries=12,
)
def deliver_reminder(self: Any, consortium_id: str, key: str) -> bool:
    # The task id is the claim: a retry or a redelivery of this task may take over its claim.
    due = Due(UUID(consortium_id), key)
    return deliver(
        runtime.store(),
        runtime.mailer(),
        due,
        claim=self.request.id or key,
        letterhead=runtime.letterhead(),
    )


@shared_task(name="workers.tasks.scan_invitation_mails")
def scan_invitation_mails() -> int:
    """Hand each invitation mail still to be sent to a worker (by id: never its secret)."""
    found = runtime.store().invitations.mails_to_send()
    for invitation_id in found:
        deliver_invitation_mail.delay(str(invitation_id))
    log.info("scan: %d invitation mails to send", len(found))
    return len(found)


@shared_task(
    bind=True,
    name="workers.tasks.deliver_invitation_mail",
    autoretry_for=TRANSIENT,
    retry_backoff=2,
    retry_jitter=True,
    max_retries=12,
)
def deliver_invitation_mail(self: Any, invitation_id: str) -> bool:
    # The task id is the claim, as for reminders: a retry of this task takes over its claim.
    return deliver_invitation(
        runtime.store(),
        runtime.mailer(),
        UUID(invitation_id),
        claim=self.request.id or invitation_id,
        letterhead=runtime.letterhead(),
    )


@shared_task(name="workers.tasks.scan_welcome_mails")
def scan_welcome_mails() -> int:
    """Hand each approved adopter's welcome mail still to be sent to a worker."""
    found = runtime.store().consortia.welcomes_to_send()
    for request_id in found:
        deliver_welcome_mail.delay(str(request_id))
    log.info("scan: %d welcome mails to send", len(found))
    return len(found)


@shared_task(
    bind=True,
    name="workers.tasks.deliver_welcome_mail",
    autoretry_for=TRANSIENT,
    retry_backoff=2,
    retry_jitter=True,
    max_retries=12,
)
def deliver_welcome_mail(self: Any, request_id: str) -> bool:
    return deliver_welcome(
        runtime.store(),
        runtime.mailer(),
        UUID(request_id),
        claim=self.request.id or request_id,
        letterhead=runtime.letterhead(),
    )


@shared_task(name="workers.tasks.sign_audit_checkpoints")
def sign_audit_checkpoints() -> int:
    """Sign a checkpoint at the head of every application's audit chain (when it moved)."""
    signed = [c for c in runtime.store().audit.sign_checkpoints() if c is not None]
    log.info(
        "audit checkpoints at %s", ", ".join(f"{c.application} {c.notification_id}" for c in signed)
    )
    return len(signed)
