"""Sending invitation mails: find those still to send, claim each, send it, record it sent.

Run by Celery tasks (the beat's scan, then a delivery task with retries) or, without a broker,
by the embedded scanner. Safe to run twice for the same invitation: the claim lets one runner
through, and a mail recorded as sent is not sent again. The invitation's secret is in the mail
only: never in a task's arguments, a log line or the store (the worker derives it again).
"""

from __future__ import annotations

import logging
from uuid import UUID

from consortium.invitations import MailClaimedElsewhere
from events.bootstrap import Store
from workers import mail
from workers.invitation_mail import compose, invitation_message_id
from workers.mail import Mailer
from workers.messages import Letterhead

log = logging.getLogger(__name__)


def deliver_invitation(
    store: Store,
    mailer: Mailer,
    invitation_id: UUID,
    claim: str,
    letterhead: Letterhead = Letterhead(),  # noqa: B008 - frozen
) -> bool:
    """Send an invitation's mail; False when there was nothing to send (sent already, used,
    expired, withdrawn, or being sent by another worker). Errors propagate (after being
    recorded) so that the caller can retry."""
    invitations = store.invitations
    try:
        claimed = invitations.claim_mail(invitation_id, claim)
    except MailClaimedElsewhere:
        # Should that worker die, its lease runs out and a scan hands the mail out again.
        log.info("invitation %s is being sent by another worker", invitation_id)
        return False
    if claimed is None:
        return False
    message = compose(
        claimed, letterhead.base_url, store.consortia.clock(), sender=letterhead.sender
    )
    try:
        mailer.send(message)
    except Exception as error:
        kind = mail.failure_class(error)
        log.warning("invitation %s not sent: %s", invitation_id, kind, exc_info=error)
        invitations.mail_failed(invitation_id, kind)
        raise
    invitations.mail_sent(invitation_id, invitation_message_id(claimed))
    log.info("sent the mail of invitation %s", invitation_id)
    return True


def send_invitations(
    store: Store,
    mailer: Mailer,
    letterhead: Letterhead = Letterhead(),  # noqa: B008 - frozen
) -> list[tuple[UUID, bool]]:
    """One scan, with every mail sent now: (invitation, whether its mail was sent now)."""
    return mail.send_each(
        store.invitations.mails_to_send(),
        lambda invitation_id, claim: deliver_invitation(
            store, mailer, invitation_id, claim, letterhead
        ),
        "the mail of invitation",
    )
