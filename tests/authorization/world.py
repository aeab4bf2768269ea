"""A small world for authorization tests: one consortium C run by a programme manager, with a
member representative, a funder, an outsider, a programme manager of another consortium and an
administrator, each with a token; an invitation to C not used yet; and C in the catalogue, with
a request to adopt it pending."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from consortium.access import Role
from consortium.accounts import Language
from consortium.ledger import ContributionKind
from consortium.members import MemberRole, Sector
from consortium.milestones import AnswerValue, Decision
from consortium.money import Money
from consortium.publication import Part
from events.bootstrap import Store
from events.caller import Caller
from events.invitations import invitation_token
from events.secret_key import service_secret

ASKER = "officer@bunnik.example"
ROLES = ("anonymous", "admin", "pm", "rep", "funder", "other_pm", "outsider")


@dataclass
class World:
    tokens: dict[str, str]
    accounts: dict[str, UUID]
    consortium: UUID
    other_consortium: UUID
    member: UUID  # represented by "rep"
    other_member: UUID
    contribution: UUID  # of `member`, not reversed
    reversed_contribution: UUID
    expenditure: UUID
    commitment: UUID
    grant: UUID  # the funder's role
    spare_token: UUID  # a second token of "rep"
    milestone: UUID  # open, never evaluated
    redone_milestone: UUID  # evaluated once (redo), so open again
    invitation: UUID  # of someone without an account before, to be a funder; not used yet
    invitation_secret: str
    adoption_request: UUID  # pending, asked by ASKER (an address without a role in C)


def email(role: str) -> str:
    return f"{role}@consortium.example"


def build_world(store: Store) -> World:
    system = Caller.system("cli:test", "setup")
    accounts = store.accounts
    tokens: dict[str, str] = {}
    ids: dict[str, UUID] = {}
    for role in ROLES[1:]:
        account = accounts.open_account(
            email=email(role),
            name=role,
            is_admin=role == "admin",
            may_found=role in ("pm", "other_pm"),
            language=Language.EN,  # the words the tests expect
            caller=system,
        )
        ids[role] = account.id
        tokens[role] = accounts.issue_token(
            account, name="test", expires_at=None, caller=system
        ).secret
    spare = accounts.issue_token(
        accounts.account(ids["rep"]), name="spare", expires_at=None, caller=system
    )

    app = store.consortia
    pm = Caller(email("pm"), "setup", may_found=True)
    c = app.found(name="Langer thuis", challenge="Zorg in de wijk", description=None, caller=pm)
    other_pm = Caller(email("other_pm"), "setup", may_found=True)
    d = app.found(name="Afval", challenge="Minder restafval", description=None, caller=other_pm)
    utrecht = app.admit_member(
        c.id,
        party="Gemeente Utrecht",
        sector=Sector.MUNICIPALITY,
        role=MemberRole.LEAD,
        contact_email=None,
        population=374_238,
        caller=pm,
    )
    zeist = app.admit_member(
        c.id,
        party="Gemeente Zeist",
        sector=Sector.MUNICIPALITY,
        role=MemberRole.PARTNER,
        contact_email=None,
        population=65_000,
        caller=pm,
    )
    app.grant_role(
        c.id, account=email("rep"), role=Role.MEMBER_REPRESENTATIVE, member_id=utrecht.id, caller=pm
    )
    funder = app.grant_role(
        c.id, account=email("funder"), role=Role.FUNDER, member_id=None, caller=pm
    )
    commitment = app.pledge(
        c.id,
        member_id=utrecht.id,
        year=2026,
        amount=Money(Decimal(1000)),
        reason=None,
        caller=pm,
    )

    def contribute(amount: int) -> UUID:
        return app.log_contribution(
            c.id,
            member_id=utrecht.id,
            kind=ContributionKind.CASH,
            amount=Money(Decimal(amount)),
            on=date(2026, 3, 1),
            year=None,
            reference=None,
            hours=None,
            rate=None,
            caller=pm,
        ).id

    contribution = contribute(500)
    reversed_contribution = contribute(20)
    app.reverse_contribution(c.id, reversed_contribution, reason="dubbel", caller=pm)
    expenditure = app.record_expenditure(
        c.id,
        amount=Money(Decimal(100)),
        on=date(2026, 3, 1),
        description="Werksessie",
        milestone_id=None,
        caller=pm,
    )
    milestone = app.plan_milestone(
        c.id,
        title="Pilot klaar",
        due_date=date(2026, 4, 1),
        description=None,
        questions=None,
        tranche=Money(Decimal(100)),
        closes_phase=None,
        responsible_member_ids=[utrecht.id],
        caller=pm,
    )
    redone = app.plan_milestone(
        c.id,
        title="Verkenning klaar",
        due_date=date(2026, 3, 20),
        description=None,
        questions=None,
        tranche=None,
        closes_phase=None,
        responsible_member_ids=None,
        caller=pm,
    )
    app.evaluate_checkpoint(
        c.id,
        redone.id,
        answers=[
            (key, AnswerValue.PARTLY, None) for key in ("works", "next_step", "infrastructure")
        ],
        decision=Decision.REDO,
        conditions=None,
        new_due_date=date(2026, 5, 1),
        clears_conditions_of=None,
        caller=pm,
    )
    passed = app.plan_milestone(
        c.id,
        title="Eerste stap gezet",
        due_date=date(2026, 3, 10),
        description=None,
        questions=None,
        tranche=None,
        closes_phase=None,
        responsible_member_ids=None,
        caller=pm,
    )
    app.evaluate_checkpoint(
        c.id,
        passed.id,
        answers=[(key, AnswerValue.YES, None) for key in ("works", "next_step", "infrastructure")],
        decision=Decision.GO,
        conditions=None,
        new_due_date=None,
        clears_conditions_of=None,
        caller=pm,
    )
    app.publish(c.id, list(Part), pm)  # in the catalogue: a gate passed, everything published
    adoption = app.ask_to_adopt(
        c.id,
        party="Gemeente Bunnik",
        population=15_000,
        contact_email=ASKER,
        caller=Caller(ASKER, "setup"),
    )
    store.reminders.set_webhook(c.id, "https://hooks.example.org/consortium", caller=pm)
    invitation = store.invitations.invite(
        c.id, email="invited@consortium.example", role=Role.FUNDER, member_id=None, caller=pm
    )
    return World(
        tokens=tokens,
        accounts=ids,
        consortium=c.id,
        other_consortium=d.id,
        member=utrecht.id,
        other_member=zeist.id,
        contribution=contribution,
        reversed_contribution=reversed_contribution,
        expenditure=expenditure.id,
        commitment=commitment.id,
        grant=funder.id,
        spare_token=spare.token.id,
        milestone=milestone.id,
        redone_milestone=redone.id,
        invitation=invitation.id,
        adoption_request=adoption.id,
        invitation_secret=invitation_token(invitation.id, service_secret()),
    )
