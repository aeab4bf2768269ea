"""Sending adopters' welcome mails: find those still to send, claim each, send it, record it.

Run by Celery tasks (the beat's scan, then a delivery task with retries) or, without a broker,
by the embedded scanner, as invitation mails are. Safe to run twice: the claim lets one sender
through, and a mail recorded as sent is not sent again.
"""

from __future__ import annotations

import logging
from uuid import UUID

from consortium.invitations import MailClaimedElsewhere
from events.bootstrap import Store
from workers import mail
from workers.mail import Mailer
from workers.messages import Letterhead
from workers.welcome_mail import compose, welcome_message_id

log = logging.getLogger(__name__)


def deliver_welcome(
    store: Store,
    mailer: Mailer,
    request_id: UUID,
    claim: str,
    letterhead: Letterhead = Letterhead(),  # noqa: B008 - frozen
) -> bool:
    """Send one welcome mail; False when there was nothing to send (sent already, or being
    sent by another worker). Errors propagate (after being recorded) for the caller to retry."""
    consortia = store.consortia
    try:
        claimed = consortia.claim_welcome(request_id, claim)
    except MailClaimedElsewhere:
        log.info("the welcome of %s is being sent by another worker", request_id)
        return False
    if claimed is None:
        return False
    message = compose(claimed, letterhead.base_url, consortia.clock(), letterhead.sender)
    try:
        mailer.send(message)
    except Exception as error:
        kind = mail.failure_class(error)
        log.warning("welcome of %s not sent: %s", request_id, kind, exc_info=error)
        consortia.welcome_failed(request_id, kind)
        raise
    consortia.welcome_sent(request_id, welcome_message_id(claimed))
    log.info("sent the welcome of adoption request %s", request_id)
    return True


def send_welcomes(
    store: Store,
    mailer: Mailer,
    letterhead: Letterhead = Letterhead(),  # noqa: B008 - frozen
) -> list[tuple[UUID, bool]]:
    """One scan, with every welcome sent now: (request, whether its mail was sent now)."""
    return mail.send_each(
        store.consortia.welcomes_to_send(),
        lambda request_id, claim: deliver_welcome(store, mailer, request_id, claim, letterhead),
        "the welcome of",
    )
