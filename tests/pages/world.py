"""A small world for the pages: a consortium with two members, a milestone and some money, and
the three kinds of users with passwords (programme manager, a municipality's representative,
a funder), plus an outsider who may see nothing of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Final
from uuid import UUID

from consortium.access import Role
from consortium.accounts import Language
from consortium.ledger import ContributionKind
from consortium.members import MemberRole, Sector
from consortium.money import Money
from events.bootstrap import Store
from events.caller import Caller

PASSWORD: Final = "een-lang-wachtwoord-2026"
MANAGER: Final = "pm@utrecht.example"
OFFICER: Final = "ambtenaar@utrecht.example"
FUNDER: Final = "fonds@provincie.example"
OUTSIDER: Final = "buiten@elders.example"


@dataclass(frozen=True)
class World:
    consortium_id: UUID
    municipality_id: UUID
    university_id: UUID
    milestone_id: UUID
    other_consortium_id: UUID


def account_with_password(store: Store, email: str, *, language: Language = Language.NL) -> None:
    system = Caller.system(actor="cli:test", request_id="setup")
    name = email.split("@", maxsplit=1)[0].title()
    account = store.accounts.open_account(
        email=email, name=name, is_admin=False, language=language, caller=system,
        may_found=email == MANAGER,
    )  # fmt: skip
    store.accounts.set_password(account.id, PASSWORD, caller=system)


def build_world(store: Store, today: date = date(2026, 3, 2)) -> World:
    """The world as recorded on ``today`` (the tests' clock starts on 2 March 2026): the
    checkpoint is due on 23 November of that year, the contribution is dated that day."""
    for email in (MANAGER, OFFICER, FUNDER, OUTSIDER):
        account_with_password(store, email)
    manager = Caller(actor=MANAGER, request_id="setup", may_found=True)
    consortia = store.consortia
    found = consortia.found(
        name="Langer thuis in de wijk", challenge="Ouderen wonen langer thuis",
        description=None, caller=manager, start_year=today.year,
    )  # fmt: skip
    municipality = consortia.admit_member(
        found.id, party="Gemeente Utrecht", sector=Sector.MUNICIPALITY, role=MemberRole.LEAD,
        contact_email=OFFICER, population=361_000, caller=manager,
    )  # fmt: skip
    university = consortia.admit_member(
        found.id, party="Universiteit Utrecht", sector=Sector.ACADEMIA,
        role=MemberRole.PARTNER, contact_email=None, population=None, caller=manager,
    )  # fmt: skip
    consortia.grant_role(
        found.id, account=OFFICER, role=Role.MEMBER_REPRESENTATIVE,
        member_id=municipality.id, caller=manager,
    )  # fmt: skip
    consortia.grant_role(found.id, account=FUNDER, role=Role.FUNDER, member_id=None, caller=manager)
    milestone = consortia.plan_milestone(
        found.id, title="Pilot in twee wijken", due_date=today + timedelta(days=266),
        description=None, questions=None, tranche=Money(Decimal("20000.00")), closes_phase=None,
        responsible_member_ids=[municipality.id], caller=manager,
    )  # fmt: skip
    consortia.pledge(
        found.id, member_id=municipality.id, year=today.year, amount=Money(Decimal("50000.00")),
        reason=None, caller=manager,
    )  # fmt: skip
    consortia.log_contribution(
        found.id, member_id=municipality.id, kind=ContributionKind.CASH,
        amount=Money(Decimal("12500.00")), on=today, year=None, reference="F-1",
        hours=None, rate=None, caller=manager,
    )  # fmt: skip
    other = consortia.found(
        name="Slimme mobiliteit", challenge="Minder files", description=None, caller=manager
    )
    return World(found.id, municipality.id, university.id, milestone.id, other.id)
