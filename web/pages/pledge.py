"""Pledging money for a year (or revising a pledge, with its reason), for a member one may act
for."""

from __future__ import annotations

from uuid import UUID

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from consortium.errors import InvalidValue, RuleViolation
from consortium.money import Money
from web.auth import current_caller, store
from web.i18n import language
from web.pages.blueprint import bp
from web.pages.contribution import members_to_act_for
from web.pages.dutch import amount_text
from web.pages.forms import PledgeForm, show_refusal


@bp.route("/consortia/<uuid:consortium_id>/commitments/new", methods=["GET", "POST"])
def pledge(consortium_id: UUID) -> ResponseReturnValue:
    caller = current_caller()
    consortia = store().consortia
    consortium = consortia.consortium(consortium_id, caller)
    choices = members_to_act_for(consortium)
    form = PledgeForm()
    form.member_id.choices = choices
    if not form.is_submitted():
        form.year.data = consortia.today().year
    if form.validate_on_submit() and form.amount.data is not None:
        try:
            pledged = consortia.pledge(
                consortium_id,
                member_id=UUID(form.member_id.data),
                year=form.year.data,
                amount=Money(form.amount.data),
                reason=form.reason.data or None,
                caller=caller,
            )
        except (InvalidValue, RuleViolation) as refusal:
            show_refusal(form, refusal)
        else:
            flash(
                _(
                    "Pledge of %(amount)s recorded for %(year)s.",
                    amount=amount_text(pledged.amount, language()),
                    year=pledged.year,
                ),
                "ok",
            )
            return redirect(url_for("pages.consortium_page", consortium_id=consortium_id))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "pages/pledge.html", consortium=consortium, form=form, no_members=not choices
    ), status
