"""The programme manager's side of adoption: the requests to adopt the consortium's solution,
each approved (after a confirmation) or declined with a reason."""

from __future__ import annotations

from uuid import UUID

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from consortium.adoption import RequestStatus
from consortium.errors import InvalidValue, RuleViolation
from events.consortia import may_manage
from web.auth import current_caller, store
from web.pages.blueprint import bp
from web.pages.forms import DeclineForm, show_refusal


class ApproveForm(FlaskForm):  # type: ignore[misc]
    """Only the confirmation (and its CSRF token)."""


@bp.route("/consortia/<uuid:consortium_id>/adoption-requests")
def adoption_requests(consortium_id: UUID) -> ResponseReturnValue:
    caller = current_caller()
    consortia = store().consortia
    consortium = consortia.consortium(consortium_id, caller)
    may_manage(consortium, caller.principal)
    requests = consortia.adoption_requests(consortium_id, caller)
    return render_template(
        "pages/adoption_requests.html",
        consortium=consortium,
        pending=[r for r in requests if r.status is RequestStatus.PENDING],
        decided=[r for r in requests if r.status is not RequestStatus.PENDING],
    )


@bp.route(
    "/consortia/<uuid:consortium_id>/adoption-requests/<uuid:request_id>/approve",
    methods=["GET", "POST"],
)
def approve_adoption(consortium_id: UUID, request_id: UUID) -> ResponseReturnValue:
    """Asks first (GET), approves on the confirmation (POST)."""
    caller = current_caller()
    consortia = store().consortia
    consortium = consortia.consortium(consortium_id, caller)
    may_manage(consortium, caller.principal)
    asked = consortia.adoption_request(consortium_id, request_id, caller)
    form = ApproveForm()
    if form.validate_on_submit():
        try:
            _request, member = consortia.approve_adoption(consortium_id, request_id, caller=caller)
        except (InvalidValue, RuleViolation) as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("%(party)s adopts the solution now.", party=member.party), "ok")
            return redirect(url_for("pages.adoption_requests", consortium_id=consortium_id))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "pages/approve_adoption.html", consortium=consortium, asked=asked, form=form
    ), status


@bp.route(
    "/consortia/<uuid:consortium_id>/adoption-requests/<uuid:request_id>/decline",
    methods=["GET", "POST"],
)
def decline_adoption(consortium_id: UUID, request_id: UUID) -> ResponseReturnValue:
    caller = current_caller()
    consortia = store().consortia
    consortium = consortia.consortium(consortium_id, caller)
    may_manage(consortium, caller.principal)
    asked = consortia.adoption_request(consortium_id, request_id, caller)
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            consortia.decline_adoption(
                consortium_id, request_id, reason=form.reason.data, caller=caller
            )
        except (InvalidValue, RuleViolation) as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("The request of %(party)s was declined.", party=asked.party), "ok")
            return redirect(url_for("pages.adoption_requests", consortium_id=consortium_id))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "pages/decline_adoption.html", consortium=consortium, asked=asked, form=form
    ), status
