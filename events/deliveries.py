"""Use cases of reminder deliveries: schedule a reminder (or a financing warning) once, claim
it for one worker, record that it was delivered or failed. Each delivery is an aggregate of its
own (see ``consortium.reminders.ReminderDelivery``): the workers' bookkeeping never writes into
a consortium's stream, and only reads the consortium to see whether a reminder still applies.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.persistence import IntegrityError

from consortium.cause import Cause
from consortium.errors import NotFound
from consortium.reminders import Reminder, ReminderDelivery, reminder_key
from events.caller import Caller
from events.consortium_base import ConsortiumBase
from events.readmodel import records


class ReminderNotFound(NotFound):
    def __init__(self, delivery_id: object) -> None:
        super().__init__(f"There is no reminder {delivery_id}.")


class DeliveryUseCases(ConsortiumBase):
    """Reminder deliveries of :class:`~events.consortia.ConsortiumApplication`."""

    def schedule_reminder(
        self,
        consortium_id: UUID,
        *,
        milestone_id: UUID,
        due_date: date,
        kind: str,
        step: int,
        recipient: str,
        language: str,
        caller: Caller,
    ) -> bool:
        """Schedule a reminder; False when it was scheduled already (by anyone, ever)."""
        delivery = ReminderDelivery.schedule(
            consortium_id,
            milestone_id=milestone_id,
            due_date=due_date,
            kind=kind,
            step=step,
            recipient=recipient,
            language=language,
            cause=self.cause(caller),
        )
        return self._schedule_once(delivery)

    def schedule_financing_warning(
        self,
        consortium_id: UUID,
        *,
        at_risk_version: int,
        recipient: str,
        language: str,
        caller: Caller,
    ) -> bool:
        """Schedule the warning of one FinancingAtRisk fact to one recipient; False when it
        was scheduled already (by anyone, ever)."""
        delivery = ReminderDelivery.warn(
            consortium_id,
            at_risk_version=at_risk_version,
            recipient=recipient,
            language=language,
            cause=self.cause(caller),
        )
        return self._schedule_once(delivery)

    def _schedule_once(self, delivery: ReminderDelivery) -> bool:
        if self._find(delivery.id, ReminderDelivery) is not None:
            return False
        try:
            self.save(delivery)
        except IntegrityError:  # scheduled at the same moment by another scan
            return False
        return True

    def claim_reminder(
        self, consortium_id: UUID, key: str, claim: str, caller: Caller
    ) -> Reminder | None:
        """Claim a delivery for one worker; None when there is nothing to send (delivered
        already, or it no longer applies: then it is cancelled, and says why)."""
        delivery_id = self._delivery(consortium_id, key, caller)

        def claimed(delivery: ReminderDelivery, cause: Cause) -> bool:
            consortium = self._consortium(consortium_id)
            obsolete = consortium.why_obsolete(delivery.reminder)
            return delivery.claim(claim, obsolete=obsolete, cause=cause)

        delivery, sending = self._update(
            delivery_id, ReminderDelivery, ReminderNotFound, caller, claimed
        )
        return delivery.reminder if sending else None

    def reminder_delivered(
        self, consortium_id: UUID, key: str, message_id: str, caller: Caller
    ) -> None:
        self._update(
            ReminderDelivery.id_for(consortium_id, key),
            ReminderDelivery,
            ReminderNotFound,
            caller,
            lambda d, cause: d.delivered(message_id=message_id, cause=cause),
        )

    def reminder_failed(self, consortium_id: UUID, key: str, error: str, caller: Caller) -> None:
        self._update(
            ReminderDelivery.id_for(consortium_id, key),
            ReminderDelivery,
            ReminderNotFound,
            caller,
            lambda d, cause: d.failed(error=error, cause=cause),
        )

    def reminder(self, consortium_id: UUID, key: str) -> Reminder:
        """A reminder as its delivery stands (for the service itself: no rights checked)."""
        delivery = self._find(ReminderDelivery.id_for(consortium_id, key), ReminderDelivery)
        if delivery is None:
            raise ReminderNotFound(key)
        return delivery.reminder

    def _delivery(self, consortium_id: UUID, key: str, caller: Caller) -> UUID:
        """The delivery of that reminder. A reminder scheduled by a release that kept reminders
        in the consortium's stream gets its delivery now, from what the records say of it."""
        delivery_id = ReminderDelivery.id_for(consortium_id, key)
        if self._find(delivery_id, ReminderDelivery) is not None:
            return delivery_id
        earlier = self.records(lambda tx: records.reminder(tx, consortium_id, key))
        if (
            earlier is None
            or reminder_key(
                earlier.milestone_id,
                earlier.due_date,
                earlier.kind,
                earlier.step,
                earlier.recipient,
            )
            != key
        ):
            raise ReminderNotFound(key)
        self.schedule_reminder(
            consortium_id,
            milestone_id=earlier.milestone_id,
            due_date=earlier.due_date,
            kind=earlier.kind,
            step=earlier.step,
            recipient=earlier.recipient,
            language=earlier.language,
            caller=caller,
        )
        return delivery_id
