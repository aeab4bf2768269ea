"""The phases of a consortium and the only ways to move between them."""

from __future__ import annotations

import itertools

import pytest

from consortium.errors import (
    ConsortiumIsFinished,
    DomainError,
    InvalidValue,
    PhaseChangeNotAllowed,
)
from consortium.phases import Phase, check_phase_change, next_phase
from tests.domain.support import COURSE, FINISHED_PHASES, OPEN_PHASES

NEXT_STEPS = list(itertools.pairwise(COURSE))
SKIPS_AND_RETURNS = [
    (current, target)
    for current in OPEN_PHASES
    for target in COURSE
    if target is not current and (current, target) not in NEXT_STEPS
]
EVERY_MOVE_OUT_OF_A_FINISHED_PHASE = [
    (current, target) for current in FINISHED_PHASES for target in Phase
]


def test_the_normal_course_runs_from_exploration_to_closed() -> None:
    phases = [Phase.EXPLORATION]
    while (following := next_phase(phases[-1])) is not None:
        phases.append(following)
    assert tuple(phases) == COURSE


@pytest.mark.parametrize("phase", FINISHED_PHASES)
def test_a_finished_phase_has_no_next_phase(phase: Phase) -> None:
    assert next_phase(phase) is None


@pytest.mark.parametrize("phase", list(Phase))
def test_only_closed_and_stopped_are_finished(phase: Phase) -> None:
    assert phase.is_finished is (phase in FINISHED_PHASES)


def allowed_targets(current: Phase, reason: str | None) -> set[Phase]:
    """The phases ``check_phase_change`` lets a consortium in ``current`` move to."""
    allowed = set()
    for target in Phase:
        try:
            check_phase_change(current, target, reason)
        except DomainError:
            continue
        allowed.add(target)
    return allowed


@pytest.mark.parametrize(("current", "target"), NEXT_STEPS)
def test_with_a_reason_an_open_phase_moves_on_one_step_or_stops(
    current: Phase, target: Phase
) -> None:
    assert allowed_targets(current, reason="Gate passed") == {target, Phase.STOPPED}


@pytest.mark.parametrize(("current", "target"), NEXT_STEPS)
def test_without_a_reason_an_open_phase_only_moves_on_one_step(
    current: Phase, target: Phase
) -> None:
    assert allowed_targets(current, reason=None) == {target}


@pytest.mark.parametrize("current", FINISHED_PHASES)
def test_a_finished_phase_allows_no_move_at_all(current: Phase) -> None:
    assert allowed_targets(current, reason="Try again") == set()


@pytest.mark.parametrize(("current", "target"), SKIPS_AND_RETURNS)
def test_skipping_a_phase_or_going_back_is_refused(current: Phase, target: Phase) -> None:
    with pytest.raises(PhaseChangeNotAllowed, match="can only move on to"):
        check_phase_change(current, target, reason="because")


@pytest.mark.parametrize("current", OPEN_PHASES)
def test_moving_to_the_same_phase_is_refused(current: Phase) -> None:
    with pytest.raises(PhaseChangeNotAllowed, match="already in"):
        check_phase_change(current, current, reason=None)


@pytest.mark.parametrize(("current", "target"), EVERY_MOVE_OUT_OF_A_FINISHED_PHASE)
def test_nothing_moves_a_finished_consortium(current: Phase, target: Phase) -> None:
    with pytest.raises(ConsortiumIsFinished):
        check_phase_change(current, target, reason="Try again")


@pytest.mark.parametrize("reason", [None, "", "   ", "\n\t"])
def test_stopping_without_a_reason_is_refused(reason: str | None) -> None:
    with pytest.raises(InvalidValue, match="needs a reason"):
        check_phase_change(Phase.PILOT, Phase.STOPPED, reason=reason)


def test_a_missing_reason_to_stop_names_the_reason_field() -> None:
    with pytest.raises(InvalidValue) as refused:
        check_phase_change(Phase.PILOT, Phase.STOPPED, reason=None)
    assert refused.value.field == "reason"


def test_a_refused_move_names_the_moves_that_are_allowed() -> None:
    with pytest.raises(PhaseChangeNotAllowed) as refused:
        check_phase_change(Phase.EXPLORATION, Phase.ADOPTION, reason=None)
    assert refused.value.context["allowed"] == ["pilot", "stopped"]


def test_a_finished_consortium_says_which_phase_it_ended_in() -> None:
    with pytest.raises(ConsortiumIsFinished) as refused:
        check_phase_change(Phase.STOPPED, Phase.PILOT, reason=None)
    assert refused.value.context["phase"] == "stopped"
