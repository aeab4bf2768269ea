"""Helpers of the adoption tests: a solution piloted by three municipalities, proven at a gate
and published, built through the use cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final
from uuid import UUID

from flask.testing import FlaskClient

from consortium.ledger import ContributionKind
from consortium.members import MemberRole, Sector
from consortium.milestones import AnswerValue, Decision
from consortium.money import Money
from consortium.phases import Phase
from consortium.publication import Part
from events.bootstrap import Store
from events.caller import Caller
from events.consortia import ConsortiumApplication

PM: Final = Caller(actor="pm@utrecht.example", request_id="req-test", may_found=True)
PILOT: Final = (
    ("Gemeente Utrecht", 361_000),
    ("Gemeente Amersfoort", 160_000),
    ("Gemeente Zeist", 65_000),
)


def officer(town: str) -> Caller:
    """The account of an officer of a municipality outside the pilot."""
    return Caller(actor=f"officer@{town}.example", request_id=f"req-{town}")


@dataclass(frozen=True)
class Pilot:
    consortium_id: UUID
    member_ids: tuple[UUID, ...]
    gate_id: UUID


def pilot(
    consortia: ConsortiumApplication,
    *,
    spent: str = "60000.00",
    publish: frozenset[Part] = frozenset(Part),
) -> Pilot:
    """A pilot of three municipalities (2026): its costs shared by population and paid, some
    spent, its first gate passed (exploration → pilot), and what ``publish`` names published."""
    consortium = consortia.found(
        name="Digitaal ondernemersloket",
        challenge="Ondernemers regelen hun vergunningen op één plek",
        description="Samen doen wat samen kan",
        caller=PM,
    )
    cid = consortium.id
    members = []
    for number, (party, population) in enumerate(PILOT):
        members.append(
            consortia.admit_member(
                cid,
                party=party,
                sector=Sector.MUNICIPALITY,
                role=MemberRole.LEAD if number == 0 else MemberRole.PARTNER,
                contact_email=None,
                population=population,
                caller=PM,
            ).id
        )
    _, shares = consortia.pledge_by_key(
        cid, year=2026, amount=Money(Decimal("100000.00")), caller=PM
    )
    for share in shares:
        consortia.log_contribution(
            cid,
            member_id=share.member_id,
            kind=ContributionKind.CASH,
            amount=share.amount,
            on=date(2026, 3, 2),
            year=2026,
            reference=None,
            hours=None,
            rate=None,
            caller=PM,
        )
    consortia.record_expenditure(
        cid,
        amount=Money(Decimal(spent)),
        on=date(2026, 3, 2),
        description="Bouw van het loket",
        milestone_id=None,
        caller=PM,
    )
    gate = consortia.plan_milestone(
        cid,
        title="Het loket werkt",
        due_date=date(2026, 6, 1),
        description=None,
        questions=["Vinden ondernemers het loket?"],
        tranche=None,
        closes_phase=Phase.EXPLORATION,
        responsible_member_ids=None,
        caller=PM,
    )
    consortia.evaluate_checkpoint(
        cid,
        gate.id,
        answers=[(q.key, AnswerValue.YES, None) for q in gate.questions],
        decision=Decision.GO,
        conditions=None,
        new_due_date=None,
        clears_conditions_of=None,
        caller=PM,
    )
    consortia.publish(cid, publish, PM)
    return Pilot(cid, tuple(members), gate.id)


def logged_in(client: FlaskClient, store: Store, email: str) -> None:
    """The client's page session is one of the account's (as the login page starts it)."""
    account = store.accounts.find_account(email)
    assert account is not None, email
    started = store.accounts.start_session(account, caller=Caller.system("test", "login"))
    with client.session_transaction() as session:
        session["session_id"] = str(started.id)
