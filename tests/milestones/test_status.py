"""The status of a checkpoint on a given day: planned, due_soon (within 14 days), overdue (after
its date), passed (go, with or without conditions) or stopped (domain rules, no I/O)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from consortium.aggregate import Consortium
from consortium.cause import Cause
from consortium.milestones import CheckpointStatus, Decision, Milestone
from events.milestones import DUE_SOON_DAYS
from tests.milestones.support import TODAY, yes_to_all

Act = Callable[[], Cause]
DUE = TODAY + timedelta(days=30)


@pytest.fixture
def milestone(consortium: Consortium, cause: Act) -> Milestone:
    return consortium.plan_milestone(title="Pilot", due_date=DUE, cause=cause())


def status_on_day(milestone: Milestone, days_before_due: int) -> CheckpointStatus:
    return milestone.status(DUE - timedelta(days=days_before_due), DUE_SOON_DAYS)


def test_due_soon_means_within_14_days() -> None:
    assert DUE_SOON_DAYS == 14


@pytest.mark.parametrize(
    ("days_before_due", "status"),
    [
        (30, CheckpointStatus.PLANNED),
        (15, CheckpointStatus.PLANNED),
        (14, CheckpointStatus.DUE_SOON),
        (1, CheckpointStatus.DUE_SOON),
        (0, CheckpointStatus.DUE_SOON),
        (-1, CheckpointStatus.OVERDUE),
        (-30, CheckpointStatus.OVERDUE),
    ],
)
def test_an_open_checkpoint_is_planned_then_due_soon_then_overdue(
    milestone: Milestone, days_before_due: int, status: CheckpointStatus
) -> None:
    assert status_on_day(milestone, days_before_due) is status


@pytest.mark.parametrize(
    ("decision", "conditions"),
    [(Decision.GO, None), (Decision.GO_WITH_CONDITIONS, "Privacytoets afronden")],
)
def test_a_checkpoint_is_passed_after_a_go_even_after_its_date(
    consortium: Consortium,
    milestone: Milestone,
    cause: Act,
    decision: Decision,
    conditions: str | None,
) -> None:
    passed, _ = consortium.evaluate_checkpoint(
        milestone.id,
        answers=yes_to_all(milestone),
        decision=decision,
        conditions=conditions,
        cause=cause(),
    )

    assert status_on_day(passed, -10) is CheckpointStatus.PASSED


def test_a_checkpoint_is_stopped_after_a_stop(
    consortium: Consortium, milestone: Milestone, cause: Act
) -> None:
    stopped, _ = consortium.evaluate_checkpoint(
        milestone.id, answers=yes_to_all(milestone), decision=Decision.STOP, cause=cause()
    )

    assert status_on_day(stopped, 30) is CheckpointStatus.STOPPED


def test_after_a_redo_the_status_follows_the_new_date(
    consortium: Consortium, milestone: Milestone, cause: Act
) -> None:
    redone, _ = consortium.evaluate_checkpoint(
        milestone.id,
        answers=yes_to_all(milestone),
        decision=Decision.REDO,
        new_due_date=DUE + timedelta(days=60),
        cause=cause(),
    )

    assert status_on_day(redone, 0) is CheckpointStatus.PLANNED
