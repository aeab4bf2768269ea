"""Use cases of consortia: found, admit, leave, change phase, grant roles. Reading and the
checked, retried change are in ``consortium_base``; money and milestones in their own modules.
Every use case checks the caller's rights against the consortium it acts on."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from consortium.access import Grant, Principal, Role
from consortium.aggregate import Consortium
from consortium.errors import NotAllowed
from consortium.members import Member, MemberRole, Sector
from consortium.phases import Phase
from consortium.provinces import Province
from events.caller import Caller
from events.consortium_base import Page, may_manage
from events.deliveries import DeliveryUseCases
from events.exports.use_cases import ExportUseCases
from events.financing import FinancingUseCases
from events.invitation_records import InvitationUseCases
from events.milestones import MilestoneUseCases
from events.outlook import OutlookUseCases
from events.records import RecordUseCases
from events.welcome_mail import WelcomeMailUseCases

__all__ = ["ConsortiumApplication", "Page", "may_manage"]


class ConsortiumApplication(
    MilestoneUseCases,
    FinancingUseCases,
    ExportUseCases,
    RecordUseCases,
    DeliveryUseCases,
    InvitationUseCases,
    WelcomeMailUseCases,
    OutlookUseCases,
):
    """Founding, members, phases and roles; the budget and milestone use cases are mixed in."""

    # The name picks the tables (consortia_events, consortia_snapshots) and the read model's
    # tracking: never change it. The library names a class without one after the class itself.
    name = "Consortia"

    # -- commands ---------------------------------------------------------------------------

    def found(
        self,
        *,
        name: str,
        challenge: str,
        description: str | None,
        caller: Caller,
        start_year: int | None = None,
    ) -> Consortium:
        """Found a consortium; the founder becomes its programme manager."""
        if not (caller.is_admin or caller.may_found):
            raise NotAllowed("Only programme managers may found a consortium.")
        cause = self.cause(caller)
        consortium = Consortium.found(
            name=name,
            challenge=challenge,
            description=description,
            start_year=start_year,
            cause=cause,
        )
        consortium.grant_role(
            account=caller.actor, role=Role.PROGRAMME_MANAGER, member_id=None, cause=cause
        )
        self.save(consortium)
        return consortium

    def admit_member(
        self,
        consortium_id: UUID,
        *,
        party: str,
        sector: Sector,
        role: MemberRole,
        contact_email: str | None,
        population: int | None,
        caller: Caller,
        joined_on: date | None = None,
        province: Province | None = None,
    ) -> Member:
        return self.act_on(
            consortium_id,
            caller,
            may_manage,
            lambda c, cause: c.admit_member(
                party=party,
                sector=sector,
                role=role,
                contact_email=contact_email,
                population=population,
                joined_on=joined_on,
                province=province,
                cause=cause,
            ),
        )

    def member_leaves(
        self,
        consortium_id: UUID,
        member_id: UUID,
        *,
        reason: str | None,
        caller: Caller,
        left_on: date | None = None,
    ) -> Member:
        return self.act_on(
            consortium_id,
            caller,
            may_manage,
            lambda c, cause: c.member_leaves(
                member_id, reason=reason, cause=cause, left_on=left_on
            ),
        )

    def move_to_phase(
        self,
        consortium_id: UUID,
        phase: Phase,
        *,
        reason: str | None,
        caller: Caller,
        override_gates: bool = False,
    ) -> Consortium:
        """Move on or stop; ``override_gates`` (administrators only) passes gates still open."""

        def may_move(consortium: Consortium, who: Principal) -> None:
            may_manage(consortium, who)
            if override_gates and not who.is_admin:
                raise NotAllowed("Only an administrator may move a consortium past an open gate.")

        self.act_on(
            consortium_id,
            caller,
            may_move,
            lambda c, cause: c.move_to_phase(
                phase, reason=reason, cause=cause, override_gates=override_gates
            ),
        )
        return self._consortium(consortium_id)

    def grant_role(
        self,
        consortium_id: UUID,
        *,
        account: str,
        role: Role,
        member_id: UUID | None,
        caller: Caller,
    ) -> Grant:
        return self.act_on(
            consortium_id,
            caller,
            may_manage,
            lambda c, cause: c.grant_role(
                account=account, role=role, member_id=member_id, cause=cause
            ),
        )

    def revoke_role(self, consortium_id: UUID, grant_id: UUID, *, caller: Caller) -> Grant:
        return self.act_on(
            consortium_id,
            caller,
            may_manage,
            lambda c, cause: c.revoke_role(grant_id, cause=cause),
        )
