"""Recording money spent from the pool, possibly against a milestone (programme managers)."""

from __future__ import annotations

from uuid import UUID

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from consortium.errors import InvalidValue, RuleViolation
from consortium.money import Money
from events.consortia import may_manage
from events.idempotency import AlreadyDone
from web.auth import current_caller, store
from web.i18n import language
from web.pages.blueprint import bp
from web.pages.dutch import amount_text
from web.pages.forms import ExpenditureForm, show_refusal
from web.pages.once import SENT_BEFORE, claim


@bp.route("/consortia/<uuid:consortium_id>/expenditures/new", methods=["GET", "POST"])
def record_expenditure(consortium_id: UUID) -> ResponseReturnValue:
    caller = current_caller()
    consortia = store().consortia
    consortium = consortia.consortium(consortium_id, caller)
    may_manage(consortium, caller.principal)  # others get 403 before seeing the form
    form = ExpenditureForm()
    form.milestone_id.choices = [
        SelectChoice("", _("None")),
        *(SelectChoice(str(m.id), m.title) for m in consortium.milestones),
    ]
    if form.validate_on_submit() and form.amount.data is not None and form.date.data is not None:
        try:
            spent = consortia.record_expenditure(
                consortium_id,
                amount=Money(form.amount.data),
                on=form.date.data,
                description=form.description.data,
                milestone_id=UUID(form.milestone_id.data) if form.milestone_id.data else None,
                caller=caller,
                claim=claim(form.once.data),
            )
        except AlreadyDone:
            flash(_(SENT_BEFORE), "info")
            return redirect(url_for("pages.consortium_page", consortium_id=consortium_id))
        except (InvalidValue, RuleViolation) as refusal:
            show_refusal(form, refusal)
        else:
            flash(
                _(
                    "Expenditure of %(amount)s recorded.",
                    amount=amount_text(spent.amount, language()),
                ),
                "ok",
            )
            return redirect(url_for("pages.consortium_page", consortium_id=consortium_id))
    status = 422 if form.is_submitted() else 200
    return render_template("pages/expenditure.html", consortium=consortium, form=form), status
