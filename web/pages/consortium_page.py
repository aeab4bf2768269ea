"""One consortium's page: members, phase and gates, milestones with their three questions, the
budget per year and per member, and the latest history; and the read-only budget page with an
as-of date (what a funder reads)."""

from __future__ import annotations

from datetime import date
from typing import Final
from uuid import UUID

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from consortium.access import Role
from consortium.aggregate import Consortium
from consortium.cause import about_day
from web.auth import current_caller, store
from web.i18n import language
from web.pages.blueprint import bp
from web.pages.books import axis_label, chart_of, end_of_day, year_rows
from web.pages.dutch import day_text, parse_day
from web.pages.history_text import event_line
from web.pages.horizon import horizon_of

HISTORY_SHOWN: Final = 15


@bp.route("/consortia/<uuid:consortium_id>")
def consortium_page(consortium_id: UUID) -> ResponseReturnValue:
    caller = current_caller()
    consortia = store().consortia
    consortium, members = consortia.with_members(consortium_id, caller)
    view = consortia.budget(consortium_id, caller)
    rows = year_rows(view)
    # The latest events: those after the version HISTORY_SHOWN before the current one.
    skipped = max(consortium.version - HISTORY_SHOWN, 0)
    history = consortia.history(consortium_id, caller, after_version=skipped, limit=HISTORY_SHOWN)
    roles = consortium.roles_of(caller.actor)
    may_manage = caller.is_admin or Role.PROGRAMME_MANAGER in roles
    represented = consortium.represented_members(caller.actor)
    may_log = may_manage or bool(represented)
    open_gates = [
        m for m in consortium.milestones if m.is_open and m.closes_phase is consortium.phase
    ]
    return render_template(
        "pages/consortium.html",
        consortium=consortium,
        members=members,
        view=view,
        rows=rows,
        chart=chart_of(rows),
        history=[event_line(e) for e in reversed(history.items)],
        more_history=skipped > 0,
        may_log=may_log,
        may_manage=may_manage,
        open_gates=open_gates,
        names={m.id: m.party for m in members},
    )


def _existed(consortium: Consortium, day: date, booked: bool) -> bool:
    """Booked books go back to the consortium's first year (its back-dated past); recorded
    books to the moment it was entered."""
    if booked:
        return day.year >= consortium.start_year
    return end_of_day(day) >= consortium.created_on


@bp.route("/consortia/<uuid:consortium_id>/budget")
def budget_page(consortium_id: UUID) -> ResponseReturnValue:
    caller = current_caller()
    consortia = store().consortia
    consortium = consortia.consortium(consortium_id, caller)
    typed = request.args.get("as_of", "").strip()
    # "recorded": what the books said by the end of that day (the API's as_of); "booked": what
    # was booked for the days up to it, as known now (the API's on), for back-dated books.
    booked = request.args.get("reading") == "booked"
    day = parse_day(typed) if typed else None
    error = None
    error_field = "as_of"
    if typed and day is None:
        error = _("Enter a date as day-month-year, such as 31-12-2026.")
    elif day is not None and day > consortia.today():
        error = _("Choose today or a day in the past.")
    elif day is not None and not _existed(consortium, day, booked):
        error = _("The consortium did not exist yet on that day.")
        if not booked and _existed(consortium, day, booked=True):
            # Entered later with its past back-dated (as the demo is): say where that past is.
            error = _(
                "The consortium was entered on %(day)s, its earlier years back-dated: choose "
                "“As booked for the days up to that day” to read them.",
                day=day_text(about_day(consortium.created_on), language()),
            )
            error_field = "reading-booked"
    read_on = day if day is not None and error is None else None
    as_of = end_of_day(read_on) if read_on is not None and not booked else None
    if read_on is not None and booked:
        view = consortia.budget_on(consortium_id, caller, read_on)
    else:
        # The financing's use case (as GET /financing): the budget with the horizon judged on
        # the day read (today, or the as-of day).
        view = consortia.financing(consortium_id, caller, as_of).budget
    rows = year_rows(view)
    judged_on = read_on or consortia.today()
    return render_template(
        "pages/budget.html",
        consortium=consortium,
        view=view,
        rows=rows,
        chart=chart_of(rows),
        horizon=horizon_of(view, judged_on.year, axis_label),
        as_of_day=read_on if not booked else None,
        booked_day=read_on if booked else None,
        booked=booked,
        typed=typed,
        error=error,
        error_field=error_field,
    ), (422 if error else 200)
