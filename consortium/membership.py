"""Membership of a consortium: admitting parties, members leaving, finding members.

The aggregate keeps its current members only; a member who left is removed from its state
(its membership stays in the events, and in the read model's records of memberships)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from consortium.about import check_about
from consortium.cause import Cause, about_day
from consortium.errors import AlreadyMember, LastLeadCannotLeave, MemberNotCurrent
from consortium.ledger import Ledger
from consortium.members import (
    Member,
    MemberRole,
    Sector,
    check_contact_email,
    check_party,
    check_population,
)
from consortium.party_names import party_key
from consortium.phases import Phase, check_finished
from consortium.provinces import Province, check_province
from consortium.recording import ConsortiumEvent
from consortium.text import MAX_REASON, optional_text


class Membership:
    """Mixin of the Consortium aggregate: its current members."""

    _members: tuple[Member, ...]
    _ledger: Ledger
    _phase: Phase
    start_year: int

    if TYPE_CHECKING:

        def _record(self, event_class: type[Any], cause: Cause, **fields: Any) -> Any: ...

    class MemberAdmitted(ConsortiumEvent):
        member_id: UUID
        party: str
        sector: Sector
        role: MemberRole
        contact_email: str | None
        population: int | None
        # The day it joined; admissions recorded before they had one joined on the day they
        # were recorded (None).
        joined_on: date | None = None
        # Where a municipality lies; admissions recorded before provinces had none (None).
        province: Province | None = None

        def apply(self, consortium: Membership) -> None:
            consortium._members = (*consortium._members, member_of(self))

    class MemberLeft(ConsortiumEvent):
        member_id: UUID
        reason: str | None
        left_on: date | None = None

        def apply(self, consortium: Membership) -> None:
            consortium._members = tuple(m for m in consortium._members if m.id != self.member_id)
            consortium._ledger = consortium._ledger.retired(self.member_id)

    def admit_member(
        self,
        *,
        party: str,
        sector: Sector,
        role: MemberRole,
        contact_email: str | None = None,
        population: int | None = None,
        joined_on: date | None = None,
        province: Province | None = None,
        cause: Cause,
    ) -> Member:
        """Admit a party; ``joined_on``: the day it joined, today by default (an earlier day
        enters a membership of the consortium's past)."""
        check_finished(self._phase)
        party = check_party(party)
        day = check_about(joined_on, cause, start_year=self.start_year, field="joined_on")
        wanted = party_key(party)  # the same party however its case, accents and spaces
        for m in self._members:
            if party_key(m.party) == wanted:
                raise AlreadyMember(
                    f"{m.party} is already a member of this consortium.", member_id=m.id
                )
        member_id = uuid4()
        event = self._record(
            self.MemberAdmitted,
            cause,
            member_id=member_id,
            party=party,
            sector=sector,
            role=role,
            contact_email=check_contact_email(contact_email),
            population=check_population(sector, population),
            joined_on=day,
            province=check_province(sector is Sector.MUNICIPALITY, province),
        )
        return member_of(event)

    def member_leaves(
        self,
        member_id: UUID,
        *,
        reason: str | None,
        cause: Cause,
        left_on: date | None = None,
    ) -> Member:
        check_finished(self._phase)
        member = self.active_member(member_id)
        day = check_about(
            left_on,
            cause,
            start_year=self.start_year,
            field="left_on",
            not_before=member.joined_on,
        )
        if member.role is MemberRole.LEAD and not any(
            m.role is MemberRole.LEAD and m.id != member_id for m in self._members
        ):
            raise LastLeadCannotLeave(
                f"{member.party} is the last lead (penvoerder); admit another lead first.",
                member_id=member_id,
            )
        event = self._record(
            self.MemberLeft,
            cause,
            member_id=member_id,
            reason=optional_text(reason, "reason", MAX_REASON),
            left_on=day,
        )
        return member.leaving(event.timestamp, event.reason, day)

    @property
    def members(self) -> tuple[Member, ...]:
        """The current members, in the order they joined."""
        return self._members

    @property
    def active_members(self) -> tuple[Member, ...]:
        return self._members

    def member(self, member_id: UUID, field: str | None = None) -> Member:
        """A current member (one who left is no longer in the consortium's state)."""
        for m in self._members:
            if m.id == member_id:
                return m
        raise MemberNotCurrent(member_id, field)

    def active_member(self, member_id: UUID, field: str | None = None) -> Member:
        """The member, provided it is a current one: a member who left cannot act."""
        return self.member(member_id, field)


def member_of(event: Membership.MemberAdmitted) -> Member:
    return Member(
        id=event.member_id,
        party=event.party,
        sector=event.sector,
        role=event.role,
        contact_email=event.contact_email,
        population=event.population,
        joined_at=event.timestamp,
        joined_on=event.joined_on or about_day(event.timestamp),
        province=event.province,
    )
