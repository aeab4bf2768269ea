"""The pages' forms: what each asks, in the page's language; the rules stay in the domain, and
what it refuses is shown at the field it concerns (``show_refusal``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, PasswordField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, StopValidation

from consortium.errors import DomainError, InvalidValue
from consortium.members import MAX_POPULATION, MemberRole, Sector, check_contact_email
from consortium.phases import Phase
from consortium.provinces import NAMES, Province
from web.i18n import translate
from web.pages.fields import AmountField, DayField, HoursField, WholeNumberField
from web.pages.once import once_field
from web.pages.words import LABELS


def show_refusal(form: FlaskForm, refusal: DomainError) -> None:
    """The domain's refusal, in the page's language, at the field it names (else above all)."""
    name = getattr(refusal, "field", None) or ""
    field = form._fields.get(name)
    message = translate(refusal.message)
    if field is not None:
        field.errors = [*field.errors, message]
    else:
        form.form_errors.append(message)


def read_as_number(form: FlaskForm, field: Field) -> None:
    """Stops the checks of a number that could not be read: its error says it all."""
    if field.process_errors:
        raise StopValidation()


def an_email_address(form: FlaskForm, field: Field) -> None:
    """The address as the domain checks it, so that its mistake shows with the others."""
    try:
        check_contact_email(field.data)
    except InvalidValue as refusal:
        raise StopValidation(translate(refusal.message)) from None


def province_field() -> SelectField:
    """The province of a municipality, optional (the empty choice first)."""
    return SelectField(
        _l("Province (municipalities)"),
        choices=[
            SelectChoice("", _l("None given")),
            *(SelectChoice(p.value, NAMES[p]) for p in Province),
        ],
        validators=[Optional()],
    )


class LoginForm(FlaskForm):  # type: ignore[misc]
    email = StringField(
        _l("E-mail address"),
        validators=[InputRequired(_l("Enter your e-mail address.")), Length(max=320)],
    )
    password = PasswordField(
        _l("Password"), validators=[InputRequired(_l("Enter your password.")), Length(max=1024)]
    )


class ContributionForm(FlaskForm):  # type: ignore[misc]
    """Money received (cash) or work given in kind, valued as hours × rate or as a whole."""

    member_id = SelectField(
        _l("Member"), validators=[InputRequired(_l("Choose the member who contributes."))]
    )
    kind = RadioField(
        _l("Kind of contribution"),
        choices=[
            SelectChoice("cash", _l("Money (cash)")),
            SelectChoice("in_kind", _l("Work or services (in kind)")),
        ],
        default="cash",
        validators=[InputRequired(_l("Choose the kind of contribution."))],
    )
    amount = AmountField(_l("Amount in euro"), validators=[Optional()])
    hours = HoursField(_l("Hours"), validators=[Optional()])
    rate = AmountField(_l("Rate per hour in euro"), validators=[Optional()])
    date = DayField(_l("Date received or given"), validators=[InputRequired(_l("Enter the date."))])
    reference = StringField(_l("Reference"), validators=[Optional(), Length(max=200)])
    once = once_field()

    def validate(self, extra_validators: object = None) -> bool:
        valid: bool = super().validate(extra_validators)
        if self.kind.data == "cash" and self.amount.data is None and not self.amount.errors:
            self.amount.errors.append(_l("Enter the amount received."))
            valid = False
        if self.kind.data == "in_kind" and self.amount.data is None:
            for field in (self.hours, self.rate):
                if field.data is None and not field.errors:
                    field.errors.append(_l("Enter the hours and the rate, or the amount."))
                    valid = False
        return valid


class ExpenditureForm(FlaskForm):  # type: ignore[misc]
    """Money spent from the pool, possibly against a milestone."""

    amount = AmountField(
        _l("Amount in euro"), validators=[InputRequired(_l("Enter the amount spent."))]
    )
    date = DayField(_l("Date spent"), validators=[InputRequired(_l("Enter the date."))])
    description = StringField(
        _l("Description"),
        validators=[InputRequired(_l("Describe what the money was spent on.")), Length(max=2000)],
    )
    milestone_id = SelectField(_l("For milestone"), validators=[Optional()])
    once = once_field()


class ReversalForm(FlaskForm):  # type: ignore[misc]
    reason = StringField(
        _l("Reason"),
        validators=[InputRequired(_l("Say why the contribution is reversed.")), Length(max=2000)],
    )


class MemberForm(FlaskForm):  # type: ignore[misc]
    party = StringField(
        _l("Organisation"),
        validators=[InputRequired(_l("Enter the organisation's name.")), Length(max=200)],
    )
    sector = SelectField(
        _l("Sector"),
        choices=[SelectChoice(s.value, _l(LABELS[s.value])) for s in Sector],
        validators=[InputRequired(_l("Choose the sector."))],
    )
    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(r.value, _l(LABELS[r.value])) for r in MemberRole],
        validators=[InputRequired(_l("Choose the role."))],
    )
    contact_email = StringField(
        _l("Contact e-mail address"), validators=[Optional(), Length(max=320), an_email_address]
    )
    population = WholeNumberField(
        _l("Population (municipalities)"),
        validators=[Optional(), NumberRange(1, 100_000_000, _l("Enter a number of residents."))],
    )
    province = province_field()
    joined_on = DayField(_l("Joined on"), validators=[Optional()])


class AdoptForm(FlaskForm):  # type: ignore[misc]
    """A municipality asks to adopt a solution of the catalogue."""

    party = StringField(
        _l("Municipality"),
        validators=[InputRequired(_l("Enter the name of your municipality.")), Length(max=200)],
    )
    population = WholeNumberField(
        _l("Number of inhabitants"),
        validators=[
            InputRequired(_l("Enter the number of inhabitants.")),
            read_as_number,
            NumberRange(1, MAX_POPULATION, _l("Enter a number of residents.")),
        ],
    )
    contact_email = StringField(
        _l("Contact e-mail address"),
        validators=[InputRequired(_l("Enter a contact e-mail address.")), Length(max=320)],
    )
    province = province_field()


class DeclineForm(FlaskForm):  # type: ignore[misc]
    reason = StringField(
        _l("Reason"),
        validators=[InputRequired(_l("Say why the request is declined.")), Length(max=2000)],
    )


class MilestoneForm(FlaskForm):  # type: ignore[misc]
    title = StringField(
        _l("Title"), validators=[InputRequired(_l("Enter the title.")), Length(max=200)]
    )
    due_date = DayField(
        _l("Date of the checkpoint"), validators=[InputRequired(_l("Enter the date."))]
    )
    description = StringField(_l("Description"), validators=[Optional(), Length(max=2000)])
    tranche = AmountField(_l("Tranche released on go, in euro"), validators=[Optional()])
    closes_phase = SelectField(
        _l("Gate of the phase"),
        choices=[
            SelectChoice("", _l("None")),
            *(SelectChoice(p.value, _l(LABELS[p.value])) for p in Phase if not p.is_finished),
        ],
        validators=[Optional()],
    )
