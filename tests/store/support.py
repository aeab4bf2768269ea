"""Helpers of the store tests: consortia grown through the use cases, or in bulk."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Final, cast
from uuid import UUID

from consortium.aggregate import Consortium
from consortium.cause import Cause
from consortium.ledger import ContributionKind
from consortium.members import Member, MemberRole, Sector
from consortium.money import Money
from consortium.recording import ConsortiumEvent
from events.caller import Caller
from events.consortia import ConsortiumApplication, Page
from tests.clock import StepClock

BULK_ACTOR: Final = "bulk@consortium.example"
# The caller of module-scoped fixtures (the same as the ``caller`` fixture of tests/conftest.py).
PM: Final = Caller(actor="pm@utrecht.example", request_id="req-test", may_found=True)


def found(consortia: ConsortiumApplication, caller: Caller, name: str = "Langer thuis") -> UUID:
    """Found a consortium (2 events: Founded, RoleGranted to the founder)."""
    consortium = consortia.found(
        name=name,
        challenge="Ouderen wonen langer zelfstandig thuis",
        description="Samen doen wat samen kan",
        caller=caller,
    )
    return consortium.id


def admit(
    consortia: ConsortiumApplication,
    consortium_id: UUID,
    party: str,
    caller: Caller,
    *,
    sector: Sector = Sector.MARKET,
    role: MemberRole = MemberRole.PARTNER,
    population: int | None = None,
    contact_email: str | None = None,
) -> Member:
    return consortia.admit_member(
        consortium_id,
        party=party,
        sector=sector,
        role=role,
        contact_email=contact_email,
        population=population,
        caller=caller,
    )


def grow_in_bulk(
    consortia: ConsortiumApplication, consortium_id: UUID, events: int, clock: StepClock
) -> None:
    """Record exactly ``events`` more events in one save, straight on the aggregate (a quick
    set-up of a long history, not a use case): admissions, each followed by a pledge and a
    contribution, and every tenth round a member leaving."""
    consortium: Consortium = consortia.repository.get(consortium_id)
    target = consortium.version + events
    number = 0
    while consortium.version < target:
        number += 1
        cause = Cause(actor=BULK_ACTOR, request_id=f"bulk-{number}", at=clock())
        if number % 10 == 0 and len(consortium.active_members) > 1:
            leaving = consortium.active_members[0]
            consortium.member_leaves(leaving.id, reason="Afgerond", cause=cause)
            continue
        member = consortium.admit_member(
            party=f"Partij {number}",
            sector=Sector.MUNICIPALITY if number % 2 else Sector.ACADEMIA,
            role=MemberRole.PARTNER,
            population=1000 + number if number % 2 else None,
            cause=cause,
        )
        if consortium.version < target:
            consortium.pledge(
                member_id=member.id,
                year=cause.today.year,
                amount=Money(Decimal(number) + Decimal("0.25")),
                reason=None,
                cause=cause,
            )
        if consortium.version < target:
            consortium.log_contribution(
                member_id=member.id,
                kind=ContributionKind.CASH,
                amount=Money(Decimal("10.05")),
                on=cause.today,
                cause=cause,
            )
    consortia.save(consortium)


def comparable(consortium: Consortium) -> dict[str, Any]:
    """What a consortium is, as a reader sees it (sequences as tuples, whatever was loaded)."""
    return {
        "id": consortium.id,
        "version": consortium.version,
        "created_on": consortium.created_on,
        "modified_on": consortium.modified_on,
        "name": consortium.name,
        "challenge": consortium.challenge,
        "description": consortium.description,
        "start_year": consortium.start_year,
        "phase": consortium.phase,
        "phase_since": consortium.phase_since,
        "members": tuple(consortium.members),
        "grants": tuple(consortium.grants),
        "ledger": consortium.ledger,
        "milestones": tuple(consortium.milestones),
        "reminder_policy": consortium.reminder_policy,
        "webhook": consortium.webhook,
    }


@dataclass(frozen=True)
class Recorded:
    """A version of a consortium and the time it was recorded."""

    version: int
    at: datetime


def timeline(consortia: ConsortiumApplication, consortium_id: UUID) -> list[Recorded]:
    """Every version of the consortium with the time it was recorded, in order."""
    events = cast(Iterable[ConsortiumEvent], consortia.events.get(consortium_id))
    return [Recorded(e.originator_version, e.timestamp) for e in events]


def every_page(fetch: Callable[[int | None, int], Page[Any]], limit: int) -> list[Page[Any]]:
    """Follow ``fetch(cursor, limit)`` from the first page to the one without a next cursor."""
    pages: list[Page[Any]] = [fetch(None, limit)]
    while pages[-1].next_cursor is not None:
        assert len(pages) < 10_000, "the cursor never ends"
        pages.append(fetch(pages[-1].next_cursor, limit))
    return pages
