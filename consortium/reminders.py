"""Reminders of validation checkpoints: the consortium's policy and webhook, and each reminder's
delivery as an aggregate of its own.

Which reminders are due is decided by the policy (``consortium.reminder_policy``). A reminder
(one per checkpoint, due date, kind and recipient: its key) is a :class:`ReminderDelivery`
whose id is derived from the key, so two scans at once cannot both schedule it (the second
one's first event conflicts in the store), and two workers cannot both deliver it (the second
one's claim conflicts, is retried on the fresh state, and finds it claimed).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from consortium.cause import Cause
from consortium.errors import InvalidValue, RuleViolation
from consortium.milestones import Milestone
from consortium.phases import Phase, check_finished
from consortium.recording import ConsortiumEvent, RecordingAggregate

# A claim not followed by a delivery within this time is considered lost (its worker died).
CLAIM_LEASE: Final = timedelta(minutes=10)
DEFAULT_OFFSETS: Final = (14, 3, 0)
MAX_OFFSET: Final = 60


class AlreadyScheduled(RuleViolation):
    pass


class ClaimedElsewhere(RuleViolation):
    pass


@dataclass(frozen=True, slots=True)
class ReminderPolicy:
    """Days before the due date to remind (0: on the day), and whether funders hear of an
    overdue checkpoint too."""

    offsets: tuple[int, ...] = DEFAULT_OFFSETS
    escalate_to_funders: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "offsets", tuple(sorted(set(self.offsets), reverse=True)))


@dataclass(frozen=True, slots=True)
class Reminder:
    key: str
    milestone_id: UUID
    due_date: date
    kind: str  # "reminder" (before or on the day) or "escalation" (overdue)
    step: int  # days before the due date, or the week overdue
    recipient: str
    language: str
    scheduled_at: datetime
    claim: str | None = None
    claimed_at: datetime | None = None
    delivered_at: datetime | None = None
    message_id: str | None = None
    attempts: int = 0
    last_error: str | None = None
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None

    @property
    def is_settled(self) -> bool:
        """Delivered, or cancelled because it no longer applied: nothing left to do."""
        return self.delivered_at is not None or self.cancelled_at is not None


WEBHOOK: Final = "webhook"  # the recipient of a reminder sent to the consortium's webhook
# The kind of a warning that a consortium's financing is at risk: delivered as reminders are,
# once per FinancingAtRisk fact (its version is the warning's step) and recipient. A warning
# is about no checkpoint: its milestone_id is NO_CHECKPOINT.
FINANCING_WARNING: Final = "financing_at_risk"
NO_CHECKPOINT: Final = UUID(int=0)
MAX_URL: Final = 2000


@dataclass(frozen=True, slots=True)
class Webhook:
    """Where a consortium's reminders are also posted (signed; the key changes with the URL)."""

    url: str
    key_version: int


def check_webhook_url(url: str) -> str:
    """The shape of a webhook address: http(s), a host, no user name or password. Which hosts
    and schemes the service may really reach is decided where it can look names up
    (``events.webhook_addresses``)."""
    parts = urlsplit(url.strip()) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("https", "http") or not parts.hostname:
        raise InvalidValue(
            "A webhook is an https address, like https://example.org/hook.", field="url"
        )
    if len(url) > MAX_URL:
        raise InvalidValue(f"A webhook address has at most {MAX_URL} characters.", field="url")
    if "@" in parts.netloc:
        # Credentials in the address would be shown wherever the address is; the signature
        # already tells the receiver that a post is ours.
        raise InvalidValue("A webhook address may not hold a user name or password.", field="url")
    if any(c.isspace() or not c.isprintable() for c in url.strip()):
        raise InvalidValue("A webhook address has no spaces or control characters.", field="url")
    try:
        parts.port  # noqa: B018 - urlsplit checks the port only when asked for it
    except ValueError:
        raise InvalidValue(
            "The port of a webhook address is a number up to 65535.", field="url"
        ) from None
    return url.strip()


def reminder_key(milestone_id: UUID, due: date, kind: str, step: int, recipient: str) -> str:
    return f"{milestone_id}/{due.isoformat()}/{kind}/{step}/{recipient.casefold()}"


def financing_warning_key(consortium_id: UUID, at_risk_version: int, recipient: str) -> str:
    # The consortium is part of the key (a checkpoint's reminder has its milestone's id):
    # keys are unique across consortia.
    return f"financing/{consortium_id}/{at_risk_version}/{recipient.casefold()}"


def check_offsets(offsets: list[int]) -> tuple[int, ...]:
    if not offsets:
        raise InvalidValue(
            "Give at least one day to remind on (0 is the day itself).", field="offsets"
        )
    if any(not 0 <= o <= MAX_OFFSET for o in offsets):
        raise InvalidValue(f"Reminder days lie between 0 and {MAX_OFFSET}.", field="offsets")
    return tuple(offsets)


