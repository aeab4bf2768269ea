"""How the demo writes a consortium's past: each fact through the use cases, on its own day.

A :class:`Chapter` holds one consortium and its members by party name; the stories in
:mod:`events.demo_story` call it. Days of the past are fixed (the story begins in 2023); should
the demo run so late that 2023 is further back than a consortium's books may start, the whole
story moves on by as many years (:attr:`Chapter.shift`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final
from uuid import UUID

from consortium.aggregate import MAX_YEARS_BACK
from consortium.figures import NeedCategory
from consortium.ledger import ContributionKind
from consortium.milestones import THREE_QUESTIONS, AnswerValue, Decision
from consortium.money import Money
from consortium.phases import Phase
from events.caller import Caller
from events.consortia import ConsortiumApplication

FIRST_YEAR: Final = 2023  # the story begins here
PLAN_UNTIL: Final = 2030  # needs are planned up to here (or four years ahead, if later)
CASH: Final = ContributionKind.CASH


def story_shift(today: date) -> int:
    """Years the story moves on by, so that 2023 stays within the years a budget may start."""
    return max(0, today.year - MAX_YEARS_BACK - FIRST_YEAR)


@dataclass(frozen=True)
class Chapter:
    """Writes one consortium's past through the use cases, each fact on its own day."""

    app: ConsortiumApplication
    consortium_id: UUID
    members: dict[str, UUID]
    caller: Caller
    today: date
    shift: int

    def day(self, year: int, month: int, day: int) -> date:
        return date(year + self.shift, month, day)

    def year(self, year: int) -> int:
        return year + self.shift

    @property
    def last_year(self) -> int:
        return max(self.year(PLAN_UNTIL), self.today.year + 4)

    def need(self, year: int, category: NeedCategory, euro: int) -> None:
        self.app.plan_need(
            self.consortium_id,
            year=year,
            category=category,
            amount=_euro(euro),
            reason=None,
            caller=self.caller,
        )

    def structural(self, first: int, per_year: dict[NeedCategory, int]) -> None:
        """The same needs every year from ``first`` to the plan's last year."""
        for year in range(first, self.last_year + 1):
            for category, euro in per_year.items():
                self.need(year, category, euro)

    def pledge(
        self,
        party: str,
        year: int,
        euro: int,
        on: date,
        kind: ContributionKind = CASH,
        reason: str | None = None,
    ) -> None:
        self.app.pledge(
            self.consortium_id,
            member_id=self.members[party],
            year=year,
            amount=_euro(euro),
            reason=reason,
            kind=kind,
            pledged_on=on,
            caller=self.caller,
        )

    def give(
        self,
        party: str,
        euro: int | None,
        on: date,
        reference: str,
        kind: ContributionKind = CASH,
        year: int | None = None,
        hours: int | None = None,
        rate: int | None = None,
    ) -> None:
        self.app.log_contribution(
            self.consortium_id,
            member_id=self.members[party],
            kind=kind,
            amount=None if euro is None else _euro(euro),
            on=on,
            year=year,
            reference=reference,
            hours=None if hours is None else Decimal(hours),
            rate=None if rate is None else _euro(rate),
            caller=self.caller,
        )

    def spend(self, euro: int, on: date, description: str) -> None:
        self.app.record_expenditure(
            self.consortium_id,
            amount=_euro(euro),
            on=on,
            description=description,
            milestone_id=None,
            caller=self.caller,
        )

    def milestone(
        self,
        title: str,
        planned_on: date,
        due: date,
        closes: Phase | None = None,
        responsible: tuple[str, ...] = (),
        tranche: int | None = None,
    ) -> UUID:
        return self.app.plan_milestone(
            self.consortium_id,
            title=title,
            due_date=due,
            description=None,
            questions=None,
            tranche=None if tranche is None else _euro(tranche),
            closes_phase=closes,
            responsible_member_ids=[self.members[p] for p in responsible],
            caller=self.caller,
            planned_on=planned_on,
        ).id

    def evaluate(
        self,
        milestone_id: UUID,
        decision: Decision,
        on: date,
        works: AnswerValue = AnswerValue.YES,
        conditions: str | None = None,
    ) -> None:
        answers: list[tuple[str, AnswerValue, str | None]] = [
            (q.key, works if q.key == "works" else AnswerValue.YES, None) for q in THREE_QUESTIONS
        ]
        self.app.evaluate_checkpoint(
            self.consortium_id,
            milestone_id,
            answers=answers,
            decision=decision,
            conditions=conditions,
            new_due_date=None,
            clears_conditions_of=None,
            caller=self.caller,
            evaluated_on=on,
        )

    def leaves(self, party: str, on: date, reason: str) -> None:
        self.app.member_leaves(
            self.consortium_id,
            self.members[party],
            reason=reason,
            caller=self.caller,
            left_on=on,
        )


def _euro(amount: int) -> Money:
    return Money(Decimal(amount))
