"""Invitations: a programme manager asks a colleague, by e-mail, to take a role in a consortium.

The role itself is granted in the consortium when the invitation is made; the invitation is the
colleague's way in: a one-time link, sent by mail, with which they set the password of their
account. Its secret is never seen here, only its digest; the link works once, and for
:data:`VALIDITY` after the invitation was made (measured by the cause's time, never a clock of
its own).

Each invitation is a stream of its own, beside the consortium's: it also carries the
bookkeeping of its mail (claimed by one worker at a time, sent once), which never belongs in a
consortium's history.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import Enum
from typing import Final
from uuid import UUID

from eventsourcing.domain import Aggregate

from consortium.access import Role
from consortium.cause import Cause
from consortium.errors import RuleViolation
from consortium.recording import ConsortiumEvent, RecordingAggregate

VALIDITY: Final = timedelta(days=7)
# A mail claimed but not sent within this time is considered lost (its worker died).
MAIL_LEASE: Final = timedelta(minutes=10)
MAX_MAIL_ERROR: Final = 500


class InvitationStatus(Enum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"  # its role was revoked before it was used


def status_of(
    accepted_at: datetime | None, expires_at: datetime, now: datetime, *, role_in_force: bool
) -> InvitationStatus:
    if accepted_at is not None:
        return InvitationStatus.ACCEPTED
    if not role_in_force:
        return InvitationStatus.WITHDRAWN
    return InvitationStatus.EXPIRED if now >= expires_at else InvitationStatus.PENDING


class InvitationGone(RuleViolation):
    """The invitation was used already, or it expired: it can never be used again."""

    title = "Gone"


class MailClaimedElsewhere(RuleViolation):
    pass


class Invitation(RecordingAggregate):
    """One invitation of one person (by e-mail) to one role in one consortium."""

    class Invited(Aggregate.Created, ConsortiumEvent):
        consortium_id: UUID
        digest: str
        email: str
        role: Role
        member_id: UUID | None
        grant_id: UUID
        expires_at: datetime

    class Accepted(ConsortiumEvent):
        """The invited person set their password with it: it is used."""

        def apply(self, invitation: Invitation) -> None:
            invitation.accepted_at = self.timestamp

    class MailClaimed(ConsortiumEvent):
        claim: str

        def apply(self, invitation: Invitation) -> None:
            invitation.mail_claim = self.claim
            invitation.mail_claimed_at = self.timestamp
            invitation.mail_attempts += 1

    class MailSent(ConsortiumEvent):
        message_id: str

        def apply(self, invitation: Invitation) -> None:
            invitation.mail_sent_at = self.timestamp
            invitation.message_id = self.message_id
            invitation.mail_error = None

    class MailFailed(ConsortiumEvent):
        """Not sent this time. The claim stays: its worker tries again (a Celery retry keeps its
        claim), others wait for the lease to run out, which spaces out the tries."""

        error: str

        def apply(self, invitation: Invitation) -> None:
            invitation.mail_error = self.error

    def __init__(
        self,
        consortium_id: UUID,
        digest: str,
        email: str,
        role: Role,
        member_id: UUID | None,
        grant_id: UUID,
        expires_at: datetime,
        actor: str,
    ) -> None:
        self.consortium_id = consortium_id
        self.invited_by = actor
        self.digest = digest
        self.email = email
        self.role = role
        self.member_id = member_id
        self.grant_id = grant_id
        self.expires_at = expires_at
        self.accepted_at: datetime | None = None
        self.mail_claim: str | None = None
        self.mail_claimed_at: datetime | None = None
        self.mail_attempts = 0
        self.mail_sent_at: datetime | None = None
        self.message_id: str | None = None
        self.mail_error: str | None = None

    @classmethod
    def invite(
        cls,
        *,
        invitation_id: UUID,
        consortium_id: UUID,
        digest: str,
        email: str,
        role: Role,
        member_id: UUID | None,
        grant_id: UUID,
        cause: Cause,
    ) -> Invitation:
        """A new invitation, for the role granted by ``grant_id``. Its id is chosen by the
        caller (at random: the secret is derived from it), its secret known here by its digest."""
        return cls._create(
            cls.Invited,
            id=invitation_id,
            consortium_id=consortium_id,
            digest=digest,
            email=email.strip().casefold(),
            role=role,
            member_id=member_id,
            grant_id=grant_id,
            expires_at=cause.at + VALIDITY,
            actor=cause.actor,
            request_id=cause.request_id,
            timestamp=cause.at,
        )

    # -- queries ------------------------------------------------------------------------------

    @property
    def invited_at(self) -> datetime:
        return self.created_on

    def status_at(self, now: datetime, *, role_in_force: bool) -> InvitationStatus:
        """Whether it can be used at ``now``; ``role_in_force``: the grant it was made for is
        (the consortium, not the invitation, knows that)."""
        return status_of(self.accepted_at, self.expires_at, now, role_in_force=role_in_force)

    # -- commands -----------------------------------------------------------------------------

    def check_usable(self, now: datetime, *, role_in_force: bool) -> None:
        status = self.status_at(now, role_in_force=role_in_force)
        if status is InvitationStatus.ACCEPTED:
            raise InvitationGone("This invitation was used already: it works once.")
        if status is InvitationStatus.WITHDRAWN:
            raise InvitationGone("This invitation was withdrawn: its role was revoked.")
        if status is InvitationStatus.EXPIRED:
            raise InvitationGone(
                f"This invitation expired on {self.expires_at.date().isoformat()}: it is valid "
                f"for {VALIDITY.days} days. Ask the programme manager who invited you for a new "
                "one."
            )

    def accept(self, *, role_in_force: bool, cause: Cause) -> None:
        """The invited person sets their password with it: once, before it expires, and while
        its role is in force."""
        self.check_usable(cause.at, role_in_force=role_in_force)
        self._record(self.Accepted, cause)

    def claim_mail(self, claim: str, *, role_in_force: bool, cause: Cause) -> bool:
        """One worker claims the mail; another may take over once the lease ran out. False:
        nothing to send (sent already, or the invitation can no longer be used)."""
        if self.mail_sent_at is not None:
            return False
        if self.status_at(cause.at, role_in_force=role_in_force) is not InvitationStatus.PENDING:
            return False
        if (
            self.mail_claim is not None
            and self.mail_claim != claim
            and self.mail_claimed_at is not None
            and cause.at - self.mail_claimed_at < MAIL_LEASE
        ):
            raise MailClaimedElsewhere(f"The mail of invitation {self.id} is being sent elsewhere.")
        self._record(self.MailClaimed, cause, claim=claim)
        return True

    def mail_delivered(self, *, message_id: str, cause: Cause) -> None:
        if self.mail_sent_at is None:
            self._record(self.MailSent, cause, message_id=message_id)

    def mail_failed(self, *, error: str, cause: Cause) -> None:
        if self.mail_sent_at is None:
            self._record(self.MailFailed, cause, error=error[:MAX_MAIL_ERROR])
