"""The Consortium aggregate: a joint initiative, its members, its phase and its budget.

Public methods are commands: they check the rules against the current state and only then
record an event. Each event's ``apply`` is the only code that changes state, and it runs again
on every replay, so it holds no rule and consults nothing outside the event. The concerns live
in mixins: ``Membership`` (members), ``Budget`` (money), ``Milestones`` (checkpoints),
``Reminders`` (who was reminded of what), ``Access`` (roles); this module holds founding and
phases.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from consortium.access import Access, Grant
from consortium.budget import Budget
from consortium.cause import Cause
from consortium.errors import GateStillOpen, InvalidValue
from consortium.financing import Financing
from consortium.ledger import Ledger
from consortium.members import Member
from consortium.membership import Membership
from consortium.milestones import Milestone, Milestones
from consortium.phases import Phase, check_phase_change, next_phase
from consortium.recording import ConsortiumEvent, RecordingAggregate
from consortium.reminders import ReminderPolicy, Reminders, Webhook
from consortium.text import (
    MAX_CHALLENGE,
    MAX_DESCRIPTION,
    MAX_NAME,
    MAX_REASON,
    optional_text,
    required_text,
)

__all__ = ["MAX_CHALLENGE", "MAX_DESCRIPTION", "MAX_NAME", "MAX_REASON", "Consortium"]

# A consortium's budget may start a few years before it is entered here (an existing
# collaboration moving its books in), but not in another era.
MAX_YEARS_BACK = 10


class Consortium(Membership, Budget, Financing, Milestones, Reminders, Access, RecordingAggregate):
    """A samenwerkingsverband around one societal challenge.

    Its state is bounded by its present (current members, grants in force, milestones, running
    money totals), never by its past: ledger entries, past memberships, revoked grants and the
    text of evaluations are its events, listed by the read model."""

    class Snapshot(RecordingAggregate.Snapshot):
        """A snapshot of the bounded shape. Snapshots of the earlier, unbounded shape were of
        ``RecordingAggregate.Snapshot``; ``consortium migrate`` removes them (they are a cache:
        the events hold everything)."""

    class Founded(Aggregate.Created, ConsortiumEvent):
        name: str
        challenge: str
        description: str
        start_year: int

    class GateOverridden(ConsortiumEvent):
        """An administrator moved the consortium past gates still open, with the reason
        (recorded before the phase change it allowed)."""

        milestone_ids: tuple[UUID, ...]
        reason: str

        def apply(self, consortium: Consortium) -> None:
            pass  # the phase change that follows is what changes the consortium

    class PhaseChanged(ConsortiumEvent):
        from_phase: Phase
        to_phase: Phase
        reason: str | None

        def apply(self, consortium: Consortium) -> None:
            consortium._phase = self.to_phase
            consortium._phase_since = self.timestamp

    def __init__(self, name: str, challenge: str, description: str, start_year: int) -> None:
        self.name = name
        self.challenge = challenge
        self.description = description
        self.start_year = start_year
        self._members: tuple[Member, ...] = ()
        self._ledger = Ledger()
        self._grants: tuple[Grant, ...] = ()
        self._milestones: tuple[Milestone, ...] = ()
        self._reminder_policy = ReminderPolicy()
        self._webhook: Webhook | None = None
        self._webhook_version = 0
        self._phase = Phase.EXPLORATION
        self._phase_since: datetime = self.created_on

    @classmethod
    def found(
        cls,
        *,
        name: str,
        challenge: str,
        description: str | None,
        start_year: int | None = None,
        cause: Cause,
    ) -> Consortium:
        this_year = cause.today.year
        start_year = this_year if start_year is None else start_year
        if not this_year - MAX_YEARS_BACK <= start_year <= this_year + 1:
            raise InvalidValue(
                f"The budget's first year must lie between {this_year - MAX_YEARS_BACK} "
                f"and {this_year + 1}.",
                field="start_year",
            )
        return cls._create(
            cls.Founded,
            id=uuid4(),
            name=required_text(name, "name", MAX_NAME),
            challenge=required_text(challenge, "challenge", MAX_CHALLENGE),
            description=optional_text(description, "description", MAX_DESCRIPTION) or "",
            start_year=start_year,
            actor=cause.actor,
            request_id=cause.request_id,
            timestamp=cause.at,
        )

    def move_to_phase(
        self,
        target: Phase,
        *,
        reason: str | None,
        cause: Cause,
        override_gates: bool = False,
    ) -> None:
        """Move on (or stop). A phase is not left while a milestone that closes it is still
        open, unless the gates are overridden (administrators only: the use case checks), which
        needs a reason and is recorded as a fact of its own. Stopping passes every gate."""
        check_phase_change(self._phase, target, reason)
        open_gates = tuple(
            m for m in self.milestones if m.is_open and m.closes_phase is self._phase
        )
        if open_gates and target is not Phase.STOPPED:
            if not override_gates:
                titles = ", ".join(repr(m.title) for m in open_gates)
                raise GateStillOpen(
                    f"The {self._phase.value} phase closes with the gate of {titles}, which is "
                    "still open: evaluate it first (or an administrator overrides, with a reason).",
                    milestone_ids=[m.id for m in open_gates],
                )
            self._record(
                self.GateOverridden,
                cause,
                milestone_ids=tuple(m.id for m in open_gates),
                reason=required_text(reason, "reason", MAX_REASON),
            )
        self._record(
            self.PhaseChanged,
            cause,
            from_phase=self._phase,
            to_phase=target,
            reason=optional_text(reason, "reason", MAX_REASON),
        )

    @property
    def phase(self) -> Phase:
        return self._phase

    @property
    def phase_since(self) -> datetime:
        return self._phase_since

    def _move_on(self, reason: str, cause: Cause) -> None:
        target = next_phase(self._phase)
        if target is not None:
            self.move_to_phase(target, reason=reason, cause=cause)

    def _stop(self, reason: str, cause: Cause) -> None:
        self.move_to_phase(Phase.STOPPED, reason=reason, cause=cause)
