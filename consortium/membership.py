"""Membership of a consortium: admitting parties, members leaving, finding members."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from consortium.cause import Cause
from consortium.errors import AlreadyMember, LastLeadCannotLeave, MemberHasLeft, MemberNotFound
from consortium.members import (
    Member,
    MemberRole,
    Sector,
    check_contact_email,
    check_party,
    check_population,
)
from consortium.phases import Phase, check_finished
from consortium.recording import ConsortiumEvent
from consortium.text import MAX_REASON, optional_text


class Membership:
    """Mixin of the Consortium aggregate: its members, current and past."""

    _members: tuple[Member, ...]
    _phase: Phase

    if TYPE_CHECKING:

        def _record(self, event_class: type[Any], cause: Cause, **fields: Any) -> None: ...

    class MemberAdmitted(ConsortiumEvent):
        member_id: UUID
        party: str
        sector: Sector
        role: MemberRole
        contact_email: str | None
        population: int | None

        def apply(self, consortium: Membership) -> None:
            member = Member(
                id=self.member_id,
                party=self.party,
                sector=self.sector,
                role=self.role,
                contact_email=self.contact_email,
                population=self.population,
                joined_at=self.timestamp,
            )
            consortium._members = (*consortium._members, member)

    class MemberLeft(ConsortiumEvent):
        member_id: UUID
        reason: str | None

        def apply(self, consortium: Membership) -> None:
            consortium._members = tuple(
                m.leaving(self.timestamp, self.reason) if m.id == self.member_id else m
                for m in consortium._members
            )

    def admit_member(
        self,
        *,
        party: str,
        sector: Sector,
        role: MemberRole,
        contact_email: str | None = None,
        population: int | None = None,
        cause: Cause,
    ) -> Member:
        check_finished(self._phase)
        party = check_party(party)
        for m in self._members:
            if m.is_active and m.party.casefold() == party.casefold():
                raise AlreadyMember(
                    f"{m.party} is already a member of this consortium.", member_id=m.id
                )
        member_id = uuid4()
        self._record(
            self.MemberAdmitted,
            cause,
            member_id=member_id,
            party=party,
            sector=sector,
            role=role,
            contact_email=check_contact_email(contact_email),
            population=check_population(sector, population),
        )
        return self.member(member_id)

    def member_leaves(self, member_id: UUID, *, reason: str | None, cause: Cause) -> Member:
        check_finished(self._phase)
        member = self.active_member(member_id)
        if member.role is MemberRole.LEAD and not any(
            m.is_active and m.role is MemberRole.LEAD and m.id != member_id for m in self._members
        ):
            raise LastLeadCannotLeave(
                f"{member.party} is the last lead (penvoerder); admit another lead first.",
                member_id=member_id,
            )
        self._record(
            self.MemberLeft,
            cause,
            member_id=member_id,
            reason=optional_text(reason, "reason", MAX_REASON),
        )
        return self.member(member_id)

    @property
    def members(self) -> tuple[Member, ...]:
        """Every membership ever, in the order they began; those who left included."""
        return self._members

    @property
    def active_members(self) -> tuple[Member, ...]:
        return tuple(m for m in self._members if m.is_active)

    def member(self, member_id: UUID) -> Member:
        for m in self._members:
            if m.id == member_id:
                return m
        raise MemberNotFound(member_id)

    def active_member(self, member_id: UUID) -> Member:
        """The member, provided it has not left: a member who left cannot act."""
        member = self.member(member_id)
        if not member.is_active:
            raise MemberHasLeft(
                f"{member.party} left this consortium and can no longer act in it.",
                member_id=member_id,
            )
        return member
