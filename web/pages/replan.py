"""Re-planning a milestone: its checkpoint moves to a new date, with the reason (programme
managers). The old date stays in the history; an evaluated milestone keeps its date."""

from __future__ import annotations

from uuid import UUID

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from consortium.errors import InvalidValue, RuleViolation
from events.consortia import may_manage
from web.auth import current_caller, store
from web.pages.blueprint import bp
from web.pages.fields import DayField
from web.pages.forms import show_refusal


class ReplanForm(FlaskForm):  # type: ignore[misc]
    due_date = DayField(
        _l("New date of the checkpoint"), validators=[InputRequired(_l("Enter the new date."))]
    )
    reason = StringField(
        _l("Reason"),
        validators=[InputRequired(_l("Say why the checkpoint moves.")), Length(max=2000)],
    )


@bp.route(
    "/consortia/<uuid:consortium_id>/milestones/<uuid:milestone_id>/replan",
    methods=["GET", "POST"],
)
def replan(consortium_id: UUID, milestone_id: UUID) -> ResponseReturnValue:
    caller = current_caller()
    consortia = store().consortia
    consortium = consortia.consortium(consortium_id, caller)
    milestone = consortium.milestone(milestone_id)
    may_manage(consortium, caller.principal)
    form = ReplanForm()
    if form.validate_on_submit() and form.due_date.data is not None:
        try:
            consortia.replan_milestone(
                consortium_id,
                milestone_id,
                due_date=form.due_date.data,
                reason=form.reason.data,
                caller=caller,
            )
        except (InvalidValue, RuleViolation) as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("The checkpoint of “%(title)s” was moved.", title=milestone.title), "ok")
            return redirect(url_for("pages.consortium_page", consortium_id=consortium_id))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "pages/replan.html", consortium=consortium, milestone=milestone, form=form
    ), status
