"""Every refusal of the domain is a readable sentence, fit to show a programme manager as is."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from uuid import uuid4

import pytest

from consortium.accounts import Account, ApiToken
from consortium.aggregate import Consortium
from consortium.errors import DomainError
from consortium.members import Member, MemberRole, Sector, check_population
from consortium.money import Money, require_positive
from consortium.phases import Phase, check_phase_change
from tests.domain.support import START, admit, advance_to, cause, found

# Traces of code that have no place in a sentence for people.
CODE_TRACES = re.compile(r"None|UUID\(|<|>|\b(Phase|Sector|MemberRole|Decimal)\.|\{|\}|\\n")


def with_lead() -> tuple[Consortium, Member]:
    consortium = found()
    lead = admit(consortium, "Gemeente Utrecht", role=MemberRole.LEAD, sector=Sector.MUNICIPALITY)
    return consortium, lead


def left_member() -> tuple[Consortium, Member]:
    consortium = found()
    member = admit(consortium, "Hogeschool Utrecht")
    consortium.member_leaves(member.id, reason=None, cause=cause(2))
    return consortium, member


def closed() -> Consortium:
    consortium = found()
    advance_to(consortium, Phase.CLOSED)
    return consortium


def leave(consortium_and_member: tuple[Consortium, Member]) -> object:
    consortium, member = consortium_and_member
    return consortium.member_leaves(member.id, reason=None, cause=cause(5))


def pledge(consortium_and_member: tuple[Consortium, Member]) -> object:
    consortium, member = consortium_and_member
    return consortium.pledge(
        member_id=member.id, year=START.year, amount=Money(Decimal(10)), reason=None, cause=cause(5)
    )


REFUSALS: dict[str, Callable[[], object]] = {
    "a float amount": lambda: Money(0.5),  # type: ignore[arg-type]
    "an amount with a third decimal": lambda: Money(Decimal("0.001")),
    "an infinite amount": lambda: Money(Decimal("Infinity")),
    "another currency": lambda: Money(Decimal(1), "USD"),
    "an amount that is no text": lambda: Money.parse("1,50"),
    "a zero amount": lambda: require_positive(Money.zero()),
    "an amount above the cap": lambda: require_positive(Money(Decimal(10) ** 13)),
    "a population of a company": lambda: check_population(Sector.MARKET, 10),
    "a population of zero": lambda: check_population(Sector.MUNICIPALITY, 0),
    "a population that is no number": lambda: check_population(
        Sector.MUNICIPALITY,
        "many",  # type: ignore[arg-type]
    ),
    "an empty name": lambda: found("  "),
    "a name too long": lambda: found("n" * 201),
    "a start year in another era": lambda: Consortium.found(
        name="X", challenge="Y", description=None, start_year=1990, cause=cause()
    ),
    "an empty party": lambda: admit(found(), ""),
    "a malformed contact email": lambda: found().admit_member(
        party="Gemeente Utrecht",
        sector=Sector.MUNICIPALITY,
        role=MemberRole.LEAD,
        contact_email="utrecht.nl",
        cause=cause(1),
    ),
    "a party admitted twice": lambda: admit(with_lead()[0], "Gemeente Utrecht"),
    "the last lead leaving": lambda: leave(with_lead()),
    "a member leaving twice": lambda: leave(left_member()),
    "an unknown member": lambda: found().member(uuid4()),
    "a member who left pledging": lambda: pledge(left_member()),
    "a skipped phase": lambda: check_phase_change(Phase.EXPLORATION, Phase.ADOPTION, None),
    "the same phase": lambda: check_phase_change(Phase.PILOT, Phase.PILOT, None),
    "stopping without a reason": lambda: check_phase_change(Phase.PILOT, Phase.STOPPED, None),
    "admitting to a closed consortium": lambda: admit(closed(), "Zorgtech BV", minutes=60),
    "an account email that is no address": lambda: Account.open(
        email="pm at utrecht", name=None, cause=cause()
    ),
    "a token expired at issue": lambda: ApiToken.issue(
        digest="d",
        account_id=uuid4(),
        prefix="cst_",
        name="t",
        expires_at=START,
        cause=cause(),
    ),
}


def refusal(act: Callable[[], object]) -> DomainError:
    try:
        act()
    except DomainError as error:
        return error
    pytest.fail("the act was not refused")


@pytest.mark.parametrize("act", REFUSALS.values(), ids=REFUSALS.keys())
def test_a_refusal_begins_like_a_sentence(act: Callable[[], object]) -> None:
    message = refusal(act).message
    assert re.match(r"[A-Z0-9'\"]", message), message


@pytest.mark.parametrize("act", REFUSALS.values(), ids=REFUSALS.keys())
def test_a_refusal_ends_with_a_full_stop(act: Callable[[], object]) -> None:
    message = refusal(act).message
    assert message.endswith("."), message


@pytest.mark.parametrize("act", REFUSALS.values(), ids=REFUSALS.keys())
def test_a_refusal_shows_no_traces_of_code(act: Callable[[], object]) -> None:
    message = refusal(act).message
    assert not CODE_TRACES.search(message), message


@pytest.mark.parametrize("act", REFUSALS.values(), ids=REFUSALS.keys())
def test_a_refusal_reads_the_same_as_its_exception_text(act: Callable[[], object]) -> None:
    error = refusal(act)
    assert str(error) == error.message
