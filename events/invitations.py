"""Use cases of inviting a colleague: invite by e-mail to a role, show and accept the invitation
(which sets the account's password), and what the workers need to send its mail.

The secret of an invitation is derived from the service's secret key and the invitation's
random id (as webhook keys are), so it is stored nowhere: the consortium's store keeps only its
digest, and a worker derives it again to write the mail. The workers send that mail; this
module never talks to a mail server.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Final
from uuid import UUID, uuid4

from consortium.access import Role
from consortium.accounts import Account, Language, normalise_email
from consortium.errors import RuleViolation
from consortium.invitations import Invitation, InvitationGone, InvitationStatus
from events.accounts import (
    AccountExists,
    AccountsApplication,
    check_password_length,
    digest_of,
)
from events.caller import Caller
from events.consortia import ConsortiumApplication
from events.invitation_records import InvitationNotFound
from events.readmodel import records
from events.secret_key import service_secret

INVITATION_PREFIX: Final = "inv_"
_TOKEN: Final = re.compile(r"inv_([0-9a-f]{32})[A-Za-z0-9_-]{43}")
SYSTEM: Final = Caller.system("system:invitations", "invitation-mail")


class RoleHeldAlready(RuleViolation):
    pass


class AccountDeactivated(RuleViolation):
    pass


def invitation_token(invitation_id: UUID, key: str) -> str:
    """The secret of an invitation: its id, and a MAC of it under the service's key."""
    mac = hmac.new(key.encode(), f"invitation:{invitation_id}".encode(), hashlib.sha256)
    signature = base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")
    return f"{INVITATION_PREFIX}{invitation_id.hex}{signature}"


@dataclass(frozen=True)
class InvitationView:
    """What the invited person sees of their invitation (with its secret, nothing more)."""

    email: str
    consortium_id: UUID
    consortium_name: str
    role: Role
    member_id: UUID | None
    party: str | None
    invited_by: str
    expires_at: datetime
    status: InvitationStatus


@dataclass(frozen=True)
class InvitationMail:
    """What the invitation's mail says; ``token`` is the secret, for the link only."""

    invitation_id: UUID
    view: InvitationView
    token: str
    language: Language


