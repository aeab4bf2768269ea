"""Logging a contribution: money received, or work given in kind valued as hours × rate (the
amount is computed) or as a whole. One may choose only the members one may act for."""

from __future__ import annotations

from uuid import UUID

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from consortium.access import Role
from consortium.aggregate import Consortium
from consortium.errors import InvalidValue, NotAllowed, RuleViolation
from consortium.ledger import ContributionKind
from consortium.money import Money
from events.idempotency import AlreadyDone
from web.auth import current_caller, store
from web.i18n import language
from web.pages.blueprint import bp
from web.pages.dutch import amount_text
from web.pages.forms import ContributionForm, show_refusal
from web.pages.once import SENT_BEFORE, claim


def members_to_act_for(consortium: Consortium) -> list[SelectChoice]:
    """The current members the caller may pledge or log money for (their own, or every one for
    a programme manager); refused (403) to those who may act for none, such as a funder."""
    caller = current_caller()
    members = store().consortia.memberships_of(consortium)
    current = [m for m in members if m.is_active]
    if not (caller.is_admin or Role.PROGRAMME_MANAGER in consortium.roles_of(caller.actor)):
        mine = consortium.represented_members(caller.actor)
        if not mine:
            raise NotAllowed("Only a member's representative or a programme manager may do this.")
        current = [m for m in current if m.id in mine]
    return [SelectChoice(str(m.id), m.party) for m in current]


@bp.route("/consortia/<uuid:consortium_id>/contributions/new", methods=["GET", "POST"])
def log_contribution(consortium_id: UUID) -> ResponseReturnValue:
    caller = current_caller()
    consortium = store().consortia.consortium(consortium_id, caller)
    choices = members_to_act_for(consortium)
    form = ContributionForm()
    form.member_id.choices = choices
    if len(choices) == 1 and not form.is_submitted():
        form.member_id.data = choices[0].value
    status = 200
    if form.validate_on_submit() and form.date.data is not None:
        try:
            logged = store().consortia.log_contribution(
                consortium_id,
                member_id=UUID(form.member_id.data),
                kind=ContributionKind(form.kind.data),
                amount=Money(form.amount.data) if form.amount.data is not None else None,
                on=form.date.data,
                year=None,
                reference=form.reference.data or None,
                hours=form.hours.data if form.kind.data == "in_kind" else None,
                rate=Money(form.rate.data)
                if form.kind.data == "in_kind" and form.rate.data is not None
                else None,
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
                    "Contribution of %(amount)s logged for %(year)s.",
                    amount=amount_text(logged.amount, language()),
                    year=logged.year,
                ),
                "ok",
            )
            return redirect(url_for("pages.consortium_page", consortium_id=consortium_id))
    if form.is_submitted():
        status = 422
    return render_template(
        "pages/contribution.html", consortium=consortium, form=form, no_members=not choices
    ), status
