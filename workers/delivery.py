"""Delivering one reminder (or warning of a financing at risk): claim it, send it, record that
it was delivered.

Run by a Celery task (with retries) or, without a broker, by the embedded scanner. Safe to run
twice for the same reminder: the claim lets one runner through, and a reminder already
delivered is not sent again. A failure is recorded by its kind only ("timed out", "mail server
refused (451)"), which is what readers of the reminders see; its details go to the log.
"""

from __future__ import annotations

import logging
from email.message import EmailMessage

from consortium.aggregate import Consortium
from consortium.reminders import FINANCING_WARNING, WEBHOOK, ClaimedElsewhere, Reminder
from events.bootstrap import Store
from events.reminders import Due
from workers import financing_mail, mail, webhook
from workers.mail import Mailer
from workers.messages import Letterhead, compose, message_id, webhook_payload
from workers.webhook import WebhookClient

log = logging.getLogger(__name__)


def deliver(
    store: Store,
    mailer: Mailer,
    due: Due,
    claim: str,
    webhooks: WebhookClient | None = None,
    letterhead: Letterhead = Letterhead(),  # noqa: B008 - frozen
) -> bool:
    """Deliver a reminder; False when it had been delivered already. Errors propagate (after
    being recorded) so that the caller can retry. ``webhooks`` None: posts within the
    store's webhook address rules, trusting the system's certificates. ``letterhead``: the
    service's address and sender, from its settings."""
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
    hook = consortium.webhook if reminder.recipient == WEBHOOK else None
    try:
        if hook is not None:
            client = webhooks or WebhookClient(store.reminders.webhook_addresses)
            client.post(
                hook.url,
                _payload(store, consortium, reminder, letterhead),
                store.reminders.signing_key(consortium.id, hook.key_version),
                delivery=message_id(due.key).strip("<>"),
            )
        else:
            mailer.send(_mail(store, consortium, reminder, letterhead))
    except Exception as error:
        kind = webhook.failure_class(error) if hook else mail.failure_class(error)
        log.warning("reminder %s not delivered: %s", due.key, kind, exc_info=error)
        store.reminders.failed(due.consortium_id, due.key, kind)
        raise
    store.reminders.delivered(due.consortium_id, due.key, message_id(due.key))
    log.info("delivered reminder %s", due.key)
    return True


def _mail(
    store: Store, consortium: Consortium, reminder: Reminder, letterhead: Letterhead
) -> EmailMessage:
    """The mail of a checkpoint's reminder, or of a warning that the financing is at risk."""
    now = store.consortia.clock()
    base_url, sender = letterhead.base_url, letterhead.sender
    if reminder.kind == FINANCING_WARNING:
        fact = store.consortia.at_risk_fact(consortium.id, reminder.step)
        return financing_mail.compose(consortium, fact, reminder, base_url, now, sender)
    milestone = consortium.milestone(reminder.milestone_id)
    return compose(consortium, milestone, reminder, base_url, now, sender)


def _payload(
    store: Store, consortium: Consortium, reminder: Reminder, letterhead: Letterhead
) -> dict[str, object]:
    if reminder.kind == FINANCING_WARNING:
        fact = store.consortia.at_risk_fact(consortium.id, reminder.step)
        return financing_mail.webhook_payload(consortium, fact, reminder, letterhead.base_url)
    milestone = consortium.milestone(reminder.milestone_id)
    return webhook_payload(consortium, milestone, reminder, letterhead.base_url)