class Reminders:
    """Mixin of the Consortium aggregate: its reminder policy and webhook.

    Reminders themselves are :class:`ReminderDelivery` aggregates of their own. Releases before
    that kept them in the consortium's own stream; those events (``ReminderScheduled`` and the
    rest) stay readable in its history and the read model, and change nothing here."""

    _reminder_policy: ReminderPolicy
    # Defaults on the class, so a snapshot taken before webhooks existed still reads.
    _webhook: Webhook | None = None
    _webhook_version: int = 0  # only grows, also across removals: an old key never comes back
    _phase: Phase

    if TYPE_CHECKING:

        def _record(self, event_class: type[Any], cause: Cause, **fields: Any) -> Any: ...
        def milestone(self, milestone_id: UUID) -> Milestone: ...
        @property
        def financing_at_risk_since(self) -> int | None: ...

    class ReminderPolicyChanged(ConsortiumEvent):
        offsets: tuple[int, ...]
        escalate_to_funders: bool

        def apply(self, consortium: Reminders) -> None:
            consortium._reminder_policy = ReminderPolicy(
                tuple(self.offsets), self.escalate_to_funders
            )

    class WebhookSet(ConsortiumEvent):
        url: str
        key_version: int

        def apply(self, consortium: Reminders) -> None:
            consortium._webhook = Webhook(self.url, self.key_version)
            consortium._webhook_version = self.key_version

    class WebhookRemoved(ConsortiumEvent):
        def apply(self, consortium: Reminders) -> None:
            consortium._webhook = None

    # Reminder bookkeeping as releases before ReminderDelivery recorded it (see the class).

    class ReminderScheduled(ConsortiumEvent):
        key: str
        milestone_id: UUID
        due_date: date
        kind: str
        step: int
        recipient: str
        language: str

        def apply(self, consortium: Reminders) -> None:
            pass

    class ReminderClaimed(ConsortiumEvent):
        key: str
        claim: str

        def apply(self, consortium: Reminders) -> None:
            pass

    class ReminderDelivered(ConsortiumEvent):
        key: str
        message_id: str

        def apply(self, consortium: Reminders) -> None:
            pass

    class ReminderCancelled(ConsortiumEvent):
        key: str
        reason: str

        def apply(self, consortium: Reminders) -> None:
            pass

    class ReminderFailed(ConsortiumEvent):
        key: str
        error: str

        def apply(self, consortium: Reminders) -> None:
            pass

    # -- commands ---------------------------------------------------------------------------

    def change_reminder_policy(
        self, *, offsets: list[int], escalate_to_funders: bool, cause: Cause
    ) -> ReminderPolicy:
        self._record(
            self.ReminderPolicyChanged,
            cause,
            offsets=check_offsets(offsets),
            escalate_to_funders=escalate_to_funders,
        )
        return self._reminder_policy

    def set_webhook(self, url: str, *, cause: Cause) -> Webhook:
        """Post reminders to this address too; every change gives a new signing key."""
        check_finished(self._phase)
        version = self._webhook_version + 1
        self._record(self.WebhookSet, cause, url=check_webhook_url(url), key_version=version)
        return Webhook(check_webhook_url(url), version)

    def remove_webhook(self, *, cause: Cause) -> None:
        if self._webhook is None:
            raise RuleViolation("This consortium has no webhook.")
        self._record(self.WebhookRemoved, cause)

    # -- queries ------------------------------------------------------------------------------

    @property
    def webhook(self) -> Webhook | None:
        return self._webhook

    @property
    def reminder_policy(self) -> ReminderPolicy:
        return self._reminder_policy

    def why_obsolete(self, reminder: Reminder) -> str | None:
        """Why a reminder no longer applies (None: it still does)."""
        if self._phase.is_finished:
            return f"the consortium is {self._phase.value}"
        if reminder.recipient == WEBHOOK and self._webhook is None:
            return "the webhook was removed"
        if reminder.kind == FINANCING_WARNING:
            if self.financing_at_risk_since != reminder.step:
                return "the financing was secured again"
            return None
        milestone = self.milestone(reminder.milestone_id)
        if not milestone.is_open:
            return "the checkpoint was evaluated"
        if milestone.due_date != reminder.due_date:
            return f"the checkpoint was moved to {milestone.due_date.isoformat()}"
        return None


_DELIVERIES: Final = UUID("6f1c2a4e-8d3b-4f0a-9b7c-5e2d1a0c3b48")


