"""One consortium's page: members, phase and gates, milestones with their three questions, the
budget per year and per member, and the latest history; and the read-only budget page with an
as-of date (what a funder reads)."""

from __future__ import annotations

from typing import Final
from uuid import UUID

from flask import render_template, url_for
from flask.typing import ResponseReturnValue

from consortium.access import Role
from consortium.adoption import RequestStatus
from web.auth import current_caller, store
from web.pages.blueprint import bp
from web.pages.books import axis_label, chart_of, year_rows
from web.pages.history_text import event_line
from web.pages.horizon import horizon_of
from web.pages.reading import reading_asked

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
    pending = None
    if may_manage:
        asked = consortia.adoption_requests(consortium_id, caller)
        pending = sum(r.status is RequestStatus.PENDING for r in asked)
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
        outlooks=consortia.outlooks(consortium_id, caller) if represented else [],
        pending_requests=pending,
    )


@bp.route("/consortia/<uuid:consortium_id>/budget")
def budget_page(consortium_id: UUID) -> ResponseReturnValue:
    caller = current_caller()
    consortia = store().consortia
    consortium = consortia.consortium(consortium_id, caller)
    reading = reading_asked(consortium, consortia.today())
    if reading.on is not None:
        view = consortia.budget_on(consortium_id, caller, reading.on)
    else:
        # The financing's use case (as GET /financing): the budget with the horizon judged on
        # the day read (today, or the as-of day).
        view = consortia.financing(consortium_id, caller, reading.as_of).budget
    rows = year_rows(view)
    judged_on = reading.day or consortia.today()

    def trace(figure: str, member_id: UUID | None = None, year: int | None = None) -> str:
        return url_for(
            "pages.trace_page",
            consortium_id=consortium_id,
            figure=figure,
            member_id=member_id,
            year=year,
            **reading.query,
        )

    return render_template(
        "pages/budget.html",
        consortium=consortium,
        view=view,
        rows=rows,
        chart=chart_of(rows),
        horizon=horizon_of(view, judged_on.year, axis_label),
        as_of_day=reading.day if not reading.booked else None,
        booked_day=reading.on,
        booked=reading.booked,
        typed=reading.typed,
        error=reading.error,
        error_field=reading.error_field,
        trace=trace,
        downloads=reading.query,
    ), (422 if reading.error else 200)
