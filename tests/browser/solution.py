"""A proven solution in the browser tests' world: piloted by three municipalities, its gate
passed this year, its next year's running costs planned, everything published; and the
officers of municipalities outside it (one per language of the test), with passwords."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Final

from consortium.figures import NeedCategory
from consortium.ledger import ContributionKind
from consortium.members import MemberRole, Sector
from consortium.milestones import AnswerValue, Decision
from consortium.money import Money
from consortium.phases import Phase
from consortium.publication import Part
from events.bootstrap import Store
from events.caller import Caller
from tests.pages.world import MANAGER, account_with_password

SOLUTION: Final = "Digitaal ondernemersloket"
# An officer of a municipality outside the pilot, per language of the test.
ADOPTING: Final = {"nl": "ambtenaar@houten.example", "en": "officer@bunnik.example"}
PILOT: Final = (
    ("Gemeente Amersfoort", 160_000),
    ("Gemeente Zeist", 65_000),
    ("Gemeente De Bilt", 43_000),
)


def build_solution(store: Store, today: date) -> None:
    for email in ADOPTING.values():
        account_with_password(store, email)
    manager = Caller(actor=MANAGER, request_id="setup", may_found=True)
    consortia = store.consortia
    found = consortia.found(
        name=SOLUTION, challenge="Ondernemers regelen hun vergunningen op één plek",
        description=None, caller=manager, start_year=today.year,
    )  # fmt: skip
    for number, (party, population) in enumerate(PILOT):
        consortia.admit_member(
            found.id, party=party, sector=Sector.MUNICIPALITY,
            role=MemberRole.LEAD if number == 0 else MemberRole.PARTNER,
            contact_email=None, population=population, caller=manager,
        )  # fmt: skip
    _, shares = consortia.pledge_by_key(
        found.id, year=today.year, amount=Money(Decimal("90000.00")), caller=manager
    )
    for share in shares:  # paid, so that there is money to spend
        consortia.log_contribution(
            found.id, member_id=share.member_id, kind=ContributionKind.CASH, amount=share.amount,
            on=today, year=today.year, reference=None, hours=None, rate=None, caller=manager,
        )  # fmt: skip
    consortia.record_expenditure(
        found.id, amount=Money(Decimal("60000.00")), on=today, description="Bouw van het loket",
        milestone_id=None, caller=manager,
    )  # fmt: skip
    gate = consortia.plan_milestone(
        found.id, title="Het loket werkt", due_date=today, description=None, questions=None,
        tranche=None, closes_phase=Phase.EXPLORATION, responsible_member_ids=None,
        caller=manager,
    )  # fmt: skip
    consortia.evaluate_checkpoint(
        found.id, gate.id, answers=[(q.key, AnswerValue.YES, None) for q in gate.questions],
        decision=Decision.GO, conditions=None, new_due_date=None, clears_conditions_of=None,
        caller=manager,
    )  # fmt: skip
    consortia.plan_need(
        found.id, year=today.year + 1, category=NeedCategory.RUNNING_COSTS,
        amount=Money(Decimal("120000.00")), reason=None, caller=manager,
    )  # fmt: skip
    consortia.publish(found.id, frozenset(Part), manager)
