"""What an approval does in edge cases, through the real store (SQLite and PostgreSQL): a
second adopter's checkpoints follow the pilot's, not the first adopter's; a consortium sharing
by weights needs the adopter's weight; a consortium without members starts its key with the
adopter."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

import pytest

from consortium.cost_sharing import KeyKind
from consortium.errors import InvalidValue
from consortium.milestones import AnswerValue, Decision
from consortium.publication import Part
from events.bootstrap import Store
from tests.adoption.support import PM, officer, pilot
from tests.clock import StepClock


def ask(store: Store, consortium_id: UUID, town: str) -> UUID:
    return store.consortia.ask_to_adopt(
        consortium_id,
        party=f"Gemeente {town.title()}",
        population=20_000,
        contact_email=f"officer@{town}.example",
        caller=officer(town),
    ).id


def adopt(store: Store, consortium_id: UUID, town: str) -> UUID:
    _, member = store.consortia.approve_adoption(
        consortium_id, ask(store, consortium_id, town), caller=PM
    )
    return member.id


def test_a_second_adopter_gets_the_pilots_checkpoints_not_the_first_adopters(
    store: Store, clock: StepClock
) -> None:
    solution = pilot(store.consortia)
    clock.advance(datetime(2026, 9, 1, 9, tzinfo=UTC) - clock.peek())
    first = adopt(store, solution.consortium_id, "houten")
    consortium = store.consortia.consortium(solution.consortium_id, PM)
    own = next(m for m in consortium.milestones if first in m.responsible_member_ids)
    store.consortia.evaluate_checkpoint(
        solution.consortium_id,
        own.id,
        answers=[(q.key, AnswerValue.YES, None) for q in own.questions],
        decision=Decision.GO,
        conditions=None,
        new_due_date=None,
        clears_conditions_of=None,
        caller=PM,
    )
    second = adopt(store, solution.consortium_id, "bunnik")
    consortium = store.consortia.consortium(solution.consortium_id, PM)
    titles = [m.title for m in consortium.milestones if second in m.responsible_member_ids]
    assert titles == ["Het loket werkt (Gemeente Bunnik)"]


def test_a_consortium_sharing_by_weights_needs_the_adopters_weight(store: Store) -> None:
    solution = pilot(store.consortia)
    store.consortia.set_key(
        solution.consortium_id,
        key=KeyKind.WEIGHTS,
        member_ids=None,
        weights={m: Decimal(1) for m in solution.member_ids},
        reason="Gelijke gewichten",
        caller=PM,
    )
    request_id = ask(store, solution.consortium_id, "houten")
    with pytest.raises(InvalidValue) as refused:
        store.consortia.approve_adoption(solution.consortium_id, request_id, caller=PM)
    assert refused.value.field == "weight"
    _, adopter = store.consortia.approve_adoption(
        solution.consortium_id, request_id, caller=PM, weight=Decimal("0.5")
    )
    latest = store.consortia.key_versions(solution.consortium_id, PM)[-1]
    assert dict(latest.weights)[adopter.id] == Decimal("0.5")


def test_a_consortium_without_members_starts_its_key_with_the_adopter(store: Store) -> None:
    consortium = store.consortia.found(
        name="Open data", challenge="Data delen", description=None, caller=PM
    )
    gate = store.consortia.plan_milestone(
        consortium.id,
        title="Bewezen",
        due_date=date(2026, 6, 1),
        description=None,
        questions=None,
        tranche=None,
        closes_phase=None,
        responsible_member_ids=None,
        caller=PM,
    )
    store.consortia.evaluate_checkpoint(
        consortium.id,
        gate.id,
        answers=[(q.key, AnswerValue.YES, None) for q in gate.questions],
        decision=Decision.GO,
        conditions=None,
        new_due_date=None,
        clears_conditions_of=None,
        caller=PM,
    )
    store.consortia.publish(consortium.id, [Part.CHALLENGE], PM)
    adopted = adopt(store, consortium.id, "houten")
    versions = store.consortia.key_versions(consortium.id, PM)
    assert [(v.number, v.from_year, v.member_ids) for v in versions] == [(1, 2027, (adopted,))]
