"""Delivering one reminder: claim it, send it, record that it was delivered.

Run by a Celery task (with retries) or, without a broker, by the embedded scanner. Safe to run
twice for the same reminder: the claim lets one runner through, and a reminder already
delivered is not sent again. A failure is recorded by its kind only ("timed out", "mail server
refused (451)"), which is what readers of the reminders see; its details go to the log.
"""

from __future__ import annotations

import logging
import os

from consortium.reminders import WEBHOOK, ClaimedElsewhere
from events.bootstrap import Store
from events.reminders import Due
from events.secret_key import webhook_signing_key
from workers import mail, webhook
from workers.mail import Mailer
from workers.messages import compose, message_id, webhook_payload
from workers.webhook import WebhookClient

log = logging.getLogger(__name__)


def base_url() -> str:
    return os.environ.get("CONSORTIUM_BASE_URL", "http://127.0.0.1:8000").rstrip("/")


def deliver(
    store: Store, mailer: Mailer, due: Due, claim: str, webhooks: WebhookClient | None = None
) -> bool:
    """Deliver a reminder; False when it had been delivered already. Errors propagate (after
    being recorded) so that the caller can retry. ``webhooks`` None: posts within the
    store's webhook address rules, trusting the system's certificates."""
    try:
        claimed = store.reminders.claim(due.consortium_id, due.key, claim)
    except ClaimedElsewhere:
        # Another worker is delivering it; should it die, the lease runs out and a scan
        # hands the reminder out again.
        log.info("reminder %s is being delivered by another worker", due.key)
        return False
    if claimed is None:
        return False
    consortium, reminder = claimed
    milestone = consortium.milestone(reminder.milestone_id)
    hook = consortium.webhook if reminder.recipient == WEBHOOK else None
    try:
        if hook is not None:
            client = webhooks or WebhookClient(store.reminders.webhook_addresses)
            client.post(
                hook.url,
                webhook_payload(consortium, milestone, reminder, base_url()),
                webhook_signing_key(consortium.id, hook.key_version),
                delivery=message_id(due.key).strip("<>"),
            )
        else:
            mailer.send(
                compose(consortium, milestone, reminder, base_url(), store.consortia.clock())
            )
    except Exception as error:
        kind = webhook.failure_class(error) if hook else mail.failure_class(error)
        log.warning("reminder %s not delivered: %s", due.key, kind, exc_info=error)
        store.reminders.failed(due.consortium_id, due.key, kind)
        raise
    store.reminders.delivered(due.consortium_id, due.key, message_id(due.key))
    log.info("delivered reminder %s", due.key)
    return True
