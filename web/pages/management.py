"""A programme manager's acts on a consortium: admitting a member and planning a milestone with
its checkpoint (the three questions unless others are given through the API)."""

from __future__ import annotations

from uuid import UUID

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from consortium.errors import InvalidValue, RuleViolation
from consortium.members import MemberRole, Sector
from consortium.money import Money
from consortium.phases import Phase
from consortium.provinces import Province
from events.consortia import may_manage
from web.auth import current_caller, store
from web.pages.blueprint import bp
from web.pages.forms import MemberForm, MilestoneForm, show_refusal


@bp.route("/consortia/<uuid:consortium_id>/members/new", methods=["GET", "POST"])
def admit_member(consortium_id: UUID) -> ResponseReturnValue:
    caller = current_caller()
    consortia = store().consortia
    consortium = consortia.consortium(consortium_id, caller)
    may_manage(consortium, caller.principal)
    form = MemberForm()
    if form.validate_on_submit():
        try:
            member = consortia.admit_member(
                consortium_id,
                party=form.party.data,
                sector=Sector(form.sector.data),
                role=MemberRole(form.role.data),
                contact_email=form.contact_email.data or None,
                population=form.population.data,
                joined_on=form.joined_on.data,
                province=Province(form.province.data) if form.province.data else None,
                caller=caller,
            )
        except (InvalidValue, RuleViolation) as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("%(party)s was admitted.", party=member.party), "ok")
            return redirect(url_for("pages.consortium_page", consortium_id=consortium_id))
    status = 422 if form.is_submitted() else 200
    return render_template("pages/member.html", consortium=consortium, form=form), status


@bp.route("/consortia/<uuid:consortium_id>/milestones/new", methods=["GET", "POST"])
def plan_milestone(consortium_id: UUID) -> ResponseReturnValue:
    caller = current_caller()
    consortia = store().consortia
    consortium = consortia.consortium(consortium_id, caller)
    may_manage(consortium, caller.principal)
    form = MilestoneForm()
    if form.validate_on_submit() and form.due_date.data is not None:
        try:
            milestone = consortia.plan_milestone(
                consortium_id,
                title=form.title.data,
                due_date=form.due_date.data,
                description=form.description.data or None,
                questions=None,
                tranche=Money(form.tranche.data) if form.tranche.data is not None else None,
                closes_phase=Phase(form.closes_phase.data) if form.closes_phase.data else None,
                responsible_member_ids=None,
                caller=caller,
            )
        except (InvalidValue, RuleViolation) as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("The milestone “%(title)s” was planned.", title=milestone.title), "ok")
            return redirect(url_for("pages.consortium_page", consortium_id=consortium_id))
    status = 422 if form.is_submitted() else 200
    return render_template("pages/milestone.html", consortium=consortium, form=form), status
