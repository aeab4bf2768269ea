"""Use cases of reminders: find what is due (the scan), and record each delivery's claim and
outcome. Sending itself is the workers' business; this module never talks to a mail server.

The scan reads the checkpoint read model (an index on open checkpoints by due date), never
replays every consortium, so its cost follows the number of checkpoints near their date. Each
reminder is a delivery aggregate of its own (``events.deliveries``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Final
from uuid import UUID

from consortium.aggregate import Consortium
from consortium.errors import NotFound
from consortium.reminder_policy import DueReminder, due_reminder, next_reminder_date
from consortium.reminders import (
    CLAIM_LEASE,
    MAX_OFFSET,
    WEBHOOK,
    Reminder,
    ReminderPolicy,
    Webhook,
    reminder_key,
)
from events.accounts import AccountsApplication
from events.caller import Caller
from events.consortia import ConsortiumApplication, may_manage
from events.financing_warnings import FinancingWarnings
from events.milestones import DUE_SOON_DAYS
from events.readmodel import financing, queries, records
from events.readmodel.queries import CheckpointRow
from events.readmodel.recorders import Tx
from events.readmodel.side import ReadSide
from events.secret_key import service_secret, webhook_signing_key
from events.webhook_addresses import WebhookAddresses

log = logging.getLogger(__name__)

SYSTEM: Final = Caller.system("system:reminders", "reminder-scan")


@dataclass(frozen=True)
class Due:
    """A reminder the scan scheduled (or found undelivered): deliver it."""

    consortium_id: UUID
    key: str


@dataclass(frozen=True)
class Planned:
    milestone_id: UUID
    title: str
    due_date: date
    next_reminder_on: date | None


def _gone_out(sent: list[Reminder]) -> dict[tuple[UUID, date], set[DueReminder]]:
    """Per checkpoint (milestone and due date), the reminders delivered to someone: a
    reminder has gone out once it reached a recipient (one whose address keeps failing does
    not hold the others back)."""
    gone: dict[tuple[UUID, date], set[DueReminder]] = {}
    for r in sent:
        if r.delivered_at is not None:
            gone.setdefault((r.milestone_id, r.due_date), set()).add(DueReminder(r.kind, r.step))
    return gone


class ReminderService:
    def __init__(
        self,
        consortia: ConsortiumApplication,
        accounts: AccountsApplication,
        read: ReadSide,
        webhook_addresses: WebhookAddresses | None = None,
        secret: str = "",
    ) -> None:
        self.consortia = consortia
        self.accounts = accounts
        self.read = read
        # Where webhooks may point; the workers check every delivery against the same rules.
        self.webhook_addresses = webhook_addresses or WebhookAddresses()
        self._secret = secret or service_secret()
        # Warnings that a consortium's financing is at risk go out as reminders do.
        self.financing = FinancingWarnings(consortia, read, self._language)

    # -- the scan ---------------------------------------------------------------------------

    def scan(self, today: date | None = None) -> list[Due]:
        """Schedule every reminder due today that was not scheduled yet, and every warning of
        a consortium whose financing is at risk (judged today: ``events.financing_warnings``);
        also return those scheduled earlier whose delivery seems lost. Safe to run in several
        processes at once."""
        today = today or self.consortia.today()
        candidates = self.read.checkpoints(
            None, today=today, due_within_days=MAX_OFFSET, soon_days=DUE_SOON_DAYS
        )
        due: list[Due] = []
        for checkpoint in candidates:
            reminder = due_reminder(checkpoint.due_date, today, checkpoint.reminder_offsets)
            if reminder is None:
                continue
            recipients = self._recipients(checkpoint, reminder)
            keys = {
                reminder_key(
                    checkpoint.milestone_id, checkpoint.due_date, reminder.kind, reminder.step, r
                ): r
                for r in recipients
            }
            done = self.read.read(partial(queries.scheduled_keys, keys=list(keys)))
            for key, recipient in keys.items():
                if key not in done and self._schedule(checkpoint, reminder, recipient):
                    due.append(Due(checkpoint.consortium_id, key))
        due.extend(Due(c, k) for c, k in self.financing.scan(today))
        lost_before = (self.consortia.clock() - CLAIM_LEASE).isoformat()
        lost = self.read.read(lambda tx: queries.undelivered(tx, lost_before))
        lost += self.read.read(lambda tx: financing.undelivered_warnings(tx, lost_before))
        due.extend(Due(c, k) for c, k in lost if Due(c, k) not in due)
        return due

    def _recipients(self, checkpoint: CheckpointRow, reminder: DueReminder) -> list[str]:
        consortium_id = checkpoint.consortium_id

        def find(tx: Tx) -> list[str]:
            managers = queries.accounts_with_role(tx, consortium_id, "programme_manager")
            if reminder.kind == "escalation":
                funders = (
                    queries.accounts_with_role(tx, consortium_id, "funder")
                    if checkpoint.escalate_to_funders
                    else []
                )
                return managers + funders
            return queries.contact_addresses(tx, checkpoint.responsible_member_ids) + managers

        found = self.read.read(find)
        recipients = list(dict.fromkeys(a.casefold() for a in found if "@" in a))
        if checkpoint.webhook:
            recipients.append(WEBHOOK)
        return recipients

    def _language(self, recipient: str) -> str:
        if recipient == WEBHOOK:
            return "en"  # a machine reads it: field names in English
        account = self.accounts.find_account(recipient)
        return account.language.value if account is not None else "nl"

    def _schedule(self, checkpoint: CheckpointRow, reminder: DueReminder, recipient: str) -> bool:
        return self.consortia.schedule_reminder(
            checkpoint.consortium_id,
            milestone_id=checkpoint.milestone_id,
            due_date=checkpoint.due_date,
            kind=reminder.kind,
            step=reminder.step,
            recipient=recipient,
            language=self._language(recipient),
            caller=SYSTEM,
        )

    # -- deliveries -------------------------------------------------------------------------

    def claim(
        self, consortium_id: UUID, key: str, claim: str
    ) -> tuple[Consortium, Reminder] | None:
        """Claim a delivery; None when there is nothing to send (delivered already, or no
        longer applies: then it is cancelled)."""
        reminder = self.consortia.claim_reminder(consortium_id, key, claim, SYSTEM)
        if reminder is None:
            return None
        return self.consortia.consortium(consortium_id, SYSTEM), reminder

    def delivered(self, consortium_id: UUID, key: str, message_id: str) -> None:
        self.consortia.reminder_delivered(consortium_id, key, message_id, SYSTEM)

    def failed(self, consortium_id: UUID, key: str, error: str) -> None:
        try:
            self.consortia.reminder_failed(consortium_id, key, error, SYSTEM)
        except NotFound:
            log.exception("could not record the failure of reminder %s", key)

    # -- what users see ---------------------------------------------------------------------

    def overview(
        self, consortium_id: UUID, caller: Caller
    ) -> tuple[list[Reminder], ReminderPolicy, list[Planned]]:
        """The reminders sent (or tried, or cancelled), the policy, and what is planned: for
        each open checkpoint, when its next reminder that has not gone out yet goes out."""
        consortium = self.consortia.consortium(consortium_id, caller)
        sent = self.consortia.records(lambda tx: records.reminders(tx, consortium_id))
        today = self.consortia.today()
        policy = consortium.reminder_policy
        gone_out = _gone_out(sent)
        planned = [
            Planned(
                m.id,
                m.title,
                m.due_date,
                next_reminder_date(
                    m.due_date, today, policy.offsets, gone_out.get((m.id, m.due_date), set())
                ),
            )
            for m in consortium.milestones
            if m.is_open and not consortium.phase.is_finished
        ]
        return sent, policy, planned

    def set_webhook(self, consortium_id: UUID, url: str, *, caller: Caller) -> tuple[Webhook, str]:
        """Post this consortium's reminders to ``url`` too; answers the key that signs them
        (derived from the service's secret, never stored; a new one with every change).
        Only a public address is accepted (``events.webhook_addresses``)."""
        # Rights first: only those who may set a webhook make the service look a name up.
        may_manage(self.consortia.consortium(consortium_id, caller), caller.principal)
        checked = self.webhook_addresses.check(url)
        webhook = self.consortia.act_on(
            consortium_id, caller, may_manage, lambda c, cause: c.set_webhook(checked, cause=cause)
        )
        return webhook, self.signing_key(consortium_id, webhook.key_version)

    def signing_key(self, consortium_id: UUID, key_version: int) -> str:
        """The key this version of a consortium's webhook signs its calls with."""
        return webhook_signing_key(consortium_id, key_version, self._secret)

    def remove_webhook(self, consortium_id: UUID, *, caller: Caller) -> None:
        self.consortia.act_on(
            consortium_id, caller, may_manage, lambda c, cause: c.remove_webhook(cause=cause)
        )

    def change_policy(
        self, consortium_id: UUID, *, offsets: list[int], escalate_to_funders: bool, caller: Caller
    ) -> ReminderPolicy:
        return self.consortia.act_on(
            consortium_id,
            caller,
            may_manage,
            lambda c, cause: c.change_reminder_policy(
                offsets=offsets, escalate_to_funders=escalate_to_funders, cause=cause
            ),
        )
