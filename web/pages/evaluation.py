"""Evaluating a milestone at its checkpoint: an answer (yes, partly, no) to each of its questions,
and the decision: go, go with conditions, redo (on a new date) or stop (programme managers)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from consortium.errors import InvalidValue, RuleViolation
from consortium.milestones import AnswerValue, Decision, Question
from events.consortia import may_manage
from web.auth import current_caller, store
from web.pages.blueprint import bp
from web.pages.fields import DayField
from web.pages.forms import show_refusal
from web.pages.words import LABELS, word


class EvaluationForm(FlaskForm):  # type: ignore[misc]
    decision = RadioField(
        _l("Decision"),
        choices=[SelectChoice(d.value, _l(LABELS[d.value])) for d in Decision],
        validators=[InputRequired(_l("Choose the decision."))],
    )
    conditions = StringField(_l("Conditions"), validators=[Optional(), Length(max=2000)])
    new_due_date = DayField(_l("New date of the checkpoint"), validators=[Optional()])

    def validate(self, extra_validators: Any = None) -> bool:
        """The fields, and what the decision asks of those below it, checked together so that
        one sending shows every mistake (the domain checks the same again)."""
        valid: bool = super().validate(extra_validators)
        decision = self.decision.data
        conditions = (self.conditions.data or "").strip()
        wrong: list[tuple[Field, str]] = []
        if decision == Decision.GO_WITH_CONDITIONS.value and not conditions:
            wrong.append((self.conditions, _("Give the conditions of this go.")))
        elif decision != Decision.GO_WITH_CONDITIONS.value and conditions:
            wrong.append(
                (
                    self.conditions,
                    _("Only a go with conditions has conditions: empty this field or choose it."),
                )
            )
        dated = self.new_due_date.data is not None or bool(self.new_due_date.errors)
        if decision == Decision.REDO.value and not dated:
            wrong.append((self.new_due_date, _("Give the new date of the checkpoint.")))
        elif decision != Decision.REDO.value and self.new_due_date.data is not None:
            wrong.append(
                (self.new_due_date, _("Only a redo has a new date: empty this field or choose it."))
            )
        for field, message in wrong:
            field.errors = [*field.errors, message]
        return valid and not wrong


def evaluation_form(questions: tuple[Question, ...]) -> Any:
    """The form with an answer and a note for each of the milestone's questions."""

    class Form(EvaluationForm):
        pass

    for number, question in enumerate(questions):
        text = _(question.text)
        setattr(
            Form,
            f"answer_{number}",
            RadioField(
                text,
                choices=[SelectChoice(a.value, word(a)) for a in AnswerValue],
                validators=[InputRequired(_("Answer: %(question)s", question=text))],
            ),
        )
        setattr(
            Form,
            f"note_{number}",
            StringField(
                _("Note on: %(question)s", question=text),
                validators=[Optional(), Length(max=2000)],
            ),
        )
    # Made again after the questions, so that they follow them (WTForms orders fields as they
    # were made): the summary of errors then lists them in the order of the page.
    for name in ("decision", "conditions", "new_due_date"):
        unbound = getattr(EvaluationForm, name)
        setattr(Form, name, unbound.field_class(*unbound.args, **unbound.kwargs))
    return Form()


@bp.route(
    "/consortia/<uuid:consortium_id>/milestones/<uuid:milestone_id>/evaluation",
    methods=["GET", "POST"],
)
def evaluate(consortium_id: UUID, milestone_id: UUID) -> ResponseReturnValue:
    caller = current_caller()
    consortia = store().consortia
    consortium = consortia.consortium(consortium_id, caller)
    milestone = consortium.milestone(milestone_id)
    may_manage(consortium, caller.principal)
    form = evaluation_form(milestone.questions)
    if form.validate_on_submit():
        answers = [
            (
                q.key,
                AnswerValue(form[f"answer_{n}"].data),
                form[f"note_{n}"].data or None,
            )
            for n, q in enumerate(milestone.questions)
        ]
        try:
            consortia.evaluate_checkpoint(
                consortium_id,
                milestone_id,
                answers=answers,
                decision=Decision(form.decision.data),
                conditions=form.conditions.data or None,
                new_due_date=form.new_due_date.data,
                clears_conditions_of=None,
                caller=caller,
            )
        except (InvalidValue, RuleViolation) as refusal:
            show_refusal(form, refusal)
        else:
            flash(_("The evaluation of “%(title)s” was recorded.", title=milestone.title), "ok")
            return redirect(url_for("pages.consortium_page", consortium_id=consortium_id))
    status = 422 if form.is_submitted() else 200
    pairs = [(form[f"answer_{n}"], form[f"note_{n}"]) for n in range(len(milestone.questions))]
    return render_template(
        "pages/evaluation.html", consortium=consortium, milestone=milestone, form=form, pairs=pairs
    ), status
