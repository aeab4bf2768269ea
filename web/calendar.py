"""Checkpoints as an iCalendar feed (RFC 5545), built with the icalendar library.

One all-day VEVENT per open checkpoint. Its UID is the milestone's id, so when a checkpoint is
re-planned the calendar app updates the event instead of adding a second one; SEQUENCE counts the
re-plans, as RFC 5545 asks of a changed event. Its URL opens the milestone on the consortium's
page (as the reminder mail's link does): a person follows it from the calendar app and logs in,
where the API's address would answer 401 without a token.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from icalendar import Calendar, Event

from events.readmodel.queries import CheckpointRow

PRODID = "-//Consortium//Validatiemomenten//NL"


def checkpoint_calendar(
    checkpoints: Iterable[CheckpointRow], *, name: str, base_url: str, now: datetime
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Amsterdam")
    for checkpoint in checkpoints:
        event = Event()
        event.add("uid", f"{checkpoint.milestone_id}@consortium")
        event.add("dtstamp", now)
        event.add("dtstart", checkpoint.due_date)
        event.add("dtend", checkpoint.due_date + timedelta(days=1))
        event.add("sequence", checkpoint.replans)
        event.add("summary", f"Validatiemoment: {checkpoint.title} ({checkpoint.consortium_name})")
        event.add("description", "\n".join(f"- {q.text}" for q in checkpoint.questions))
        event.add("url", milestone_page(base_url, checkpoint))
        event.add("status", "CONFIRMED")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()  # type: ignore[no-any-return]


def milestone_page(base_url: str, checkpoint: CheckpointRow) -> str:
    """The milestone on its consortium's page (web/templates/pages/consortium.html)."""
    return f"{base_url}/consortia/{checkpoint.consortium_id}#milestone-{checkpoint.milestone_id}"
