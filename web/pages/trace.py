"""A funder's audit page: each figure of the budget page expanded to the events that make it
up (who recorded each, in which request, when), for the same day and reading."""

from __future__ import annotations

from typing import Final
from uuid import UUID

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from consortium.errors import InvalidValue
from consortium.trace import Selection
from web.auth import current_caller, store
from web.pages.blueprint import bp
from web.pages.history_text import readable
from web.pages.reading import reading_asked
from web.schemas.fields import AMSTERDAM

# The figures' names as the budget page shows them.
FIGURE_NAMES: Final = {
    "committed": "Pledged",
    "committed_cash": "Pledged in cash",
    "committed_in_kind": "Pledged in kind",
    "received": "Received",
    "received_cash": "Received in cash",
    "received_in_kind": "Received in kind",
    "spent": "Spent",
    "available": "Available",
    "outstanding": "Outstanding in cash",
    "outstanding_in_kind": "Outstanding in kind",
    "needed": "Needed",
}


def _selection() -> Selection:
    figure = request.args.get("figure", "")
    member, year = request.args.get("member_id"), request.args.get("year")
    try:
        member_id = UUID(member) if member else None
    except ValueError:
        raise InvalidValue(_("There is no such member."), field="member_id") from None
    if year is not None and not (year.isdigit() and len(year) == 4):
        raise InvalidValue(_("There is no such year."), field="year")
    return Selection(figure, member_id, int(year) if year else None)


@bp.route("/consortia/<uuid:consortium_id>/budget/trace")
def trace_page(consortium_id: UUID) -> ResponseReturnValue:
    caller = current_caller()
    consortia = store().consortia
    consortium = consortia.consortium(consortium_id, caller)
    reading = reading_asked(consortium, consortia.today())
    if reading.error is not None:
        raise InvalidValue(reading.error, field="as_of")
    selection = _selection()
    traced = consortia.trace(consortium_id, caller, selection, as_of=reading.as_of, on=reading.on)
    lines = [
        {
            "at": line.occurred_at.astimezone(AMSTERDAM),
            "what": _(readable(line.event)),
            "party": traced.parties.get(line.member_id) if line.member_id else None,
            "line": line,
        }
        for line in traced.trace.lines
    ]
    return render_template(
        "pages/trace.html",
        consortium=consortium,
        figure=_(FIGURE_NAMES[selection.figure]),
        party=traced.parties.get(selection.member_id) if selection.member_id else None,
        year=selection.year,
        total=traced.trace.total,
        lines=lines,
        as_of_day=reading.day if not reading.booked else None,
        booked_day=reading.on,
        back=reading.query,
    )
