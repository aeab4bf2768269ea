"""Milestones (mijlpalen) with validation checkpoints: plan, re-plan, evaluate."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from flask import url_for
from flask.views import MethodView

from consortium.aggregate import Consortium
from consortium.errors import NotFound
from consortium.milestones import CheckpointStatus, Evaluation, Milestone, Replan
from events.idempotency import StoredResponse
from events.milestones import DUE_SOON_DAYS
from events.readmodel.records import MilestoneHistory
from web.arguments import Blueprint
from web.auth import current_caller, store
from web.idempotency import IDEMPOTENT, run_once
from web.problems import PROBLEM_JSON as PROBLEM
from web.schemas.common import Problem
from web.schemas.milestones import (
    EvaluationIn,
    EvaluationOut,
    EvaluationResultOut,
    MilestoneIn,
    MilestoneList,
    MilestoneOut,
    ReplanIn,
)

blp = Blueprint(
    "milestones",
    __name__,
    url_prefix="/api/v1/consortia/<uuid:consortium_id>/milestones",
    description="Milestones and their validation checkpoints: does it work, can we take the "
    "next step, is the shared infrastructure in order?",
)


@dataclass(frozen=True)
class MilestoneOnDay:
    """A milestone with its checkpoint's status on a given day, and its history (replans and
    evaluations, which are records of the consortium rather than state of the milestone)."""

    milestone: Milestone
    today: date
    consortium_finished: bool
    history: MilestoneHistory = field(default_factory=MilestoneHistory)
    parties: Mapping[UUID, str] = field(default_factory=dict)  # member id → party

    def __getattr__(self, name: str) -> Any:
        return getattr(self.milestone, name)

    @property
    def replans(self) -> tuple[Replan, ...]:
        return self.history.replans

    @property
    def evaluations(self) -> tuple[Evaluation, ...]:
        return self.history.evaluations

    @property
    def responsible(self) -> list[dict[str, Any]]:
        """The responsible members with their names, so nobody has to look an id up."""
        return [
            {"member_id": m, "party": self.parties[m]}
            for m in self.milestone.responsible_member_ids
            if m in self.parties
        ]

    @property
    def status(self) -> CheckpointStatus:
        return self.milestone.status(
            self.today, DUE_SOON_DAYS, consortium_finished=self.consortium_finished
        )

    @property
    def days_left(self) -> int:
        return (self.milestone.due_date - self.today).days


def on_today(milestone: Milestone, consortium: Consortium) -> MilestoneOnDay:
    return every_on_today([milestone], consortium)[0]


def every_on_today(milestones: Iterable[Milestone], consortium: Consortium) -> list[MilestoneOnDay]:
    histories = store().consortia.milestone_histories(consortium)
    today = store().consortia.today()
    # Every membership, also ended ones: a member who left stays named where it was responsible.
    parties = {m.id: m.party for m in store().consortia.memberships_of(consortium)}
    return [
        MilestoneOnDay(
            m,
            today,
            consortium.phase.is_finished,
            histories.get(m.id, MilestoneHistory()),
            parties,
        )
        for m in milestones
    ]


def _evaluations(consortium_id: UUID, milestone_id: UUID) -> tuple[Evaluation, ...]:
    consortium = store().consortia.consortium(consortium_id, current_caller())
    return on_today(consortium.milestone(milestone_id), consortium).evaluations


def _location(consortium_id: UUID, milestone_id: UUID) -> dict[str, str]:
    url = url_for(
        "milestones.MilestoneById", consortium_id=consortium_id, milestone_id=milestone_id
    )
    return {"Location": url}


@blp.route("")
class Milestones(MethodView):
    @blp.response(200, MilestoneList)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(self, consortium_id: UUID) -> dict[str, Any]:
        """Every milestone, in the order planned, with its checkpoint's status today."""
        consortium = store().consortia.consortium(consortium_id, current_caller())
        return {"items": every_on_today(consortium.milestones, consortium)}

    @blp.arguments(MilestoneIn)
    @blp.response(201, MilestoneOut, headers={"Location": {"schema": {"type": "string"}}})
    @blp.alt_response(403, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(409, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(422, schema=Problem, content_type=PROBLEM)
    def post(self, data: dict[str, Any], consortium_id: UUID) -> tuple[Any, int, dict[str, str]]:
        """Plan a milestone with its checkpoint (the three questions, plus your own)."""
        caller = current_caller()
        milestone = store().consortia.plan_milestone(consortium_id, **data, caller=caller)
        consortium = store().consortia.consortium(consortium_id, caller)
        return on_today(milestone, consortium), 201, _location(consortium_id, milestone.id)


@blp.route("/<uuid:milestone_id>")
class MilestoneById(MethodView):
    @blp.response(200, MilestoneOut)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(self, consortium_id: UUID, milestone_id: UUID) -> MilestoneOnDay:
        """One milestone, with its re-plans and evaluations."""
        consortium = store().consortia.consortium(consortium_id, current_caller())
        return on_today(consortium.milestone(milestone_id), consortium)


@blp.route("/<uuid:milestone_id>/replan")
class MilestoneReplan(MethodView):
    @blp.arguments(ReplanIn)
    @blp.response(200, MilestoneOut)
    @blp.alt_response(403, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(409, schema=Problem, content_type=PROBLEM)
    def post(self, data: dict[str, Any], consortium_id: UUID, milestone_id: UUID) -> MilestoneOnDay:
        """Move the checkpoint to another date, with a reason (until it is evaluated)."""
        caller = current_caller()
        milestone = store().consortia.replan_milestone(
            consortium_id, milestone_id, **data, caller=caller
        )
        return on_today(milestone, store().consortia.consortium(consortium_id, caller))


@blp.route("/<uuid:milestone_id>/evaluations")
class Evaluations(MethodView):
    @blp.response(200, EvaluationOut(many=True))
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(self, consortium_id: UUID, milestone_id: UUID) -> Any:
        """The evaluations of this checkpoint (more than one only after a redo)."""
        return list(_evaluations(consortium_id, milestone_id))

    @blp.arguments(EvaluationIn)
    @blp.response(201, EvaluationResultOut, headers={"Location": {"schema": {"type": "string"}}})
    @blp.alt_response(403, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(409, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(422, schema=Problem, content_type=PROBLEM)
    @blp.doc(**IDEMPOTENT)
    def post(self, data: dict[str, Any], consortium_id: UUID, milestone_id: UUID) -> Any:
        """Answer every question and decide: go (tranche released, phase moves on when the
        milestone closes one), go_with_conditions, redo (new_due_date) or stop."""

        def render(evaluated: tuple[Milestone, Evaluation, Consortium]) -> StoredResponse:
            milestone, evaluation, consortium = evaluated
            body = EvaluationResultOut().dump(
                {
                    **{f: getattr(evaluation, f) for f in evaluation.__dataclass_fields__},
                    "milestone_id": milestone.id,
                    "milestone_status": MilestoneOnDay(
                        milestone, store().consortia.today(), consortium.phase.is_finished
                    ).status,
                    "tranche_released": milestone.tranche if evaluation.decision.passes else None,
                    "consortium_phase": consortium.phase,
                }
            )
            location = url_for(
                "milestones.EvaluationByNumber",
                consortium_id=consortium_id,
                milestone_id=milestone_id,
                number=evaluation.number,
            )
            return StoredResponse(201, body, {"Location": location})

        answers = [(a["question"], a["answer"], a["note"]) for a in data["answers"]]
        return run_once(
            render,
            lambda claim: store().consortia.evaluate_checkpoint(
                consortium_id,
                milestone_id,
                answers=answers,
                decision=data["decision"],
                conditions=data["conditions"],
                new_due_date=data["new_due_date"],
                clears_conditions_of=data["clears_conditions_of"],
                evaluated_on=data["evaluated_on"],
                caller=current_caller(),
                claim=claim,
            ),
        )


@blp.route("/<uuid:milestone_id>/evaluations/<int:number>")
class EvaluationByNumber(MethodView):
    @blp.response(200, EvaluationOut)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(self, consortium_id: UUID, milestone_id: UUID, number: int) -> Any:
        """One evaluation, by its number (1 for the first)."""
        evaluations = _evaluations(consortium_id, milestone_id)
        if not 1 <= number <= len(evaluations):
            raise NotFound(f"This milestone has no evaluation {number}.")
        return evaluations[number - 1]