class InvitationService:
    def __init__(
        self,
        consortia: ConsortiumApplication,
        accounts: AccountsApplication,
        secret: Callable[[], str] = service_secret,
    ) -> None:
        self.consortia = consortia
        self.accounts = accounts
        self._secret = secret

    # -- programme managers -------------------------------------------------------------------

    def invite(
        self,
        consortium_id: UUID,
        *,
        email: str,
        role: Role,
        member_id: UUID | None,
        caller: Caller,
        name: str | None = None,
        language: Language | None = None,
    ) -> Invitation:
        """Invite someone by e-mail to a role: open their account if they have none, grant the
        role and record the invitation (its mail is the workers' part)."""
        email = normalise_email(email)
        consortium = self.consortia.consortium(consortium_id, caller)
        consortium.check_can_manage(caller.principal)
        if any(
            g.account == email and g.role is role and g.member_id == member_id
            for g in consortium.grants
        ):
            raise RoleHeldAlready(
                f"{email} has this role in this consortium already. To send a new invitation "
                "(say the first one expired), revoke the role and invite again.",
                email=email,
            )
        # The grant's rules on this copy first, so that nothing (no account) is made for an
        # invitation that would be refused; they are checked again on fresh state below.
        with self.consortia.explained(consortium_id):
            consortium.grant_role(
                account=email, role=role, member_id=member_id, cause=self.consortia.cause(caller)
            )
        self._account_for(email, name, language, caller)
        invitation_id = uuid4()
        return self.consortia.record_invitation(
            consortium_id,
            invitation_id=invitation_id,
            digest=digest_of(self._token(invitation_id)),
            email=email,
            role=role,
            member_id=member_id,
            caller=caller,
        )

    def _account_for(
        self, email: str, name: str | None, language: Language | None, caller: Caller
    ) -> Account:
        account = self.accounts.find_account(email)
        if account is not None and not account.is_active:
            raise AccountDeactivated(
                f"The account of {email} is deactivated; an administrator reactivates it first.",
                email=email,
            )
        if account is not None:
            return account
        try:
            return self.accounts.open_account(
                email=email, name=name, language=language or Language.NL, caller=caller
            )
        except AccountExists:  # opened at the same moment by another request
            return self.accounts.account(Account.id_for(email))

    # -- the invited person -------------------------------------------------------------------

    def find(self, token: str) -> Invitation:
        """The invitation whose secret this is; not found for anything else."""
        shape = _TOKEN.fullmatch(token)
        if shape is None:
            raise InvitationNotFound
        invitation = self.consortia.find_invitation(UUID(shape.group(1)))
        if invitation is None or not hmac.compare_digest(invitation.digest, digest_of(token)):
            raise InvitationNotFound
        return invitation

    def view(self, token: str) -> InvitationView:
        return self._view(self.find(token))

    def accept(self, token: str, password: str, *, request_id: str) -> Account:
        """Set the invited account's password with the invitation: once, within its days."""
        check_password_length(password)  # before the invitation is used up
        invitation = self.find(token)
        account = self.accounts.find_account(invitation.email)
        if account is None or not account.is_active:
            raise InvitationGone("This invitation can no longer be used: the account is closed.")
        # The invited person acts: they showed they read the mail sent to that address.
        caller = Caller(actor=invitation.email, request_id=request_id)
        self.consortia.accept_invitation(invitation.id, caller)
        self.accounts.set_password(account.id, password, caller=caller)
        return self.accounts.account(account.id)

    # -- the workers --------------------------------------------------------------------------

    def mails_to_send(self) -> list[UUID]:
        """Invitations whose mail is to be sent now (none being sent by a live worker)."""
        return self.consortia.invitation_mails_to_send()

    def claim_mail(self, invitation_id: UUID, claim: str) -> InvitationMail | None:
        """Claim the mail of an invitation for one worker, and what it says; None when there is
        nothing to send. Raises ``MailClaimedElsewhere`` while another worker is at it.

        What the mail says is read first (the member's name from the read model): a worker that
        finds the read model behind retries later without having written a claim, so its
        retries do not add events for the read model to catch up with."""
        invitation = self.consortia.invitation(invitation_id)
        view = self._view(invitation)
        if not self.consortia.claim_invitation_mail(invitation_id, claim, SYSTEM):
            return None
        account = self.accounts.find_account(invitation.email)
        return InvitationMail(
            invitation_id=invitation.id,
            view=view,
            token=self._token(invitation.id),
            language=account.language if account is not None else Language.NL,
        )

    def mail_sent(self, invitation_id: UUID, message_id: str) -> None:
        self.consortia.invitation_mail_sent(invitation_id, message_id, SYSTEM)

    def mail_failed(self, invitation_id: UUID, error: str) -> None:
        self.consortia.invitation_mail_failed(invitation_id, error, SYSTEM)

    # -- internals ----------------------------------------------------------------------------

    def _token(self, invitation_id: UUID) -> str:
        return invitation_token(invitation_id, self._secret())

    def _view(self, invitation: Invitation) -> InvitationView:
        consortium_id = invitation.consortium_id
        consortium = self.consortia.consortium(consortium_id, SYSTEM)
        member_id = invitation.member_id
        member = (
            None
            if member_id is None
            else self.consortia.records(lambda tx: records.membership(tx, consortium_id, member_id))
        )
        inviter = self.accounts.find_account(invitation.invited_by)
        in_force = any(g.id == invitation.grant_id for g in consortium.grants)
        return InvitationView(
            email=invitation.email,
            consortium_id=consortium_id,
            consortium_name=consortium.name,
            role=invitation.role,
            member_id=invitation.member_id,
            party=member.party if member is not None else None,
            invited_by=inviter.name if inviter is not None else invitation.invited_by,
            expires_at=invitation.expires_at,
            status=invitation.status_at(self.consortia.clock(), role_in_force=in_force),
        )