class ReminderDelivery(RecordingAggregate):
    """One reminder to one recipient, in a stream of its own: scheduled once (its id is derived
    from the consortium and the reminder's key, so a second scheduling conflicts in the store),
    claimed by one worker at a time, then delivered, failed (and retried) or cancelled.

    Kept apart from the consortium, so the workers' bookkeeping never collides with users'
    writes nor fills the consortium's history with task ids and mail-server errors."""

    class Scheduled(Aggregate.Created, ConsortiumEvent):
        consortium_id: UUID
        key: str
        milestone_id: UUID
        due_date: date
        kind: str
        step: int
        recipient: str
        language: str

    def __init__(
        self,
        consortium_id: UUID,
        key: str,
        milestone_id: UUID,
        due_date: date,
        kind: str,
        step: int,
        recipient: str,
        language: str,
    ) -> None:
        self.consortium_id = consortium_id
        self.reminder = Reminder(
            key=key,
            milestone_id=milestone_id,
            due_date=due_date,
            kind=kind,
            step=step,
            recipient=recipient,
            language=language,
            scheduled_at=self.created_on,
        )

    @staticmethod
    def id_for(consortium_id: UUID, key: str) -> UUID:
        return uuid5(_DELIVERIES, f"{consortium_id}/{key}")

    @classmethod
    def warn(
        cls,
        consortium_id: UUID,
        *,
        at_risk_version: int,
        recipient: str,
        language: str,
        cause: Cause,
    ) -> ReminderDelivery:
        """A warning that the financing is at risk, about the FinancingAtRisk recorded at that
        version: one per fact and recipient (its id derives from the consortium, the fact's
        version and the recipient), however often a scan finds the consortium at risk."""
        key = financing_warning_key(consortium_id, at_risk_version, recipient)
        return cls._create(
            cls.Scheduled,
            id=cls.id_for(consortium_id, key),
            consortium_id=consortium_id,
            key=key,
            milestone_id=NO_CHECKPOINT,
            due_date=cause.today,
            kind=FINANCING_WARNING,
            step=at_risk_version,
            recipient=recipient.casefold(),
            language=language,
            actor=cause.actor,
            request_id=cause.request_id,
            timestamp=cause.at,
        )

    @classmethod
    def schedule(
        cls,
        consortium_id: UUID,
        *,
        milestone_id: UUID,
        due_date: date,
        kind: str,
        step: int,
        recipient: str,
        language: str,
        cause: Cause,
    ) -> ReminderDelivery:
        key = reminder_key(milestone_id, due_date, kind, step, recipient)
        return cls._create(
            cls.Scheduled,
            id=cls.id_for(consortium_id, key),
            consortium_id=consortium_id,
            key=key,
            milestone_id=milestone_id,
            due_date=due_date,
            kind=kind,
            step=step,
            recipient=recipient.casefold(),
            language=language,
            actor=cause.actor,
            request_id=cause.request_id,
            timestamp=cause.at,
        )

    class Claimed(ConsortiumEvent):
        claim: str

        def apply(self, delivery: ReminderDelivery) -> None:
            r = delivery.reminder
            delivery.reminder = replace(
                r, claim=self.claim, claimed_at=self.timestamp, attempts=r.attempts + 1
            )

    class Delivered(ConsortiumEvent):
        message_id: str

        def apply(self, delivery: ReminderDelivery) -> None:
            delivery.reminder = replace(
                delivery.reminder, delivered_at=self.timestamp, message_id=self.message_id
            )

    class Failed(ConsortiumEvent):
        error: str

        def apply(self, delivery: ReminderDelivery) -> None:
            delivery.reminder = replace(
                delivery.reminder, last_error=self.error, claim=None, claimed_at=None
            )

    class Cancelled(ConsortiumEvent):
        """Not sent, because it no longer applied (the checkpoint was evaluated or re-planned,
        the webhook removed, or the consortium stopped) before it could be delivered."""

        reason: str

        def apply(self, delivery: ReminderDelivery) -> None:
            delivery.reminder = replace(
                delivery.reminder, cancelled_at=self.timestamp, cancel_reason=self.reason
            )

    def claim(self, claim: str, *, obsolete: str | None, cause: Cause) -> bool:
        """One worker claims the delivery; another may take over once the lease ran out.
        False: nothing to send, because it was delivered already or no longer applies
        (``obsolete`` says why; that is recorded, so nobody tries again)."""
        reminder = self.reminder
        if reminder.is_settled:
            return False
        if obsolete is not None:
            self._record(self.Cancelled, cause, reason=obsolete)
            return False
        if (
            reminder.claim is not None
            and reminder.claim != claim
            and reminder.claimed_at is not None
            and cause.at - reminder.claimed_at < CLAIM_LEASE
        ):
            raise ClaimedElsewhere(f"Reminder {reminder.key} is being delivered by another worker.")
        self._record(self.Claimed, cause, claim=claim)
        return True

    def delivered(self, *, message_id: str, cause: Cause) -> None:
        if not self.reminder.is_settled:
            self._record(self.Delivered, cause, message_id=message_id)

    def failed(self, *, error: str, cause: Cause) -> None:
        if not self.reminder.is_settled:
            self._record(self.Failed, cause, error=error[:500])
