"""Moving a consortium through its phases, and that nothing changes a finished consortium."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from consortium.aggregate import Consortium
from consortium.errors import ConsortiumIsFinished, InvalidValue, PhaseChangeNotAllowed
from consortium.members import Member, MemberRole, Sector
from consortium.money import Money
from consortium.phases import Phase
from consortium.text import MAX_REASON
from tests.domain.support import (
    COURSE,
    FINISHED_PHASES,
    START,
    admit,
    advance_to,
    cause,
    last_event,
)


def test_a_consortium_moves_on_to_the_next_phase(consortium: Consortium) -> None:
    consortium.move_to_phase(Phase.PILOT, reason=None, cause=cause(5))
    assert consortium.phase is Phase.PILOT


def test_a_consortium_is_in_a_phase_since_the_move(consortium: Consortium) -> None:
    consortium.move_to_phase(Phase.PILOT, reason=None, cause=cause(5))
    assert consortium.phase_since == cause(5).at


def test_a_consortium_can_run_its_whole_course_to_closed(consortium: Consortium) -> None:
    for minutes, phase in enumerate(COURSE[1:], start=1):
        consortium.move_to_phase(phase, reason=None, cause=cause(minutes))
    assert consortium.phase is Phase.CLOSED


def test_a_consortium_cannot_skip_a_phase(consortium: Consortium) -> None:
    with pytest.raises(PhaseChangeNotAllowed):
        consortium.move_to_phase(Phase.SCALE_UP, reason=None, cause=cause(5))


def test_a_consortium_cannot_go_back_a_phase(consortium: Consortium) -> None:
    advance_to(consortium, Phase.SCALE_UP)
    with pytest.raises(PhaseChangeNotAllowed):
        consortium.move_to_phase(Phase.PILOT, reason=None, cause=cause(20))


def test_a_consortium_cannot_move_to_the_phase_it_is_in(consortium: Consortium) -> None:
    with pytest.raises(PhaseChangeNotAllowed):
        consortium.move_to_phase(Phase.EXPLORATION, reason=None, cause=cause(5))


def test_a_consortium_can_be_stopped_with_a_reason(consortium: Consortium) -> None:
    consortium.move_to_phase(Phase.STOPPED, reason="No-go", cause=cause(5))
    assert consortium.phase is Phase.STOPPED


def test_stopping_a_consortium_records_the_reason_trimmed(consortium: Consortium) -> None:
    consortium.move_to_phase(Phase.STOPPED, reason="  Geen draagvlak  ", cause=cause(5))
    assert last_event(consortium, Consortium.PhaseChanged).reason == "Geen draagvlak"


def test_a_consortium_cannot_be_stopped_without_a_reason(consortium: Consortium) -> None:
    with pytest.raises(InvalidValue) as refused:
        consortium.move_to_phase(Phase.STOPPED, reason=" ", cause=cause(5))
    assert refused.value.field == "reason"


def test_a_reason_that_is_too_long_is_refused(consortium: Consortium) -> None:
    with pytest.raises(InvalidValue) as refused:
        consortium.move_to_phase(Phase.STOPPED, reason="r" * (MAX_REASON + 1), cause=cause(5))
    assert refused.value.field == "reason"


def test_a_phase_change_records_where_the_consortium_came_from(consortium: Consortium) -> None:
    advance_to(consortium, Phase.PILOT)
    consortium.move_to_phase(Phase.SCALE_UP, reason=None, cause=cause(20))
    moved = last_event(consortium, Consortium.PhaseChanged)
    assert (moved.from_phase, moved.to_phase) == (Phase.PILOT, Phase.SCALE_UP)


# -- a finished consortium ----------------------------------------------------------------------


@pytest.fixture(params=FINISHED_PHASES, ids=lambda phase: phase.value)
def finished(request: pytest.FixtureRequest) -> tuple[Consortium, Member]:
    """A consortium, closed or stopped, with a lead and a partner admitted before it ended."""
    consortium = Consortium.found(
        name="Langer thuis", challenge="Ouderen wonen thuis", description=None, cause=cause()
    )
    admit(consortium, "Gemeente Utrecht", role=MemberRole.LEAD, sector=Sector.MUNICIPALITY)
    partner = admit(consortium, "Hogeschool Utrecht", sector=Sector.ACADEMIA)
    advance_to(consortium, request.param, minutes=10)
    return consortium, partner


Command = Callable[[Consortium, Member], object]

COMMANDS: dict[str, Command] = {
    "admit a member": lambda c, _: admit(c, "Zorgtech BV", minutes=60),
    "let a member leave": lambda c, m: c.member_leaves(m.id, reason=None, cause=cause(60)),
    "stop it": lambda c, _: c.move_to_phase(Phase.STOPPED, reason="Again", cause=cause(60)),
    "reopen it": lambda c, _: c.move_to_phase(Phase.EXPLORATION, reason="Again", cause=cause(60)),
    "pledge": lambda c, m: c.pledge(
        member_id=m.id, year=START.year, amount=Money(Decimal(500)), reason=None, cause=cause(60)
    ),
}


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_nothing_changes_a_finished_consortium(
    finished: tuple[Consortium, Member], command: Command
) -> None:
    consortium, partner = finished
    with pytest.raises(ConsortiumIsFinished):
        command(consortium, partner)


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_a_refused_command_on_a_finished_consortium_records_nothing(
    finished: tuple[Consortium, Member], command: Command
) -> None:
    consortium, partner = finished
    version = consortium.version
    with pytest.raises(ConsortiumIsFinished):
        command(consortium, partner)
    assert consortium.version == version
