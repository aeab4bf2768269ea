"""The reminder policy: which reminder a checkpoint is due for on a given day.

Before the due date: a reminder at each offset (by default 14 and 3 days before, and on the
day). When a scan comes late (the service was down), only the most recent reminder is sent, so
nobody gets three at once. Once overdue: an escalation each week (days 1, 8, 15, ... overdue)
until the checkpoint is evaluated. Days are Dutch calendar days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

ESCALATION_EVERY_DAYS: Final = 7


@dataclass(frozen=True, slots=True)
class DueReminder:
    kind: str  # "reminder" or "escalation"
    step: int  # the offset in days before the due date, or the overdue week (0 is the first)


def due_reminder(due: date, today: date, offsets: tuple[int, ...]) -> DueReminder | None:
    """The reminder a checkpoint due on ``due`` should have had by ``today``, if any."""
    days_left = (due - today).days
    if days_left < 0:
        return DueReminder("escalation", (-days_left - 1) // ESCALATION_EVERY_DAYS)
    passed = [o for o in offsets if days_left <= o]
    if not passed:
        return None
    return DueReminder("reminder", min(passed))


def next_reminder_date(due: date, today: date, offsets: tuple[int, ...]) -> date | None:
    """When the next reminder after today is due (for "what is planned next")."""
    days_left = (due - today).days
    if days_left < 0:
        weeks = (-days_left - 1) // ESCALATION_EVERY_DAYS + 1
        return date.fromordinal(due.toordinal() + 1 + weeks * ESCALATION_EVERY_DAYS)
    later = [o for o in offsets if o < days_left]
    if later:
        return date.fromordinal(due.toordinal() - max(later))
    return date.fromordinal(due.toordinal() + 1)  # the first escalation
