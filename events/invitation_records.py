"""Invitations in the consortia's store: granting the role and recording the invitation in one
transaction, using it once, and the bookkeeping of its mail. Each invitation is an aggregate of
its own (``consortium.invitations``); the role it grants is the consortium's event.

The use cases that span the accounts too (open the account, set its password) are in
``events.invitations``.
"""

from __future__ import annotations

from uuid import UUID

from consortium.access import Role
from consortium.aggregate import Consortium
from consortium.cause import Cause
from consortium.errors import NotFound
from consortium.invitations import MAIL_LEASE, Invitation
from events.caller import Caller
from events.consortium_base import ConsortiumBase, may_manage
from events.readmodel import invitations
from events.readmodel.invitations import ListedInvitation


class InvitationNotFound(NotFound):
    def __init__(self, _: object = None) -> None:
        # Never the address: it holds the secret.
        super().__init__("There is no invitation at this address.")


class InvitationUseCases(ConsortiumBase):
    """Invitations of :class:`~events.consortia.ConsortiumApplication`."""

    def record_invitation(
        self,
        consortium_id: UUID,
        *,
        invitation_id: UUID,
        digest: str,
        email: str,
        role: Role,
        member_id: UUID | None,
        caller: Caller,
    ) -> Invitation:
        """Grant the role and record the invitation to it, together (programme managers)."""

        def invite(consortium: Consortium, cause: Cause) -> Invitation:
            grant = consortium.grant_role(
                account=email, role=role, member_id=member_id, cause=cause
            )
            return Invitation.invite(
                invitation_id=invitation_id,
                consortium_id=consortium_id,
                digest=digest,
                email=email,
                role=role,
                member_id=member_id,
                grant_id=grant.id,
                cause=cause,
            )

        return self.act_on(consortium_id, caller, may_manage, invite, also_save=lambda i: [i])

    def invitation(self, invitation_id: UUID) -> Invitation:
        """An invitation, for the service itself (no rights are checked)."""
        return self._load(invitation_id, Invitation, InvitationNotFound)

    def find_invitation(self, invitation_id: UUID) -> Invitation | None:
        return self._find(invitation_id, Invitation)

    def role_in_force(self, invitation: Invitation) -> bool:
        """Whether the grant the invitation was made for is still in force."""
        consortium = self._consortium(invitation.consortium_id)
        return any(g.id == invitation.grant_id for g in consortium.grants)

    def accept_invitation(self, invitation_id: UUID, caller: Caller) -> Invitation:
        """Mark it used: once, before it expires, while its role is in force."""
        invitation, _ = self._update(
            invitation_id,
            Invitation,
            InvitationNotFound,
            caller,
            lambda i, cause: i.accept(role_in_force=self.role_in_force(i), cause=cause),
        )
        return invitation

    # -- its mail -----------------------------------------------------------------------------

    def invitation_mails_to_send(self) -> list[UUID]:
        now = self.clock()
        return self.records(lambda tx: invitations.mails_to_send(tx, now, now - MAIL_LEASE))

    def claim_invitation_mail(self, invitation_id: UUID, claim: str, caller: Caller) -> bool:
        """Claim the mail for one worker; False when there is nothing to send."""
        _, claimed = self._update(
            invitation_id,
            Invitation,
            InvitationNotFound,
            caller,
            lambda i, cause: i.claim_mail(claim, role_in_force=self.role_in_force(i), cause=cause),
        )
        return claimed

    def invitation_mail_sent(self, invitation_id: UUID, message_id: str, caller: Caller) -> None:
        self._update(
            invitation_id,
            Invitation,
            InvitationNotFound,
            caller,
            lambda i, cause: i.mail_delivered(message_id=message_id, cause=cause),
        )

    def invitation_mail_failed(self, invitation_id: UUID, error: str, caller: Caller) -> None:
        self._update(
            invitation_id,
            Invitation,
            InvitationNotFound,
            caller,
            lambda i, cause: i.mail_failed(error=error, cause=cause),
        )

    # -- what programme managers see ------------------------------------------------------------

    def invitations(self, consortium_id: UUID, caller: Caller) -> list[ListedInvitation]:
        """Every invitation to the consortium, newest first (its programme managers)."""
        may_manage(self.consortium(consortium_id, caller), caller.principal)
        return self.records(lambda tx: invitations.of_consortium(tx, consortium_id))

    def listed_invitation(
        self, consortium_id: UUID, invitation_id: UUID, caller: Caller
    ) -> ListedInvitation:
        may_manage(self.consortium(consortium_id, caller), caller.principal)
        found = self.records(lambda tx: invitations.one(tx, consortium_id, invitation_id))
        if found is None:
            raise NotFound(f"This consortium has no invitation {invitation_id}.")
        return found
