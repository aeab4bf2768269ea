"""Use cases of the financing plan: plan or revise a year's need, set the watch, judge whether
the financing is at risk (the service, by its clock), and read the plan with the figures it is
judged by, now or as of a past moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from consortium.aggregate import Consortium
from consortium.budget_view import BudgetView
from consortium.cause import about_day
from consortium.errors import ConsortiumNotFound, NotFound
from consortium.figures import NeedCategory
from consortium.financing import Financing, FinancingStatus, FinancingWatch, Need
from consortium.money import Money
from events.budget import BudgetUseCases
from events.caller import Caller
from events.consortium_base import may_manage
from events.idempotency import IdempotencyClaim
from events.readmodel import records
from events.readmodel.records import PlannedNeed


@dataclass(frozen=True)
class FinancingOverview:
    """The plan (every revision), the watch, and the budget it is judged with."""

    consortium: Consortium
    needs: list[PlannedNeed]
    watch: FinancingWatch
    budget: BudgetView
    as_of: datetime | None


class FinancingUseCases(BudgetUseCases):
    """Financing use cases of :class:`~events.consortia.ConsortiumApplication`."""

    def plan_need(
        self,
        consortium_id: UUID,
        *,
        year: int,
        category: NeedCategory,
        amount: Money,
        reason: str | None,
        caller: Caller,
        claim: IdempotencyClaim | None = None,
    ) -> Need:
        return self.act_on(
            consortium_id,
            caller,
            may_manage,
            lambda c, cause: c.plan_need(
                year=year, category=category, amount=amount, reason=reason, cause=cause
            ),
            claim,
        )

    def watch_financing(
        self, consortium_id: UUID, *, years_ahead: int, gap_threshold: Money, caller: Caller
    ) -> FinancingWatch:
        return self.act_on(
            consortium_id,
            caller,
            may_manage,
            lambda c, cause: c.watch_financing(
                years_ahead=years_ahead, gap_threshold=gap_threshold, cause=cause
            ),
        )

    def judge_financing(self, consortium_id: UUID, caller: Caller) -> FinancingStatus | None:
        """Judge the financing on today's date by the clock and record it when it changed
        whether the consortium is at risk (for the service itself: no rights checked). Two
        judges at once cannot both record the change: the second one's save conflicts, and
        on the fresh state it finds nothing changed."""
        _, status = self._update(
            consortium_id,
            Consortium,
            ConsortiumNotFound,
            caller,
            lambda c, cause: c.judge_financing(cause),
        )
        return status

    def at_risk_fact(self, consortium_id: UUID, version: int) -> Financing.FinancingAtRisk:
        """The FinancingAtRisk recorded at that version (what a warning is about)."""
        found = list(self.events.get(consortium_id, gt=version - 1, lte=version))
        if not found or not isinstance(found[0], Financing.FinancingAtRisk):
            raise NotFound(f"Consortium {consortium_id} was not found at risk at {version}.")
        fact: Financing.FinancingAtRisk = found[0]
        return fact

    def financing(
        self, consortium_id: UUID, caller: Caller, as_of: datetime | None = None
    ) -> FinancingOverview:
        consortium = (
            self.consortium(consortium_id, caller)
            if as_of is None
            else self.consortium_as_of(consortium_id, as_of, caller)
        )
        needs = self.records(lambda tx: records.needs(tx, consortium_id, consortium.version))
        budget = self.budget_of(consortium, about_day(as_of) if as_of else self.today())
        return FinancingOverview(consortium, needs, consortium.financing_watch, budget, as_of)
