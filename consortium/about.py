"""The two times of a fact: the day it is about, and the instant it was recorded.

Every money event, membership and evaluation carries the day it is about (a booking date, a
joining date, the day of a decision) besides the instant it was recorded. A consortium's past
can be entered later: a fact about an earlier day is back-dated, and says so in the history.
The day a fact is about lies between the consortium's first year and today.
"""

from __future__ import annotations

from datetime import date, datetime

from consortium.cause import Cause, about_day
from consortium.errors import InvalidValue


def check_about(
    on: date | None,
    cause: Cause,
    *,
    start_year: int,
    field: str,
    not_before: date | None = None,
) -> date:
    """The day a fact is about (today when not given), checked: not after today, not before
    the consortium's first year (nor ``not_before``, when the fact follows another)."""
    day = cause.today if on is None else on
    if day > cause.today:
        raise InvalidValue(f"The {field} cannot lie after today ({cause.today}).", field=field)
    if day.year < start_year:
        raise InvalidValue(
            f"The consortium's budget starts in {start_year}; {day} is before that.", field=field
        )
    if not_before is not None and day < not_before:
        raise InvalidValue(f"The {field} cannot lie before {not_before}.", field=field)
    return day


def is_backdated(about: date, recorded: datetime) -> bool:
    """Whether a fact about that day was recorded on a later day (in the Netherlands)."""
    return about < about_day(recorded)
