"""Who may do what in a consortium: roles granted per consortium, and the rules that use them.

Roles: a programme manager runs the consortium; a member representative is bound to one member
and logs that member's pledges and contributions; a funder reads everything and writes nothing.
An administrator may do everything (and every act is recorded with its actor).

What a caller may not see does not exist for it (NotFound, never a hint); what it may see but
not do is refused with the reason (NotAllowed).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from consortium.cause import Cause
from consortium.errors import (
    ConsortiumNotFound,
    InvalidValue,
    NotAllowed,
    NotFound,
    RuleViolation,
)
from consortium.members import Member
from consortium.phases import Phase, check_finished
from consortium.recording import ConsortiumEvent


class Role(Enum):
    PROGRAMME_MANAGER = "programme_manager"
    MEMBER_REPRESENTATIVE = "member_representative"
    FUNDER = "funder"


@dataclass(frozen=True, slots=True)
class Principal:
    """The one asking: an account (by email) and what it may do outside any consortium."""

    email: str
    is_admin: bool = False
    may_found: bool = False


@dataclass(frozen=True, slots=True)
class Grant:
    id: UUID
    account: str
    role: Role
    member_id: UUID | None
    granted_at: datetime
    granted_by: str
    revoked_at: datetime | None = None
    revoked_by: str | None = None

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Access:
    """Mixin of the Consortium aggregate: the roles granted in it, and the checks."""

    _grants: tuple[Grant, ...]
    _phase: Phase
    id: UUID

    if TYPE_CHECKING:

        def _record(self, event_class: type[Any], cause: Cause, **fields: Any) -> None: ...
        def active_member(self, member_id: UUID) -> Member: ...

    class RoleGranted(ConsortiumEvent):
        grant_id: UUID
        account: str
        role: Role
        member_id: UUID | None

        def apply(self, consortium: Access) -> None:
            grant = Grant(
                id=self.grant_id,
                account=self.account,
                role=self.role,
                member_id=self.member_id,
                granted_at=self.timestamp,
                granted_by=self.actor,
            )
            consortium._grants = (*consortium._grants, grant)

    class RoleRevoked(ConsortiumEvent):
        grant_id: UUID

        def apply(self, consortium: Access) -> None:
            consortium._grants = tuple(
                replace(g, revoked_at=self.timestamp, revoked_by=self.actor)
                if g.id == self.grant_id
                else g
                for g in consortium._grants
            )

    # -- commands -------------------------------------------------------------------------

    def grant_role(
        self, *, account: str, role: Role, member_id: UUID | None, cause: Cause
    ) -> Grant:
        check_finished(self._phase)
        account = account.strip().casefold()
        if role is Role.MEMBER_REPRESENTATIVE:
            if member_id is None:
                raise InvalidValue(
                    "A member representative is bound to one member: give member_id.",
                    field="member_id",
                )
            try:
                self.active_member(member_id)
            except (NotFound, RuleViolation) as error:
                raise InvalidValue(error.message, field="member_id") from None
        elif member_id is not None:
            raise InvalidValue(
                "Only a member representative is bound to a member.", field="member_id"
            )
        if any(
            g.is_active and g.account == account and g.role is role and g.member_id == member_id
            for g in self._grants
        ):
            raise RuleViolation(f"{account} has this role in this consortium already.")
        grant_id = uuid4()
        self._record(
            self.RoleGranted,
            cause,
            grant_id=grant_id,
            account=account,
            role=role,
            member_id=member_id,
        )
        return self.grant(grant_id)

    def revoke_role(self, grant_id: UUID, *, cause: Cause) -> Grant:
        grant = self.grant(grant_id)
        if not grant.is_active:
            raise RuleViolation("This role was revoked already.")
        self._record(self.RoleRevoked, cause, grant_id=grant_id)
        return self.grant(grant_id)

    # -- queries --------------------------------------------------------------------------

    @property
    def grants(self) -> tuple[Grant, ...]:
        return self._grants

    def grant(self, grant_id: UUID) -> Grant:
        for g in self._grants:
            if g.id == grant_id:
                return g
        raise NotFound(f"This consortium has no role grant {grant_id}.")

    def roles_of(self, email: str) -> set[Role]:
        return {g.role for g in self._active_grants(email)}

    def represented_members(self, email: str) -> set[UUID]:
        return {
            g.member_id
            for g in self._active_grants(email)
            if g.role is Role.MEMBER_REPRESENTATIVE and g.member_id is not None
        }

    def _active_grants(self, email: str) -> list[Grant]:
        email = email.casefold()
        return [g for g in self._grants if g.is_active and g.account == email]

    # -- checks ---------------------------------------------------------------------------

    def can_read(self, who: Principal) -> bool:
        return who.is_admin or bool(self._active_grants(who.email))

    def check_can_read(self, who: Principal) -> None:
        if not self.can_read(who):
            raise ConsortiumNotFound(self.id)

    def check_can_manage(self, who: Principal) -> None:
        """Run the consortium: members, phases, spending, milestones, roles."""
        self.check_can_read(who)
        if who.is_admin or Role.PROGRAMME_MANAGER in self.roles_of(who.email):
            return
        raise NotAllowed("Only a programme manager of this consortium may do this.")

    def check_can_act_for(self, who: Principal, member_id: UUID) -> None:
        """Pledge or log money for a member: its representative or a programme manager."""
        self.check_can_read(who)
        if who.is_admin or Role.PROGRAMME_MANAGER in self.roles_of(who.email):
            return
        if member_id in self.represented_members(who.email):
            return
        if self.represented_members(who.email):
            raise NotAllowed("You represent another member; you can only act for your own.")
        raise NotAllowed("Only a member's representative or a programme manager may do this.")
