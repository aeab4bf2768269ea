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
    GrantNotInForce,
    InvalidValue,
    NotAllowed,
    RuleViolation,
)
from consortium.members import Member, folded_account
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

        def _record(self, event_class: type[Any], cause: Cause, **fields: Any) -> Any: ...
        def active_member(self, member_id: UUID, field: str | None = None) -> Member: ...

    class RoleGranted(ConsortiumEvent):
        grant_id: UUID
        account: str
        role: Role
        member_id: UUID | None

        def apply(self, consortium: Access) -> None:
            consortium._grants = (*consortium._grants, grant_of(self))

    class RoleRevoked(ConsortiumEvent):
        grant_id: UUID

        def apply(self, consortium: Access) -> None:
            consortium._grants = tuple(g for g in consortium._grants if g.id != self.grant_id)

    # -- commands -------------------------------------------------------------------------

    def grant_role(
        self, *, account: str, role: Role, member_id: UUID | None, cause: Cause
    ) -> Grant:
        check_finished(self._phase)
        account = folded_account(account, "account")
        if role is Role.MEMBER_REPRESENTATIVE:
            if member_id is None:
                raise InvalidValue(
                    "A member representative is bound to one member: give member_id.",
                    field="member_id",
                )
            self.active_member(member_id, field="member_id")
        elif member_id is not None:
            raise InvalidValue(
                "Only a member representative is bound to a member.", field="member_id"
            )
        if any(
            g.account == account and g.role is role and g.member_id == member_id
            for g in self._grants
        ):
            raise RuleViolation(f"{account} has this role in this consortium already.")
        event = self._record(
            self.RoleGranted,
            cause,
            grant_id=uuid4(),
            account=account,
            role=role,
            member_id=member_id,
        )
        return grant_of(event)

    def revoke_role(self, grant_id: UUID, *, cause: Cause) -> Grant:
        grant = self.grant(grant_id)
        event = self._record(self.RoleRevoked, cause, grant_id=grant_id)
        return replace(grant, revoked_at=event.timestamp, revoked_by=event.actor)

    # -- queries --------------------------------------------------------------------------

    @property
    def grants(self) -> tuple[Grant, ...]:
        """The grants in force (a revoked one is no longer in the consortium's state)."""
        return self._grants

    def grant(self, grant_id: UUID) -> Grant:
        """A grant in force; the use case says whether an unknown one was revoked."""
        for g in self._grants:
            if g.id == grant_id:
                return g
        raise GrantNotInForce(grant_id)

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
        return [g for g in self._grants if g.account == email]

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


def grant_of(event: Access.RoleGranted) -> Grant:
    return Grant(
        id=event.grant_id,
        account=event.account,
        role=event.role,
        member_id=event.member_id,
        granted_at=event.timestamp,
        granted_by=event.actor,
    )
