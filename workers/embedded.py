"""Reminders and invitation mails without a broker: one process scans at intervals and
delivers at once (and signs the audit chain's checkpoints every hour).

``consortium serve`` starts it beside the web when CONSORTIUM_BROKER_URL is unset, so a
newcomer without Redis gets reminders and invitations too (in var/outbox/ unless SMTP is
configured). Invitation mails are looked for more often than reminders: someone waits for them.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
import uuid

from events.bootstrap import Store
from events.reminders import Due
from workers import runtime
from workers.celery_app import AUDIT_CHECKPOINT_SECONDS, invitation_scan_seconds
from workers.delivery import deliver
from workers.invitation_delivery import send_invitations
from workers.mail import Mailer
from workers.messages import Letterhead
from workers.welcome_delivery import send_welcomes

log = logging.getLogger(__name__)


def send_due(
    store: Store,
    mailer: Mailer,
    letterhead: Letterhead = Letterhead(),  # noqa: B008 - frozen
) -> list[tuple[Due, bool]]:
    """One scan, with every delivery done now: (reminder, whether it was sent now)."""
    results = []
    for due in store.reminders.scan():
        try:
            claim = f"embedded-{uuid.uuid4().hex}"
            sent = deliver(store, mailer, due, claim=claim, letterhead=letterhead)
        except Exception:
            log.exception("delivering %s failed; the next scan tries again", due.key)
            sent = False
        results.append((due, sent))
    return results


def run_forever() -> None:
    """Scan at the settings' intervals until stopped (SIGINT/SIGTERM)."""
    settings = runtime.settings()
    interval = settings.scan_interval
    invitations_every = invitation_scan_seconds(settings)
    letterhead = runtime.letterhead()
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    log.info(
        "embedded scanner: reminders every %.0f seconds, invitations every %.0f",
        interval,
        invitations_every,
    )
    next_reminders = next_checkpoint = time.monotonic()
    while not stopped.is_set():
        try:
            send_invitations(runtime.store(), runtime.mailer(), letterhead)
        except Exception:
            log.exception("invitation scan failed; trying again at the next interval")
        try:
            send_welcomes(runtime.store(), runtime.mailer(), letterhead)
        except Exception:
            log.exception("welcome mail scan failed; trying again at the next interval")
        if time.monotonic() >= next_reminders:
            next_reminders = time.monotonic() + interval
            try:
                send_due(runtime.store(), runtime.mailer(), letterhead)
            except Exception:
                log.exception("reminder scan failed; trying again at the next interval")
        if time.monotonic() >= next_checkpoint:
            next_checkpoint = time.monotonic() + AUDIT_CHECKPOINT_SECONDS
            try:
                runtime.store().audit.sign_checkpoints()
            except Exception:
                log.exception("signing audit checkpoints failed; trying again in an hour")
        stopped.wait(min(interval, invitations_every))
