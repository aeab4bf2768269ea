"""Schemas of milestones, their checkpoints and evaluations, and the checkpoint list."""

from __future__ import annotations

import marshmallow as ma

from consortium.milestones import MAX_QUESTION, AnswerValue, CheckpointStatus, Decision
from consortium.phases import Phase
from consortium.text import MAX_DESCRIPTION, MAX_NAME, MAX_REASON
from web.schemas.fields import Instant, LongText, MoneyField, StrictSchema


class MilestoneIn(StrictSchema):
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=MAX_NAME))
    due_date = ma.fields.Date(required=True, metadata={"description": "The checkpoint's date."})
    description = LongText(
        load_default=None, allow_none=True, validate=ma.validate.Length(max=MAX_DESCRIPTION)
    )
    questions = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(min=1, max=MAX_QUESTION)),
        load_default=None,
        metadata={"description": "Questions of this consortium's own, beside the three."},
    )
    tranche = MoneyField(
        load_default=None,
        allow_none=True,
        metadata={"description": "The amount released for spending when the gate is passed."},
    )
    closes_phase = ma.fields.Enum(
        Phase,
        by_value=True,
        load_default=None,
        allow_none=True,
        metadata={"description": "Passing this gate moves the consortium on from that phase."},
    )
    responsible_member_ids = ma.fields.List(ma.fields.UUID(), load_default=None)
    planned_on = ma.fields.Date(
        load_default=None,
        metadata={
            "description": "The day it was planned, today by default; a milestone of the "
            "consortium's past is entered with its day, and may then be due before today."
        },
    )


class ReplanIn(StrictSchema):
    due_date = ma.fields.Date(required=True)
    reason = LongText(required=True, validate=ma.validate.Length(min=1, max=MAX_REASON))


class AnswerIn(StrictSchema):
    question = ma.fields.String(
        required=True,
        metadata={"description": "The question's key (works, next_step, ...) or text."},
    )
    answer = ma.fields.Enum(AnswerValue, by_value=True, required=True)
    note = LongText(load_default=None, allow_none=True, validate=ma.validate.Length(max=MAX_REASON))


class EvaluationIn(StrictSchema):
    answers = ma.fields.List(ma.fields.Nested(AnswerIn), required=True)
    decision = ma.fields.Enum(Decision, by_value=True, required=True)
    conditions = LongText(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(max=MAX_DESCRIPTION),
        metadata={"description": "Required with go_with_conditions."},
    )
    new_due_date = ma.fields.Date(
        load_default=None, allow_none=True, metadata={"description": "Required with redo."}
    )
    clears_conditions_of = ma.fields.List(
        ma.fields.UUID(),
        load_default=None,
        metadata={"description": "Earlier milestones whose conditions are now met."},
    )
    evaluated_on = ma.fields.Date(
        load_default=None,
        metadata={"description": "The day of the decision, today by default."},
    )


class QuestionOut(ma.Schema):
    key = ma.fields.String()
    text = ma.fields.String()


class AnswerOut(ma.Schema):
    question = ma.fields.String()
    answer = ma.fields.Enum(AnswerValue, by_value=True)
    note = ma.fields.String(allow_none=True)


class EvaluationOut(ma.Schema):
    number = ma.fields.Integer()
    answers = ma.fields.List(ma.fields.Nested(AnswerOut))
    decision = ma.fields.Enum(Decision, by_value=True)
    conditions = ma.fields.String(allow_none=True)
    new_due_date = ma.fields.Date(allow_none=True)
    clears_conditions_of = ma.fields.List(ma.fields.UUID())
    evaluated_at = Instant()
    evaluated_by = ma.fields.String()
    evaluated_on = ma.fields.Date(metadata={"description": "The day of the decision."})


class EvaluationResultOut(EvaluationOut):
    milestone_id = ma.fields.UUID()
    milestone_status = ma.fields.Enum(CheckpointStatus, by_value=True)
    tranche_released = MoneyField(allow_none=True)
    consortium_phase = ma.fields.Enum(Phase, by_value=True)


class ReplanOut(ma.Schema):
    from_date = ma.fields.Date()
    to_date = ma.fields.Date()
    reason = ma.fields.String()
    replanned_at = Instant()
    replanned_by = ma.fields.String()


class ResponsibleOut(ma.Schema):
    member_id = ma.fields.UUID()
    party = ma.fields.String(metadata={"description": "The member's organisation."})


class MilestoneOut(ma.Schema):
    id = ma.fields.UUID()
    title = ma.fields.String()
    description = ma.fields.String()
    due_date = ma.fields.Date()
    status = ma.fields.Enum(CheckpointStatus, by_value=True)
    days_left = ma.fields.Integer()
    questions = ma.fields.List(ma.fields.Nested(QuestionOut))
    tranche = MoneyField(allow_none=True)
    closes_phase = ma.fields.Enum(Phase, by_value=True, allow_none=True)
    responsible_member_ids = ma.fields.List(ma.fields.UUID())
    responsible = ma.fields.List(
        ma.fields.Nested(ResponsibleOut),
        metadata={"description": "The responsible members with their names."},
    )
    planned_at = Instant()
    planned_by = ma.fields.String()
    planned_on = ma.fields.Date(metadata={"description": "The day it was planned."})
    replans = ma.fields.List(ma.fields.Nested(ReplanOut))
    evaluations = ma.fields.List(ma.fields.Nested(EvaluationOut))
    open_conditions = ma.fields.String(allow_none=True)


class MilestoneList(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(MilestoneOut))


class CheckpointArgs(StrictSchema):
    due_within_days = ma.fields.Integer(
        load_default=30,
        validate=ma.validate.Range(min=0, max=3650),
        metadata={"description": "Open checkpoints due within this many days (overdue always)."},
    )
    include_closed = ma.fields.Boolean(
        load_default=False, metadata={"description": "Also passed and stopped ones."}
    )


class CheckpointOut(ma.Schema):
    consortium_id = ma.fields.UUID()
    consortium_name = ma.fields.String()
    milestone_id = ma.fields.UUID()
    title = ma.fields.String()
    due_date = ma.fields.Date()
    status = ma.fields.Enum(CheckpointStatus, by_value=True)
    days_left = ma.fields.Integer(metadata={"description": "Negative when overdue."})
    questions = ma.fields.List(ma.fields.Nested(QuestionOut))
    responsible_member_ids = ma.fields.List(ma.fields.UUID())
    responsible = ma.fields.List(
        ma.fields.Nested(ResponsibleOut),
        metadata={"description": "The responsible members with their names."},
    )
    financing_at_risk = ma.fields.Boolean(
        metadata={"description": "Whether the consortium's financing was last judged at risk."}
    )


class CheckpointList(ma.Schema):
    today = ma.fields.Date(metadata={"description": "Today in Europe/Amsterdam."})
    items = ma.fields.List(ma.fields.Nested(CheckpointOut))
