"""Helpers of the domain tests: causes at fixed instants, and consortia built step by step.

Nothing here reads a clock or touches a store: every instant is spelled out, so a test says
exactly when each act happened.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Final, TypeVar

from consortium.aggregate import Consortium
from consortium.cause import Cause
from consortium.members import Member, MemberRole, Sector
from consortium.phases import Phase
from consortium.recording import ConsortiumEvent, RecordingAggregate

E = TypeVar("E")

# 09:00 UTC on 2 March 2026 is 10:00 on 2 March in Amsterdam.
START: Final = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PM: Final = "pm@utrecht.example"
REQUEST: Final = "req-1"

# The normal course of a consortium, in order.
COURSE: Final = (Phase.EXPLORATION, Phase.PILOT, Phase.SCALE_UP, Phase.ADOPTION, Phase.CLOSED)
OPEN_PHASES: Final = COURSE[:-1]
FINISHED_PHASES: Final = (Phase.CLOSED, Phase.STOPPED)


def cause(minutes: float = 0, *, actor: str = PM, request_id: str = REQUEST) -> Cause:
    """A cause ``minutes`` after the start instant (before it when negative)."""
    return Cause(actor=actor, request_id=request_id, at=START + timedelta(minutes=minutes))


def found(name: str = "Langer thuis in de wijk", *, minutes: float = 0) -> Consortium:
    return Consortium.found(
        name=name,
        challenge="Ouderen wonen langer zelfstandig thuis",
        description=None,
        cause=cause(minutes),
    )


def admit(
    consortium: Consortium,
    party: str,
    *,
    role: MemberRole = MemberRole.PARTNER,
    sector: Sector = Sector.MARKET,
    minutes: float = 1,
) -> Member:
    return consortium.admit_member(party=party, sector=sector, role=role, cause=cause(minutes))


def advance_to(consortium: Consortium, target: Phase, *, minutes: float = 10) -> None:
    """Walk the consortium along its normal course until ``target`` (stopped: with a reason)."""
    if target is Phase.STOPPED:
        consortium.move_to_phase(Phase.STOPPED, reason="No-go at the gate", cause=cause(minutes))
        return
    for phase in COURSE[COURSE.index(consortium.phase) + 1 : COURSE.index(target) + 1]:
        consortium.move_to_phase(phase, reason=None, cause=cause(minutes))


def recorded(aggregate: RecordingAggregate) -> list[ConsortiumEvent]:
    """The events the aggregate recorded and has not handed out yet, handing them out now."""
    events = aggregate.collect_events()
    assert all(isinstance(e, ConsortiumEvent) for e in events), "an event without its cause"
    return [e for e in events if isinstance(e, ConsortiumEvent)]


def last_event(consortium: Consortium, kind: type[E]) -> E:
    """The last event the consortium recorded and has not handed out yet, of the kind expected."""
    event = consortium.pending_events[-1]
    assert isinstance(event, kind), f"the last event is a {type(event).__name__}"
    return event
