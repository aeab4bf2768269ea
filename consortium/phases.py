"""Phases of a consortium and the only ways to move between them.

exploration → pilot → scale-up → adoption → closed, one step at a time; any open phase can
be stopped (a no-go at a gate). A closed or stopped consortium is finished: nothing changes it.
"""

from __future__ import annotations

from enum import Enum
from typing import Final

from consortium.errors import ConsortiumIsFinished, InvalidValue, PhaseChangeNotAllowed


class Phase(Enum):
    EXPLORATION = "exploration"
    PILOT = "pilot"
    SCALE_UP = "scale_up"
    ADOPTION = "adoption"
    CLOSED = "closed"
    STOPPED = "stopped"

    @property
    def is_finished(self) -> bool:
        return self in (Phase.CLOSED, Phase.STOPPED)


_SEQUENCE: Final = (Phase.EXPLORATION, Phase.PILOT, Phase.SCALE_UP, Phase.ADOPTION, Phase.CLOSED)


def next_phase(phase: Phase) -> Phase | None:
    """The phase that follows ``phase`` in the normal course, or None once finished."""
    if phase.is_finished:
        return None
    return _SEQUENCE[_SEQUENCE.index(phase) + 1]


def check_finished(phase: Phase) -> None:
    if phase.is_finished:
        raise ConsortiumIsFinished(
            f"The consortium is {phase.value}; nothing can be changed any more.", phase=phase.value
        )


def check_phase_change(current: Phase, target: Phase, reason: str | None) -> None:
    check_finished(current)
    if target is current:
        raise PhaseChangeNotAllowed(f"The consortium is already in {current.value}.")
    if target is Phase.STOPPED:
        if not (reason and reason.strip()):
            raise InvalidValue("Stopping a consortium needs a reason.", field="reason")
        return
    expected = _SEQUENCE[_SEQUENCE.index(current) + 1]
    if target is not expected:
        raise PhaseChangeNotAllowed(
            f"A consortium in {current.value} can only move on to {expected.value}"
            f" (or be stopped), not to {target.value}.",
            current=current.value,
            allowed=[expected.value, Phase.STOPPED.value],
        )
