"""An adopter's own checkpoints, planned from the consortium's milestones as a template.

The pilot found out step by step what works; an adopter takes the same steps, at the same pace,
from the day it joins. The template is the consortium's milestones whose gate passed (the steps
that were validated; all of its milestones while none passed yet), each due as long after the
adopter's joining as it was due after the first of them was planned. The adopter is responsible
for its own checkpoints; they release no tranche and close no phase (the consortium's gates are
the consortium's).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final
from uuid import UUID

from consortium.milestones import THREE_QUESTIONS, Milestone
from consortium.text import MAX_NAME

_AT_LEAST: Final = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class PlannedStep:
    title: str
    description: str
    due_date: date
    questions: tuple[str, ...]  # the questions beyond the three, as the milestone asked them


def template_of(
    milestones: Sequence[Milestone], adopters: Collection[UUID] = ()
) -> tuple[Milestone, ...]:
    """The consortium's own steps: its milestones but the adopters' checkpoints (those only
    adopters are responsible for), the passed ones if any passed."""
    own = tuple(
        m
        for m in milestones
        if not (m.responsible_member_ids and set(m.responsible_member_ids) <= set(adopters))
    )
    passed = tuple(m for m in own if m.is_passed)
    return passed or own


def adopter_steps(
    milestones: Sequence[Milestone],
    party: str,
    joined_on: date,
    adopters: Collection[UUID] = (),
) -> list[PlannedStep]:
    """The checkpoints of an adopter that joined on ``joined_on``, in the template's order;
    ``adopters``: the members that adopted before (their checkpoints are no template)."""
    template = template_of(milestones, adopters)
    if not template:
        return []
    begun = min(m.planned_on or m.planned_at.date() for m in template)
    steps = []
    for m in sorted(template, key=lambda m: (m.due_date, m.planned_at)):
        suffix = f" ({party})"[: MAX_NAME // 2]
        steps.append(
            PlannedStep(
                title=m.title[: MAX_NAME - len(suffix)] + suffix,
                description=m.description,
                due_date=joined_on + max(m.due_date - begun, _AT_LEAST),
                questions=tuple(q.text for q in m.questions if q not in THREE_QUESTIONS),
            )
        )
    return steps
