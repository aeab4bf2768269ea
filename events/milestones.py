"""Use cases of stepwise evaluation: plan, re-plan and evaluate milestones; checkpoints across
the consortia a caller may see."""

from __future__ import annotations

from datetime import date
from typing import Final
from uuid import UUID

from consortium.aggregate import Consortium
from consortium.cause import Cause
from consortium.milestones import AnswerValue, Decision, Evaluation, Milestone
from consortium.money import Money
from consortium.phases import Phase
from events.caller import Caller
from events.consortium_base import ConsortiumBase, may_manage
from events.idempotency import IdempotencyClaim

# A checkpoint is "due soon" from the first reminder on (see workers' reminder policy).
DUE_SOON_DAYS: Final = 14


class MilestoneUseCases(ConsortiumBase):
    """Milestone use cases of :class:`~events.consortia.ConsortiumApplication`."""

    def plan_milestone(
        self,
        consortium_id: UUID,
        *,
        title: str,
        due_date: date,
        description: str | None,
        questions: list[str] | None,
        tranche: Money | None,
        closes_phase: Phase | None,
        responsible_member_ids: list[UUID] | None,
        caller: Caller,
        planned_on: date | None = None,
    ) -> Milestone:
        return self.act_on(
            consortium_id,
            caller,
            may_manage,
            lambda c, cause: c.plan_milestone(
                title=title,
                due_date=due_date,
                description=description,
                questions=questions,
                tranche=tranche,
                closes_phase=closes_phase,
                responsible_member_ids=responsible_member_ids,
                planned_on=planned_on,
                cause=cause,
            ),
        )

    def replan_milestone(
        self,
        consortium_id: UUID,
        milestone_id: UUID,
        *,
        due_date: date,
        reason: str,
        caller: Caller,
    ) -> Milestone:
        milestone, _ = self.act_on(
            consortium_id,
            caller,
            may_manage,
            lambda c, cause: c.replan_milestone(
                milestone_id, due_date=due_date, reason=reason, cause=cause
            ),
        )
        return milestone

    def evaluate_checkpoint(
        self,
        consortium_id: UUID,
        milestone_id: UUID,
        *,
        answers: list[tuple[str, AnswerValue, str | None]],
        decision: Decision,
        conditions: str | None,
        new_due_date: date | None,
        clears_conditions_of: list[UUID] | None,
        caller: Caller,
        claim: IdempotencyClaim | None = None,
        evaluated_on: date | None = None,
    ) -> tuple[Milestone, Evaluation, Consortium]:
        """Evaluate; answers the milestone, the evaluation and the consortium as they are after
        it (a decision may release a tranche, move the phase on or stop the consortium)."""

        def evaluate(c: Consortium, cause: Cause) -> tuple[Milestone, Evaluation, Consortium]:
            milestone, evaluation = c.evaluate_checkpoint(
                milestone_id,
                answers=answers,
                decision=decision,
                conditions=conditions,
                new_due_date=new_due_date,
                clears_conditions_of=clears_conditions_of,
                evaluated_on=evaluated_on,
                cause=cause,
            )
            return milestone, evaluation, c

        return self.act_on(consortium_id, caller, may_manage, evaluate, claim)
