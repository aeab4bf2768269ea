"""The reminder policy: which reminder a checkpoint is due for on a given day.

Before the due date: a reminder at each offset (by default 14 and 3 days before, and on the
day). When a scan comes late (the service was down), only the most recent reminder is sent, so
nobody gets three at once. Once overdue: an escalation each week (days 1, 8, 15, ... overdue)
until the checkpoint is evaluated. Days are Dutch calendar days. The next reminder is the
first that has not gone out yet: today's, until it has.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import count
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


def next_reminder_date(
    due: date, today: date, offsets: tuple[int, ...], gone_out: Collection[DueReminder] = ()
) -> date:
    """When the next reminder that has not gone out yet goes out: today, when today's (as
    ``due_reminder`` names it) is not among ``gone_out``; else the first one after today."""
    for on, reminder in _reminders_from(due, today, offsets):
        if reminder not in gone_out:
            return on
    raise AssertionError("unreachable: escalations go on every week")  # pragma: no cover


def _reminders_from(
    due: date, today: date, offsets: tuple[int, ...]
) -> Iterator[tuple[date, DueReminder]]:
    """Today's reminder (if any), then every later one in order, escalations without end."""
    current = due_reminder(due, today, offsets)
    if current is not None:
        yield today, current
    days_left = (due - today).days
    for offset in sorted((o for o in offsets if o < days_left), reverse=True):
        yield due - timedelta(days=offset), DueReminder("reminder", offset)
    week = 0 if current is None or current.kind == "reminder" else current.step + 1
    for step in count(week):
        yield (
            due + timedelta(days=1 + step * ESCALATION_EVERY_DAYS),
            DueReminder("escalation", step),
        )
