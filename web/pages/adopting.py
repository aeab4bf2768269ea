"""One solution of the public catalogue, with what it published and its adopters over time (a
chart and its table), and asking to adopt it: a logged-in officer of a municipality with no
role in the consortium sends the form; a request of theirs still pending is shown instead."""

from __future__ import annotations

from uuid import UUID

from flask import flash, g, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from consortium.adoption import RequestStatus
from consortium.errors import InvalidValue, RuleViolation
from consortium.provinces import Province
from web.auth import current_caller, store
from web.pages.adoption_chart import adopters_chart
from web.pages.blueprint import bp
from web.pages.catalogue import per_inhabitant
from web.pages.forms import AdoptForm, show_refusal


@bp.route("/catalogus/<uuid:consortium_id>")
def catalogue_entry(consortium_id: UUID) -> ResponseReturnValue:
    return entry_page(consortium_id)


def entry_page(
    consortium_id: UUID, form: AdoptForm | None = None, status: int = 200
) -> tuple[str, int]:
    """The solution's page, with what the visitor may do about adopting it."""
    consortia = store().consortia
    entry = consortia.catalogue_entry(consortium_id)
    own = None
    has_role = False
    if g.get("account") is not None:
        caller = current_caller()
        own = consortia.own_adoption_request(consortium_id, caller)
        has_role = consortia.holds_role_in(consortium_id, caller)
    may_ask = (
        g.get("account") is not None
        and not has_role
        and (own is None or own.status is RequestStatus.DECLINED)
    )
    return render_template(
        "pages/catalogue_entry.html",
        entry=entry,
        chart=adopters_chart(entry.years) if entry.years else None,
        per_inhabitant=per_inhabitant,
        own=own,
        has_role=has_role,
        form=(form or AdoptForm()) if may_ask else None,
    ), status


@bp.route("/catalogus/<uuid:consortium_id>/adopt", methods=["POST"])
def ask_to_adopt(consortium_id: UUID) -> ResponseReturnValue:
    form = AdoptForm()
    if form.validate_on_submit() and form.population.data is not None:
        try:
            store().consortia.ask_to_adopt(
                consortium_id,
                party=form.party.data,
                population=form.population.data,
                contact_email=form.contact_email.data,
                province=Province(form.province.data) if form.province.data else None,
                caller=current_caller(),
            )
        except (InvalidValue, RuleViolation) as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("Your request was sent to the programme manager."), "ok")
            return redirect(url_for("pages.catalogue_entry", consortium_id=consortium_id))
    return entry_page(consortium_id, form, 422)
