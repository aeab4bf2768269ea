"""Stepwise evaluation: milestones (mijlpalen) with a validation checkpoint (validatiemoment).

"Step, evaluate, next step." Each milestone has a due date and the three questions of the
sources, plus any a consortium adds. An evaluation answers every question and decides: go (the
tranche is released, the phase moves on when the milestone closes one), go with conditions
(released too; the conditions stay open until a later evaluation clears them), redo (a new
date; the checkpoint stays open) or stop (the consortium stops; nothing more can be spent).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any, Final
from uuid import UUID, uuid4

from consortium.about import check_about
from consortium.cause import Cause, about_day
from consortium.errors import InvalidValue, NotFound, RuleViolation
from consortium.members import Member
from consortium.money import Money, require_positive
from consortium.phases import Phase, check_finished
from consortium.recording import ConsortiumEvent
from consortium.text import MAX_DESCRIPTION, MAX_NAME, MAX_REASON, optional_text, required_text

MAX_QUESTIONS: Final = 20
MAX_QUESTION: Final = 500


@dataclass(frozen=True, slots=True)
class Question:
    key: str
    text: str


WORKS: Final = Question("works", "Does the solution really work?")
NEXT_STEP: Final = Question("next_step", "Can we take the next step?")
INFRASTRUCTURE: Final = Question("infrastructure", "Is the shared infrastructure in order?")
THREE_QUESTIONS: Final = (WORKS, NEXT_STEP, INFRASTRUCTURE)
# The keys the questions added to the three get (q1, q2, …).
_KEY_LIKE: Final = re.compile(r"q[0-9]+")


class AnswerValue(Enum):
    YES = "yes"
    PARTLY = "partly"
    NO = "no"


class Decision(Enum):
    GO = "go"
    GO_WITH_CONDITIONS = "go_with_conditions"
    REDO = "redo"
    STOP = "stop"

    @property
    def passes(self) -> bool:
        return self in (Decision.GO, Decision.GO_WITH_CONDITIONS)


class CheckpointStatus(Enum):
    PLANNED = "planned"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    PASSED = "passed"
    STOPPED = "stopped"


def checkpoint_status(
    *,
    is_open: bool,
    decision: str | None,
    consortium_finished: bool,
    due: date,
    today: date,
    soon_days: int,
) -> CheckpointStatus:
    """The one rule for a checkpoint's status, used by the aggregate and the read model alike:
    an open checkpoint of a stopped or closed consortium is stopped too."""
    if decision == Decision.STOP.value or (is_open and consortium_finished):
        return CheckpointStatus.STOPPED
    if not is_open:
        return CheckpointStatus.PASSED
    if due < today:
        return CheckpointStatus.OVERDUE
    if (due - today).days <= soon_days:
        return CheckpointStatus.DUE_SOON
    return CheckpointStatus.PLANNED


@dataclass(frozen=True, slots=True)
class Answer:
    question: str  # the question's key
    answer: AnswerValue
    note: str | None


@dataclass(frozen=True, slots=True)
class Evaluation:
    number: int
    answers: tuple[Answer, ...]
    decision: Decision
    conditions: str | None
    new_due_date: date | None
    clears_conditions_of: tuple[UUID, ...]
    evaluated_at: datetime
    evaluated_by: str
    evaluated_on: date | None = None

    def __post_init__(self) -> None:
        for name in ("answers", "clears_conditions_of"):
            object.__setattr__(self, name, tuple(getattr(self, name)))


@dataclass(frozen=True, slots=True)
class Replan:
    from_date: date
    to_date: date
    reason: str
    replanned_at: datetime
    replanned_by: str


@dataclass(frozen=True, slots=True)
class Milestone:
    """A milestone as the consortium keeps it: what its rules need and its gate's status.

    Its replans and the full text of its evaluations are records of their own (events of the
    consortium, listed by the read model); here only how many there were, and the last
    decision with any conditions still open."""

    id: UUID
    title: str
    description: str
    due_date: date
    questions: tuple[Question, ...]
    tranche: Money | None
    closes_phase: Phase | None
    responsible_member_ids: tuple[UUID, ...]
    planned_at: datetime
    planned_by: str
    planned_on: date | None = None
    replan_count: int = 0
    evaluation_count: int = 0
    last_decision: Decision | None = None
    conditions: str | None = None
    conditions_cleared_at: datetime | None = None
    spent: Money = field(default_factory=Money.zero)

    def __post_init__(self) -> None:
        for name in ("questions", "responsible_member_ids"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    @property
    def is_open(self) -> bool:
        """Still to be evaluated: never evaluated, or told to redo."""
        return self.last_decision in (None, Decision.REDO)

    @property
    def is_passed(self) -> bool:
        return self.last_decision is not None and self.last_decision.passes

    @property
    def open_conditions(self) -> str | None:
        if self.last_decision is Decision.GO_WITH_CONDITIONS and self.conditions_cleared_at is None:
            return self.conditions
        return None

    def status(
        self, today: date, soon_days: int, *, consortium_finished: bool = False
    ) -> CheckpointStatus:
        decision = self.last_decision.value if self.last_decision else None
        return checkpoint_status(
            is_open=self.is_open,
            decision=decision,
            consortium_finished=consortium_finished,
            due=self.due_date,
            today=today,
            soon_days=soon_days,
        )

    def question(self, reference: str) -> Question | None:
        wanted = reference.strip().casefold()
        for q in self.questions:
            if wanted in (q.key.casefold(), q.text.casefold()):
                return q
        return None


class Milestones:
    """Mixin of the Consortium aggregate: its milestones and their evaluations."""

    _milestones: tuple[Milestone, ...]
    _phase: Phase
    start_year: int

    if TYPE_CHECKING:

        def _record(self, event_class: type[Any], cause: Cause, **fields: Any) -> Any: ...
        def active_member(self, member_id: UUID, field: str | None = None) -> Member: ...

    # -- events -------------------------------------------------------------------------------

    class MilestonePlanned(ConsortiumEvent):
        milestone_id: UUID
        title: str
        description: str
        due_date: date
        questions: tuple[Question, ...]
        tranche: Money | None
        closes_phase: Phase | None
        responsible_member_ids: tuple[UUID, ...]
        planned_on: date | None = None  # None: planned on the day it was recorded

        def apply(self, consortium: Milestones) -> None:
            consortium._milestones = (
                *consortium._milestones,
                Milestone(
                    id=self.milestone_id,
                    title=self.title,
                    description=self.description,
                    due_date=self.due_date,
                    questions=tuple(self.questions),
                    tranche=self.tranche,
                    closes_phase=self.closes_phase,
                    responsible_member_ids=tuple(self.responsible_member_ids),
                    planned_at=self.timestamp,
                    planned_by=self.actor,
                    planned_on=self.planned_on or about_day(self.timestamp),
                ),
            )

    class MilestoneReplanned(ConsortiumEvent):
        milestone_id: UUID
        from_date: date
        to_date: date
        reason: str

        def apply(self, consortium: Milestones) -> None:
            consortium._change_milestone(
                self.milestone_id,
                lambda m: replace(m, due_date=self.to_date, replan_count=m.replan_count + 1),
            )

    class CheckpointEvaluated(ConsortiumEvent):
        milestone_id: UUID
        answers: tuple[Answer, ...]
        decision: Decision
        conditions: str | None
        new_due_date: date | None
        clears_conditions_of: tuple[UUID, ...]
        evaluated_on: date | None = None  # None: decided on the day it was recorded

        def apply(self, consortium: Milestones) -> None:
            def evaluated(m: Milestone) -> Milestone:
                due = self.new_due_date if self.decision is Decision.REDO else m.due_date
                return replace(
                    m,
                    evaluation_count=m.evaluation_count + 1,
                    last_decision=self.decision,
                    conditions=self.conditions,
                    due_date=due or m.due_date,
                )

            consortium._change_milestone(self.milestone_id, evaluated)
            for cleared in self.clears_conditions_of:
                consortium._change_milestone(
                    cleared, lambda m: replace(m, conditions_cleared_at=self.timestamp)
                )

    class TrancheReleased(ConsortiumEvent):
        """The money a passed gate releases for spending (recorded after its evaluation)."""

        milestone_id: UUID
        amount: Money
        evaluation_number: int

    # -- commands -----------------------------------------------------------------------------

    def plan_milestone(
        self,
        *,
        title: str,
        due_date: date,
        description: str | None = None,
        questions: list[str] | None = None,
        tranche: Money | None = None,
        closes_phase: Phase | None = None,
        responsible_member_ids: list[UUID] | None = None,
        planned_on: date | None = None,
        cause: Cause,
    ) -> Milestone:
        """Plan a milestone. ``planned_on``: the day it was planned, today by default; a
        milestone of the consortium's past is entered with the day it was planned then, and
        may then be due before today."""
        check_finished(self._phase)
        day = check_about(planned_on, cause, start_year=self.start_year, field="planned_on")
        if due_date < day:
            if planned_on is None:
                raise InvalidValue("A checkpoint cannot be due in the past.", field="due_date")
            raise InvalidValue(
                "A checkpoint cannot be due before the day it is planned.", field="due_date"
            )
        if tranche is not None:
            require_positive(tranche, field="tranche")
        if closes_phase is not None and (
            closes_phase.is_finished or closes_phase is Phase.ADOPTION
        ):
            raise InvalidValue(
                "A milestone closes exploration, pilot or scale_up (passing it moves the "
                "consortium to the next phase).",
                field="closes_phase",
            )
        responsible = tuple(responsible_member_ids or ())
        if len(set(responsible)) != len(responsible):
            raise InvalidValue("A member is listed twice.", field="responsible_member_ids")
        for member_id in responsible:
            self.active_member(member_id, field="responsible_member_ids")
        milestone_id = uuid4()
        self._record(
            self.MilestonePlanned,
            cause,
            milestone_id=milestone_id,
            title=required_text(title, "title", MAX_NAME),
            description=optional_text(description, "description", MAX_DESCRIPTION) or "",
            due_date=due_date,
            questions=_questions(questions),
            tranche=tranche,
            closes_phase=closes_phase,
            responsible_member_ids=responsible,
            planned_on=day,
        )
        return self.milestone(milestone_id)

    def replan_milestone(
        self, milestone_id: UUID, *, due_date: date, reason: str, cause: Cause
    ) -> tuple[Milestone, Replan]:
        check_finished(self._phase)
        milestone = self.milestone(milestone_id)
        if not milestone.is_open:
            raise RuleViolation("This milestone was evaluated; its date can no longer change.")
        if due_date < cause.today:
            raise InvalidValue("A checkpoint cannot be due in the past.", field="due_date")
        if due_date == milestone.due_date:
            raise RuleViolation(f"The checkpoint is due on {due_date} already.")
        event = self._record(
            self.MilestoneReplanned,
            cause,
            milestone_id=milestone_id,
            from_date=milestone.due_date,
            to_date=due_date,
            reason=required_text(reason, "reason", MAX_REASON),
        )
        return self.milestone(milestone_id), replan_of(event)

    def evaluate_checkpoint(
        self,
        milestone_id: UUID,
        *,
        answers: list[tuple[str, AnswerValue, str | None]],
        decision: Decision,
        conditions: str | None = None,
        new_due_date: date | None = None,
        clears_conditions_of: list[UUID] | None = None,
        evaluated_on: date | None = None,
        cause: Cause,
    ) -> tuple[Milestone, Evaluation]:
        """Answer every question and decide; the consequences (tranche, phase) follow.
        ``evaluated_on``: the day of the decision, today by default (an earlier day enters an
        evaluation of the consortium's past, not before the milestone was planned)."""
        check_finished(self._phase)
        milestone = self.milestone(milestone_id)
        day = check_about(
            evaluated_on,
            cause,
            start_year=self.start_year,
            field="evaluated_on",
            not_before=milestone.planned_on,
        )
        if milestone.last_decision is not None and not milestone.is_open:
            raise RuleViolation(
                f"This milestone was decided already ({milestone.last_decision.value}); "
                "only a redo leaves it open for another evaluation."
            )
        given = _check_answers(milestone, answers)
        conditions = optional_text(conditions, "conditions", MAX_DESCRIPTION)
        _check_decision(decision, given, conditions, new_due_date, day)
        cleared = tuple(clears_conditions_of or ())
        for other_id in cleared:
            try:
                other = self.milestone(other_id)
            except NotFound as error:
                raise InvalidValue(error.message, field="clears_conditions_of") from None
            if other.open_conditions is None or other_id == milestone_id:
                raise InvalidValue(
                    f"Milestone {other.title!r} has no open conditions to clear.",
                    field="clears_conditions_of",
                )
        event = self._record(
            self.CheckpointEvaluated,
            cause,
            milestone_id=milestone_id,
            answers=tuple(given[q.key] for q in milestone.questions),
            decision=decision,
            conditions=conditions,
            new_due_date=new_due_date,
            clears_conditions_of=cleared,
            evaluated_on=day,
        )
        evaluated = self.milestone(milestone_id)
        evaluation = evaluation_of(event, evaluated.evaluation_count)
        if decision.passes:
            if milestone.tranche is not None:
                self._record(
                    self.TrancheReleased,
                    cause,
                    milestone_id=milestone_id,
                    amount=milestone.tranche,
                    evaluation_number=evaluated.evaluation_count,
                )
            if milestone.closes_phase is not None and milestone.closes_phase is self._phase:
                self._move_on(f"Gate passed: {milestone.title}", cause)
        elif decision is Decision.STOP:
            self._stop(f"Stopped at the checkpoint of {milestone.title}", cause)
        return self.milestone(milestone_id), evaluation

    # -- queries ------------------------------------------------------------------------------

    @property
    def milestones(self) -> tuple[Milestone, ...]:
        return self._milestones

    def milestone(self, milestone_id: UUID) -> Milestone:
        for m in self._milestones:
            if m.id == milestone_id:
                return m
        raise NotFound(
            f"This consortium has no milestone {milestone_id}.", milestone_id=milestone_id
        )

    def check_milestone_for_spending(self, milestone_id: UUID, amount: Money) -> None:
        """Spending against a milestone needs its gate passed, and stays within its tranche."""
        try:
            milestone = self.milestone(milestone_id)
        except NotFound as error:
            raise InvalidValue(error.message, field="milestone_id") from None
        if not milestone.is_passed:
            raise RuleViolation(
                f"The gate of {milestone.title!r} has not been passed; nothing can be spent "
                "against it yet.",
                milestone_id=milestone_id,
            )
        if milestone.tranche is None:
            return
        left = milestone.tranche - self.spent_against(milestone_id)
        if amount > left:
            raise RuleViolation(
                f"Only {left} euro of the tranche of {milestone.title!r} is left to spend.",
                available=str(left),
            )

    def spent_against(self, milestone_id: UUID) -> Money:
        return self.milestone(milestone_id).spent

    def tranches_due_per_year(self) -> dict[int, Money]:
        """Needs per year: the tranches of milestones due that year, released or still to be
        decided; those of a stopped milestone, and the undecided ones of a consortium that
        stopped or closed, will never be released and are no need."""
        needs: dict[int, Money] = {}
        for m in self._milestones:
            released = m.is_passed
            undecided = m.is_open and not self._phase.is_finished
            if m.tranche is not None and (released or undecided):
                needs[m.due_date.year] = needs.get(m.due_date.year, Money.zero()) + m.tranche
        return needs

    # -- internals ----------------------------------------------------------------------------

    def _change_milestone(self, milestone_id: UUID, change: Any) -> None:
        self._milestones = tuple(change(m) if m.id == milestone_id else m for m in self._milestones)

    def _spend_against(self, milestone_id: UUID, amount: Money) -> None:
        self._change_milestone(milestone_id, lambda m: replace(m, spent=m.spent + amount))

    if TYPE_CHECKING:

        def _move_on(self, reason: str, cause: Cause) -> None: ...
        def _stop(self, reason: str, cause: Cause) -> None: ...


def _check_decision(
    decision: Decision,
    given: dict[str, Answer],
    conditions: str | None,
    new_due_date: date | None,
    today: date,
) -> None:
    if decision is Decision.GO and given[WORKS.key].answer is AnswerValue.NO:
        raise InvalidValue(
            "No go when the answer to 'Does the solution really work?' is no.", field="decision"
        )
    if (decision is Decision.GO_WITH_CONDITIONS) != (conditions is not None):
        raise InvalidValue(
            "A go with conditions needs the conditions, and only it has them.", field="conditions"
        )
    if (decision is Decision.REDO) != (new_due_date is not None):
        raise InvalidValue(
            "A redo needs a new due date, and only a redo has one.", field="new_due_date"
        )
    if new_due_date is not None and new_due_date <= today:
        raise InvalidValue("The new due date must lie in the future.", field="new_due_date")


def _questions(extra: list[str] | None) -> tuple[Question, ...]:
    questions = list(THREE_QUESTIONS)
    for number, given in enumerate(extra or (), start=1):
        text = required_text(given, "questions", MAX_QUESTION)
        # An answer names its question by key or text: a text that is one of the three's
        # keys or texts, or given twice, is that question; one like a key of its own is
        # refused (which question would "q2" be?).
        if any(text.casefold() in (q.text.casefold(), q.key) for q in questions):
            continue
        if _KEY_LIKE.fullmatch(text.casefold()):
            raise InvalidValue(
                f"{text!r} reads like a question's key (q1, q2, …): write the question out.",
                field="questions",
            )
        questions.append(Question(f"q{number}", text))
    if len(questions) > MAX_QUESTIONS:
        raise InvalidValue(f"At most {MAX_QUESTIONS} questions.", field="questions")
    return tuple(questions)


def _check_answers(
    milestone: Milestone, answers: list[tuple[str, AnswerValue, str | None]]
) -> dict[str, Answer]:
    given: dict[str, Answer] = {}
    for reference, value, note in answers:
        question = milestone.question(reference)
        if question is None:
            raise InvalidValue(f"This checkpoint has no question {reference!r}.", field="answers")
        if question.key in given:
            raise InvalidValue(f"{question.text!r} is answered twice.", field="answers")
        given[question.key] = Answer(question.key, value, optional_text(note, "note", MAX_REASON))
    missing = [q.text for q in milestone.questions if q.key not in given]
    if missing:
        raise InvalidValue(
            "Every question needs an answer before a decision; missing: " + "; ".join(missing),
            field="answers",
        )
    return given


def evaluation_of(event: Milestones.CheckpointEvaluated, number: int) -> Evaluation:
    return Evaluation(
        number=number,
        answers=tuple(event.answers),
        decision=event.decision,
        conditions=event.conditions,
        new_due_date=event.new_due_date,
        clears_conditions_of=tuple(event.clears_conditions_of),
        evaluated_at=event.timestamp,
        evaluated_by=event.actor,
        evaluated_on=event.evaluated_on or about_day(event.timestamp),
    )


def replan_of(event: Milestones.MilestoneReplanned) -> Replan:
    return Replan(event.from_date, event.to_date, event.reason, event.timestamp, event.actor)
