"""Which books a funder's page reads: the day typed (Dutch, day-month-year) and the reading
chosen, as recorded by the end of that day (the API's ``as_of``) or as booked for the days up
to it (the API's ``on``); checked, and carried on to the links of the page (downloads, traces)
so that they show the same books."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from flask import request
from flask_babel import gettext as _

from consortium.aggregate import Consortium
from consortium.cause import about_day
from web.i18n import language
from web.pages.books import end_of_day
from web.pages.dutch import day_text, parse_day


@dataclass(frozen=True)
class Reading:
    typed: str
    booked: bool
    day: date | None  # the day read, if one was typed and it is valid
    error: str | None
    error_field: str = "as_of"  # the field the error summary links to

    @property
    def as_of(self) -> datetime | None:
        return end_of_day(self.day) if self.day is not None and not self.booked else None

    @property
    def on(self) -> date | None:
        return self.day if self.booked else None

    @property
    def query(self) -> dict[str, Any]:
        """The arguments of a link that reads the same books (today's, when the day typed was
        refused: the page shows those)."""
        if self.error is not None:
            return {}
        return {"as_of": self.typed or None, "reading": "booked" if self.booked else None}


def reading_typed(today: date) -> Reading:
    """The day and reading asked, checked on their own: a day-month-year, not after today
    (the portfolio's books: every consortium as it stood then, those that existed)."""
    typed = request.args.get("as_of", "").strip()
    booked = request.args.get("reading") == "booked"
    day = parse_day(typed) if typed else None
    error = None
    if typed and day is None:
        error = _("Enter a date as day-month-year, such as 31-12-2026.")
    elif day is not None and day > today:
        error = _("Choose today or a day in the past.")
    return Reading(typed, booked, day if error is None else None, error)


def reading_asked(consortium: Consortium, today: date) -> Reading:
    """The day and reading asked of one consortium's books: also a day it existed."""
    reading = reading_typed(today)
    day = reading.day
    if day is None or _existed(consortium, day, reading.booked):
        return reading
    error = _("The consortium did not exist yet on that day.")
    error_field = "as_of"
    if not reading.booked and _existed(consortium, day, booked=True):
        # Entered later with its past back-dated (as the demo is): say where that past is.
        error = _(
            "The consortium was entered on %(day)s, its earlier years back-dated: choose "
            "“As booked for the days up to that day” to read them.",
            day=day_text(about_day(consortium.created_on), language()),
        )
        error_field = "reading-booked"
    return replace(reading, day=None, error=error, error_field=error_field)


def _existed(consortium: Consortium, day: date, booked: bool) -> bool:
    """Booked books go back to the consortium's first year (its back-dated past); recorded
    books to the moment it was entered."""
    if booked:
        return day.year >= consortium.start_year
    return end_of_day(day) >= consortium.created_on
