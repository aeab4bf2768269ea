"""The Consortium aggregate: a joint initiative, its members and its phase.

Public methods are commands: they check the rules against the current state and only then
record an event. Each event's ``apply`` is the only code that changes state, and it runs again
on every replay, so it holds no rule and consults nothing outside the event.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from consortium.cause import Cause
from consortium.errors import (
    AlreadyMember,
    InvalidValue,
    LastLeadCannotLeave,
    MemberHasLeft,
    MemberNotFound,
)
from consortium.members import (
    Member,
    MemberRole,
    Sector,
    check_contact_email,
    check_party,
    check_population,
)
from consortium.phases import Phase, check_finished, check_phase_change

MAX_NAME: Final = 200
MAX_CHALLENGE: Final = 1000
MAX_DESCRIPTION: Final = 10_000
MAX_REASON: Final = 2000


def _text(value: str | None, field: str, limit: int, *, required: bool) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InvalidValue(f"The {field} may not be empty.", field=field)
    if len(text) > limit:
        raise InvalidValue(f"The {field} is longer than {limit} characters.", field=field)
    return text


class Consortium(Aggregate):
    """A samenwerkingsverband around one societal challenge."""

    class Event(Aggregate.Event):
        """Every consortium event says who caused it and in which request."""

        class_version = 1
        actor: str
        request_id: str

    class Founded(Aggregate.Created, Event):
        name: str
        challenge: str
        description: str

    class MemberAdmitted(Event):
        member_id: UUID
        party: str
        sector: Sector
        role: MemberRole
        contact_email: str | None
        population: int | None

        def apply(self, consortium: Consortium) -> None:
            consortium._members.append(
                Member(
                    id=self.member_id,
                    party=self.party,
                    sector=self.sector,
                    role=self.role,
                    contact_email=self.contact_email,
                    population=self.population,
                    joined_at=self.timestamp,
                )
            )

    class MemberLeft(Event):
        member_id: UUID
        reason: str | None

        def apply(self, consortium: Consortium) -> None:
            consortium._members = [
                m.leaving(self.timestamp, self.reason) if m.id == self.member_id else m
                for m in consortium._members
            ]

    class PhaseChanged(Event):
        from_phase: Phase
        to_phase: Phase
        reason: str | None

        def apply(self, consortium: Consortium) -> None:
            consortium._phase = self.to_phase
            consortium._phase_since = self.timestamp

    def __init__(self, name: str, challenge: str, description: str) -> None:
        self.name = name
        self.challenge = challenge
        self.description = description
        self._members: list[Member] = []
        self._phase = Phase.EXPLORATION
        self._phase_since: datetime = self.created_on

    # -- commands ---------------------------------------------------------------------------

    @classmethod
    def found(
        cls, *, name: str, challenge: str, description: str | None, cause: Cause
    ) -> Consortium:
        return cls._create(
            cls.Founded,
            id=uuid4(),
            name=_text(name, "name", MAX_NAME, required=True),
            challenge=_text(challenge, "challenge", MAX_CHALLENGE, required=True),
            description=_text(description, "description", MAX_DESCRIPTION, required=False),
            actor=cause.actor,
            request_id=cause.request_id,
            timestamp=cause.at,
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
        if any(m.is_active and m.party.casefold() == party.casefold() for m in self._members):
            raise AlreadyMember(f"{party} is already a member of this consortium.", party=party)
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
            reason=_text(reason, "reason", MAX_REASON, required=False) or None,
        )
        return self.member(member_id)

    def move_to_phase(self, target: Phase, *, reason: str | None, cause: Cause) -> None:
        check_phase_change(self._phase, target, reason)
        self._record(
            self.PhaseChanged,
            cause,
            from_phase=self._phase,
            to_phase=target,
            reason=_text(reason, "reason", MAX_REASON, required=False) or None,
        )

    # -- queries ----------------------------------------------------------------------------

    @property
    def phase(self) -> Phase:
        return self._phase

    @property
    def phase_since(self) -> datetime:
        return self._phase_since

    @property
    def members(self) -> tuple[Member, ...]:
        """Every membership ever, in the order they began; those who left included."""
        return tuple(self._members)

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

    # -- recording --------------------------------------------------------------------------

    def _record(self, event_class: type[Event], cause: Cause, **fields: Any) -> None:
        # An event is never dated before its predecessor, so versions and times agree
        # and "the state as of an instant" is well defined even if clocks differ a little.
        self.trigger_event(
            event_class,
            actor=cause.actor,
            request_id=cause.request_id,
            timestamp=max(cause.at, self.modified_on),
            **fields,
        )
