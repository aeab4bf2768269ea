"""Cause: who did something, in which request, and when.

Every event records its cause, so that any figure can be traced to a person and a request.
The time comes from outside (the application's clock), never from the domain itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Final
from zoneinfo import ZoneInfo

# The users' calendar: days, years and due dates are Dutch days.
AMSTERDAM: Final = ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True, slots=True)
class Cause:
    actor: str
    request_id: str
    at: datetime

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("A cause needs a timezone-aware time.")
        object.__setattr__(self, "at", self.at.astimezone(UTC))
        if not self.actor or not self.actor.strip():
            raise ValueError("A cause needs an actor.")

    @property
    def today(self) -> date:
        """The date in the Netherlands at the moment of the act."""
        return self.at.astimezone(AMSTERDAM).date()


def about_day(instant: datetime) -> date:
    """The Dutch day of an instant: what a fact recorded then, without a date of its own, is
    about (facts recorded before they carried one)."""
    return instant.astimezone(AMSTERDAM).date()
