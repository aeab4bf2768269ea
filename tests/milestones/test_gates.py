"""What a decision at a gate brings about: the tranche released, the phase moved on, the
consortium stopped, conditions kept open until cleared (domain rules, no I/O)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from consortium.aggregate import Consortium
from consortium.cause import Cause
from consortium.errors import GateStillOpen, InvalidValue
from consortium.milestones import Decision, Milestone
from consortium.money import Money
from consortium.phases import Phase
from tests.milestones.support import PM, TODAY, yes_to_all

Act = Callable[[], Cause]
DUE = TODAY + timedelta(days=30)
TRANCHE = Money(Decimal("40000.00"))
PASSING = [(Decision.GO, None), (Decision.GO_WITH_CONDITIONS, "Privacytoets afronden")]


def gate(consortium: Consortium, cause: Act, title: str = "Pilot", **fields: Any) -> Milestone:
    given: dict[str, Any] = {"title": title, "due_date": DUE, **fields}
    return consortium.plan_milestone(**given, cause=cause())


def decide(
    consortium: Consortium, milestone: Milestone, cause: Act, decision: Decision, **fields: Any
) -> Milestone:
    evaluated, _ = consortium.evaluate_checkpoint(
        milestone.id, answers=yes_to_all(milestone), decision=decision, **fields, cause=cause()
    )
    return evaluated


def recorded(consortium: Consortium) -> list[Any]:
    """The events recorded (pending) since the aggregate was created in this test."""
    return list(consortium.collect_events())


def events_after_deciding(
    consortium: Consortium, milestone: Milestone, cause: Act, decision: Decision, **fields: Any
) -> list[Any]:
    recorded(consortium)  # what happened before
    decide(consortium, milestone, cause, decision, **fields)
    return recorded(consortium)


# -- the tranche --------------------------------------------------------------------------------


@pytest.mark.parametrize(("decision", "conditions"), PASSING)
def test_a_passed_gate_releases_its_tranche(
    consortium: Consortium, cause: Act, decision: Decision, conditions: str | None
) -> None:
    milestone = gate(consortium, cause, tranche=TRANCHE)

    events = events_after_deciding(consortium, milestone, cause, decision, conditions=conditions)

    released = [e for e in events if isinstance(e, Consortium.TrancheReleased)]
    assert [(e.milestone_id, e.amount, e.evaluation_number, e.actor) for e in released] == [
        (milestone.id, TRANCHE, 1, PM)
    ]


def test_the_tranche_is_released_right_after_the_evaluation_that_passed_the_gate(
    consortium: Consortium, cause: Act
) -> None:
    milestone = gate(consortium, cause, tranche=TRANCHE, closes_phase=Phase.EXPLORATION)

    events = events_after_deciding(consortium, milestone, cause, Decision.GO)

    assert [type(e).__name__ for e in events] == [
        "CheckpointEvaluated",
        "TrancheReleased",
        "PhaseChanged",
    ]


@pytest.mark.parametrize(
    ("decision", "fields"),
    [(Decision.REDO, {"new_due_date": DUE + timedelta(days=30)}), (Decision.STOP, {})],
)
def test_a_gate_not_passed_releases_nothing(
    consortium: Consortium, cause: Act, decision: Decision, fields: dict[str, Any]
) -> None:
    milestone = gate(consortium, cause, tranche=TRANCHE)

    events = events_after_deciding(consortium, milestone, cause, decision, **fields)

    assert not [e for e in events if isinstance(e, Consortium.TrancheReleased)]


def test_a_gate_without_a_tranche_releases_nothing(consortium: Consortium, cause: Act) -> None:
    milestone = gate(consortium, cause)

    events = events_after_deciding(consortium, milestone, cause, Decision.GO)

    assert not [e for e in events if isinstance(e, Consortium.TrancheReleased)]


def test_a_gate_passed_after_a_redo_releases_the_tranche_once_with_the_second_evaluation(
    consortium: Consortium, cause: Act
) -> None:
    milestone = gate(consortium, cause, tranche=TRANCHE)
    decide(consortium, milestone, cause, Decision.REDO, new_due_date=DUE + timedelta(days=30))

    events = events_after_deciding(consortium, milestone, cause, Decision.GO)

    released = [e for e in events if isinstance(e, Consortium.TrancheReleased)]
    assert [e.evaluation_number for e in released] == [2]


# -- the phase ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("decision", "conditions"), PASSING)
def test_passing_the_gate_that_closes_the_current_phase_moves_the_consortium_on(
    consortium: Consortium, cause: Act, decision: Decision, conditions: str | None
) -> None:
    milestone = gate(consortium, cause, closes_phase=Phase.EXPLORATION)

    decide(consortium, milestone, cause, decision, conditions=conditions)

    assert consortium.phase is Phase.PILOT


def test_passing_a_gate_that_closes_another_phase_leaves_the_phase(
    consortium: Consortium, cause: Act
) -> None:
    milestone = gate(consortium, cause, closes_phase=Phase.PILOT)

    decide(consortium, milestone, cause, Decision.GO)

    assert consortium.phase is Phase.EXPLORATION


def test_passing_a_gate_that_closes_no_phase_leaves_the_phase(
    consortium: Consortium, cause: Act
) -> None:
    decide(consortium, gate(consortium, cause), cause, Decision.GO)

    assert consortium.phase is Phase.EXPLORATION


def test_a_redo_leaves_the_phase(consortium: Consortium, cause: Act) -> None:
    milestone = gate(consortium, cause, closes_phase=Phase.EXPLORATION)

    decide(consortium, milestone, cause, Decision.REDO, new_due_date=DUE + timedelta(days=30))

    assert consortium.phase is Phase.EXPLORATION


def test_passing_the_scale_up_gate_brings_the_consortium_to_adoption(
    consortium: Consortium, cause: Act
) -> None:
    consortium.move_to_phase(Phase.PILOT, reason=None, cause=cause())
    consortium.move_to_phase(Phase.SCALE_UP, reason=None, cause=cause())

    decide(consortium, gate(consortium, cause, closes_phase=Phase.SCALE_UP), cause, Decision.GO)

    assert consortium.phase is Phase.ADOPTION


def test_a_stop_stops_the_consortium(consortium: Consortium, cause: Act) -> None:
    decide(consortium, gate(consortium, cause), cause, Decision.STOP)

    assert consortium.phase is Phase.STOPPED


# -- conditions ---------------------------------------------------------------------------------


def test_conditions_stay_open_after_a_go_with_conditions(
    consortium: Consortium, cause: Act
) -> None:
    milestone = gate(consortium, cause)

    decided = decide(
        consortium, milestone, cause, Decision.GO_WITH_CONDITIONS, conditions="Privacytoets"
    )

    assert decided.open_conditions == "Privacytoets"


def test_a_later_evaluation_clears_the_conditions_of_an_earlier_milestone(
    consortium: Consortium, cause: Act
) -> None:
    first, second = gate(consortium, cause), gate(consortium, cause, title="Opschaling")
    decide(consortium, first, cause, Decision.GO_WITH_CONDITIONS, conditions="Privacytoets")

    decide(consortium, second, cause, Decision.GO, clears_conditions_of=[first.id])

    assert consortium.milestone(first.id).open_conditions is None


def test_cleared_conditions_are_no_longer_open_but_stay_known(
    consortium: Consortium, cause: Act
) -> None:
    first, second = gate(consortium, cause), gate(consortium, cause, title="Opschaling")
    decide(consortium, first, cause, Decision.GO_WITH_CONDITIONS, conditions="Privacytoets")

    decide(consortium, second, cause, Decision.GO, clears_conditions_of=[first.id])

    cleared = consortium.milestone(first.id)
    assert (cleared.conditions, cleared.open_conditions) == ("Privacytoets", None)


def test_only_open_conditions_can_be_cleared(consortium: Consortium, cause: Act) -> None:
    first, second = gate(consortium, cause), gate(consortium, cause, title="Opschaling")
    decide(consortium, first, cause, Decision.GO)

    with pytest.raises(InvalidValue) as refused:
        decide(consortium, second, cause, Decision.GO, clears_conditions_of=[first.id])

    assert refused.value.field == "clears_conditions_of"


def test_an_evaluation_that_clears_nothing_leaves_the_conditions_open(
    consortium: Consortium, cause: Act
) -> None:
    first, second = gate(consortium, cause), gate(consortium, cause, title="Opschaling")
    decide(consortium, first, cause, Decision.GO_WITH_CONDITIONS, conditions="Privacytoets")

    decide(consortium, second, cause, Decision.GO)

    assert consortium.milestone(first.id).open_conditions == "Privacytoets"


# -- gates hold ------------------------------------------------------------------------------------


def test_a_phase_is_not_left_while_a_milestone_closing_it_is_open(
    consortium: Consortium, cause: Act
) -> None:
    consortium.move_to_phase(Phase.PILOT, reason=None, cause=cause())
    pilot = gate(consortium, cause, closes_phase=Phase.PILOT)
    version = consortium.version

    with pytest.raises(GateStillOpen, match="Pilot") as refused:
        consortium.move_to_phase(Phase.SCALE_UP, reason=None, cause=cause())

    assert refused.value.context == {"milestone_ids": [pilot.id]}
    assert (consortium.phase, consortium.version) == (Phase.PILOT, version)


def test_a_consortium_may_stop_whatever_gates_are_open(consortium: Consortium, cause: Act) -> None:
    consortium.move_to_phase(Phase.PILOT, reason=None, cause=cause())
    gate(consortium, cause, closes_phase=Phase.PILOT)

    consortium.move_to_phase(Phase.STOPPED, reason="Geen draagvlak", cause=cause())

    assert consortium.phase is Phase.STOPPED


def test_an_override_of_an_open_gate_needs_a_reason_and_is_recorded_before_the_move(
    consortium: Consortium, cause: Act
) -> None:
    consortium.move_to_phase(Phase.PILOT, reason=None, cause=cause())
    pilot = gate(consortium, cause, closes_phase=Phase.PILOT)
    consortium.collect_events()

    with pytest.raises(InvalidValue) as without_reason:
        consortium.move_to_phase(Phase.SCALE_UP, reason=None, cause=cause(), override_gates=True)
    consortium.move_to_phase(
        Phase.SCALE_UP, reason="Besluit stuurgroep", cause=cause(), override_gates=True
    )

    overridden, moved = consortium.collect_events()
    assert without_reason.value.field == "reason"
    assert (type(overridden).__name__, type(moved).__name__) == ("GateOverridden", "PhaseChanged")
    assert getattr(overridden, "milestone_ids") == (pilot.id,)  # noqa: B009
    assert consortium.phase is Phase.SCALE_UP
