"""Setting a consortium's reminder policy (programme managers): the days before a checkpoint
on which its people are reminded, and whether funders hear of an overdue one."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import InputRequired

from consortium.errors import InvalidValue, RuleViolation
from events.consortia import may_manage
from web.auth import current_caller, store
from web.pages.blueprint import bp
from web.pages.forms import show_refusal

_DAYS = re.compile(r"\d{1,3}")
MAX_DAYS = 10  # as the API's ReminderPolicyIn


class DaysField(StringField):  # type: ignore[misc]
    """Whole numbers of days, as people type a list: "14, 3, 0" or "14 3 0"."""

    def _value(self) -> str:
        if isinstance(self.data, list):
            return ", ".join(str(day) for day in self.data)
        return str(self.raw_data[0]) if self.raw_data else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        parts = [p for p in re.split(r"[\s,;]+", str(valuelist[0]).strip()) if p]
        if not all(_DAYS.fullmatch(p) for p in parts):
            self.data = None
            raise ValueError(_l("Enter whole numbers of days, such as 14, 3, 0."))
        days = sorted({int(p) for p in parts}, reverse=True)
        if len(days) > MAX_DAYS:
            self.data = None
            raise ValueError(_l("Give at most 10 days."))
        self.data = days


class ReminderPolicyForm(FlaskForm):  # type: ignore[misc]
    offsets = DaysField(
        _l("Days before the checkpoint"),
        validators=[InputRequired(_l("Enter at least one day (0 is the day itself)."))],
    )
    escalate_to_funders = BooleanField(_l("Tell the funders too when a checkpoint is overdue"))


@bp.route("/consortia/<uuid:consortium_id>/reminder-policy", methods=["GET", "POST"])
def reminder_policy(consortium_id: UUID) -> ResponseReturnValue:
    caller = current_caller()
    consortium = store().consortia.consortium(consortium_id, caller)
    may_manage(consortium, caller.principal)
    policy = consortium.reminder_policy
    form = ReminderPolicyForm(
        data={"offsets": list(policy.offsets), "escalate_to_funders": policy.escalate_to_funders}
    )
    if form.validate_on_submit() and form.offsets.data is not None:
        try:
            store().reminders.change_policy(
                consortium_id,
                offsets=form.offsets.data,
                escalate_to_funders=form.escalate_to_funders.data,
                caller=caller,
            )
        except (InvalidValue, RuleViolation) as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("The reminder policy was changed."), "ok")
            return redirect(url_for("pages.consortium_page", consortium_id=consortium_id))
    status = 422 if form.is_submitted() else 200
    return render_template("pages/reminder_policy.html", consortium=consortium, form=form), status
