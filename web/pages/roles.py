"""Granting a role in a consortium to an account (administrators and its programme managers):
programme manager, funder, or representative of one current member. The grants in force are
listed beside the form, each with a link to revoke it (after a confirmation)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from consortium.access import Role
from consortium.errors import InvalidValue, NotFound, RuleViolation
from events.consortia import may_manage
from web.auth import current_caller, store
from web.pages.blueprint import bp
from web.pages.forms import show_refusal
from web.pages.words import LABELS


class GrantForm(FlaskForm):  # type: ignore[misc]
    account = StringField(
        _l("E-mail address of the account"),
        validators=[InputRequired(_l("Enter the account's e-mail address.")), Length(max=320)],
    )
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(r.value, _l(LABELS[r.value])) for r in Role],
        validators=[InputRequired(_l("Choose the role."))],
    )
    member_id = SelectField(_l("For member"), validators=[Optional()])

    def validate(self, extra_validators: Any = None) -> bool:
        """The fields, and whether the role needs a member: checked together so that one
        sending shows every mistake, in words (the domain checks the same again)."""
        valid: bool = super().validate(extra_validators)
        representative = self.role.data == Role.MEMBER_REPRESENTATIVE.value
        if representative and not self.member_id.data:
            self.member_id.errors = [
                *self.member_id.errors,
                _("Choose the member this representative acts for."),
            ]
            return False
        if not representative and self.member_id.data:
            self.member_id.errors = [
                *self.member_id.errors,
                _("Only a member representative acts for a member: choose no member."),
            ]
            return False
        return valid


@bp.route("/consortia/<uuid:consortium_id>/roles/new", methods=["GET", "POST"])
def grant_role(consortium_id: UUID) -> ResponseReturnValue:
    caller = current_caller()
    consortia = store().consortia
    consortium = consortia.consortium(consortium_id, caller)
    may_manage(consortium, caller.principal)
    form = GrantForm()
    form.member_id.choices = [
        SelectChoice("", _("None")),
        *(SelectChoice(str(m.id), m.party) for m in consortium.active_members),
    ]
    if form.validate_on_submit():
        try:
            if store().accounts.find_account(form.account.data) is None:
                raise InvalidValue(
                    "There is no account for this address; an administrator opens it first.",
                    field="account",
                )
            consortia.grant_role(
                consortium_id,
                account=form.account.data,
                role=Role(form.role.data),
                member_id=UUID(form.member_id.data) if form.member_id.data else None,
                caller=caller,
            )
        except (InvalidValue, RuleViolation) as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("The role was granted to %(account)s.", account=form.account.data), "ok")
            return redirect(url_for("pages.consortium_page", consortium_id=consortium_id))
    status = 422 if form.is_submitted() else 200
    parties = {m.id: m.party for m in consortium.active_members}
    return render_template(
        "pages/roles.html", consortium=consortium, form=form, parties=parties
    ), status


class RevokeForm(FlaskForm):  # type: ignore[misc]
    """Only the confirmation (and its CSRF token)."""


@bp.route("/consortia/<uuid:consortium_id>/roles/<uuid:grant_id>/revoke", methods=["GET", "POST"])
def revoke_role(consortium_id: UUID, grant_id: UUID) -> ResponseReturnValue:
    """Asks first (GET), revokes on the confirmation (POST); a role no longer in force is 404
    to ask about, and refused with the reason when confirmed twice."""
    caller = current_caller()
    consortia = store().consortia
    consortium = consortia.consortium(consortium_id, caller)
    may_manage(consortium, caller.principal)
    form = RevokeForm()
    if form.validate_on_submit():
        revoked = consortia.revoke_role(consortium_id, grant_id, caller=caller)
        flash(_("The role of %(account)s was revoked.", account=revoked.account), "ok")
        try:
            consortia.consortium(consortium_id, caller)
        except NotFound:  # one's own last role there: the consortium is out of sight now
            return redirect(url_for("pages.portfolio"))
        return redirect(url_for("pages.grant_role", consortium_id=consortium_id))
    grant = consortium.grant(grant_id)
    parties = {m.id: m.party for m in consortium.active_members}
    return render_template(
        "pages/revoke_role.html",
        consortium=consortium,
        form=form,
        grant=grant,
        party=parties.get(grant.member_id) if grant.member_id else None,
        own=grant.account == caller.actor,
    )
