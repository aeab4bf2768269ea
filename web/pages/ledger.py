"""The contributions of a consortium, a page at a time, and reversing one booked by mistake
(it stays in the ledger, marked)."""

from __future__ import annotations

from typing import Final
from uuid import UUID

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from consortium.errors import InvalidValue, NotAllowed, NotFound, RuleViolation
from events.readmodel.records import ContributionFilter
from web.auth import current_caller, store
from web.pages.blueprint import bp
from web.pages.contribution import members_to_act_for
from web.pages.forms import ReversalForm, show_refusal

PAGE_SIZE: Final = 25


@bp.route("/consortia/<uuid:consortium_id>/contributions")
def contributions(consortium_id: UUID) -> ResponseReturnValue:
    caller = current_caller()
    consortia = store().consortia
    consortium, members = consortia.with_members(consortium_id, caller)
    start = request.args.get("start", "0")
    if not start.isdigit():
        raise NotFound("There is no such page.")
    page = consortia.contributions(
        consortium_id, caller, ContributionFilter(), start=int(start), limit=PAGE_SIZE
    )
    try:
        acts_for = {choice.value for choice in members_to_act_for(consortium)}
    except NotAllowed:  # a funder reads the list, and reverses nothing
        acts_for = set()
    return render_template(
        "pages/contributions.html",
        consortium=consortium,
        booked=page.items,
        names={m.id: m.party for m in members},
        acts_for=acts_for,
        next_start=page.next_cursor,
    )


@bp.route(
    "/consortia/<uuid:consortium_id>/contributions/<uuid:contribution_id>/reversal",
    methods=["GET", "POST"],
)
def reverse_contribution(consortium_id: UUID, contribution_id: UUID) -> ResponseReturnValue:
    caller = current_caller()
    consortia = store().consortia
    booked = consortia.contribution(consortium_id, contribution_id, caller)
    consortium = consortia.consortium(consortium_id, caller)
    # Only those who may reverse it see the form (403 for the others, as on sending it).
    consortium.check_can_act_for(caller.principal, booked.contribution.member_id)
    form = ReversalForm()
    if form.validate_on_submit():
        try:
            consortia.reverse_contribution(
                consortium_id, contribution_id, reason=form.reason.data, caller=caller
            )
        except (InvalidValue, RuleViolation) as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("The contribution was reversed."), "ok")
            return redirect(url_for("pages.contributions", consortium_id=consortium_id))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "pages/reversal.html", consortium=consortium, booked=booked, form=form
    ), status
