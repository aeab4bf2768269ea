"""Consortia with a realistic history, for the benchmarks that read them back.

The large one lives several years (its events are dated from January, four years ago, until an
hour ago, at an uneven pace) and ends with 20 current members, after thousands of partners came
and went:

- 20 members admitted at the start (municipalities with their population, universities,
  companies, a civil-society party and two funders), with a representative each and a
  programme manager;
- partners admitted and leaving again throughout (a few at a time present); one in
  ``MONEY_EVERY`` of them pledges and pays a contribution before leaving (their figures stay
  in the consortium's totals, as the budget shows the members who left);
- money every week of those years: pledges per member and year and their revisions, cash and
  in-kind contributions (hours × rate), reversals of mistakes, spending from the pool and
  against released tranches, and cost shares pledged by the population key;
- four milestones with a tranche each, evaluated along the way (go, go with conditions, redo
  then go clearing the conditions), moving the consortium from exploration to adoption, and a
  fifth still open.

Every event is made by the aggregate's own commands and saved by the application in batches
(``Application.save``), which takes its snapshots as it always does (one every
``SNAPSHOT_INTERVAL`` versions): the store ends up as the service would have left it.

The small one has ten events: founded (with its programme manager), three members, a
representative, two pledges, a contribution and a milestone.

The *money* one has four members and nothing but money after their admission: pledges and
revisions, contributions in cash and in kind, reversals, expenditures and cost shares pledged
by a key, all recorded now (its ledger grows; the rows its budget shows do not).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Final
from uuid import UUID

from consortium.access import Role
from consortium.aggregate import Consortium
from consortium.cause import Cause
from consortium.cost_sharing import KeyKind
from consortium.ledger import Contribution, ContributionKind
from consortium.members import Member, MemberRole, Sector
from consortium.milestones import AnswerValue, Decision, Milestone
from consortium.money import Money
from consortium.phases import Phase
from events.consortia import ConsortiumApplication

ACTOR: Final = "benchmark@consortium.localhost"
YEARS: Final = 4  # of history before today
MONEY_EVERY: Final = 10  # one in this many passing partners books money before leaving
PASSING_AT_ONCE: Final = 4  # passing partners present at the same time, at most
SAVE_BATCH: Final = 100  # events saved per transaction while building
# Events kept in hand at the end of the story: passing partners leave (and book), a gate's few.
_RESERVE: Final = PASSING_AT_ONCE * 3 + 8

CURRENT: Final = (
    ("Gemeente Utrecht", Sector.MUNICIPALITY, MemberRole.LEAD, 374_238),
    ("Gemeente Amersfoort", Sector.MUNICIPALITY, MemberRole.PARTNER, 160_000),
    ("Gemeente Zeist", Sector.MUNICIPALITY, MemberRole.PARTNER, 65_000),
    ("Gemeente Nieuwegein", Sector.MUNICIPALITY, MemberRole.PARTNER, 64_000),
    ("Gemeente Houten", Sector.MUNICIPALITY, MemberRole.PARTNER, 50_000),
    ("Gemeente De Bilt", Sector.MUNICIPALITY, MemberRole.PARTNER, 43_000),
    ("Gemeente Woerden", Sector.MUNICIPALITY, MemberRole.ADOPTER, 53_000),
    ("Gemeente Veenendaal", Sector.MUNICIPALITY, MemberRole.ADOPTER, 67_000),
    ("Universiteit Utrecht", Sector.ACADEMIA, MemberRole.PARTNER, None),
    ("Hogeschool Utrecht", Sector.ACADEMIA, MemberRole.PARTNER, None),
    ("TNO", Sector.ACADEMIA, MemberRole.PARTNER, None),
    ("Wageningen University & Research", Sector.ACADEMIA, MemberRole.PARTNER, None),
    ("Stedin Netbeheer B.V.", Sector.MARKET, MemberRole.PARTNER, None),
    ("Heijmans N.V.", Sector.MARKET, MemberRole.PARTNER, None),
    ("Arcadis Nederland B.V.", Sector.MARKET, MemberRole.PARTNER, None),
    ("Royal HaskoningDHV", Sector.MARKET, MemberRole.PARTNER, None),
    ("Stichting Energie Samen", Sector.CIVIL_SOCIETY, MemberRole.PARTNER, None),
    ("Bewonersvereniging Overvecht", Sector.CIVIL_SOCIETY, MemberRole.PARTNER, None),
    ("Provincie Utrecht", Sector.GOVERNMENT, MemberRole.FUNDER, None),
    ("Ministerie van Binnenlandse Zaken", Sector.GOVERNMENT, MemberRole.FUNDER, None),
)
MUNICIPALITIES: Final = 8  # the first eight of CURRENT, who share costs by population
REASONS: Final = (
    "Begrotingswijziging na raadsbesluit",
    "Bijgestelde meerjarenraming",
    "Extra middelen uit de regiodeal",
)


@dataclass
class Built:
    """What a build made: the consortium's id, its events by type, and when it was made."""

    consortium_id: UUID
    events: Counter[str] = field(default_factory=Counter)
    memberships: int = 0
    passing_with_money: int = 0
    first_at: datetime | None = None
    last_at: datetime | None = None

    @property
    def total(self) -> int:
        return sum(self.events.values())

    def describe(self) -> str:
        money = sum(
            n
            for name, n in self.events.items()
            if name
            in (
                "CommitmentPledged",
                "CostSharesPledged",
                "ContributionLogged",
                "ContributionReversed",
                "ExpenditureRecorded",
            )
        )
        kinds = ", ".join(f"{name} {n:,}" for name, n in self.events.most_common())
        span = ""
        if self.first_at and self.last_at:
            span = f" from {self.first_at:%Y-%m-%d} to {self.last_at:%Y-%m-%d}"
        return (
            f"{self.total:,} events{span}: {self.memberships:,} memberships "
            f"({self.passing_with_money:,} of those who left booked money), "
            f"{money:,} money events ({kinds})"
        )


class _Clock:
    """Times from ``start`` to ``end`` over ``events`` versions, at an uneven pace: the gaps
    between events are heavy-tailed (Pareto), most of them short, now and then weeks of quiet,
    as in a real consortium's books (an even pace would flatter any search by time)."""

    def __init__(self, start: datetime, end: datetime, events: int, seed: int) -> None:
        rng = random.Random(seed)
        gaps = [rng.paretovariate(1.2) for _ in range(events + 1)]
        scale = (end - start) / sum(gaps)
        self.times: list[datetime] = []
        elapsed = 0.0
        for gap in gaps:
            elapsed += gap
            self.times.append(start + scale * elapsed)

    def at(self, version: int) -> datetime:
        return self.times[min(version, len(self.times) - 1)]


class _Builder:
    def __init__(self, app: ConsortiumApplication, consortium: Consortium, built: Built) -> None:
        self.app = app
        self.consortium = consortium
        self.built = built
        self.clock: _Clock | None = None
        self.pending = 0

    def cause(self) -> Cause:
        at = self.clock.at(self.consortium.version + 1) if self.clock else datetime.now(UTC)
        return Cause(actor=ACTOR, request_id=f"bench-{self.consortium.version + 1}", at=at)

    def recorded(self) -> None:
        """Count the events the last command recorded, and save a batch when one is full."""
        new = self.consortium._pending_events[self.pending :]
        for event in new:
            self.built.events[type(event).__name__] += 1
        self.pending = len(self.consortium._pending_events)
        if self.pending >= SAVE_BATCH:
            self.save()

    def save(self) -> None:
        if self.consortium._pending_events:
            self.app.save(self.consortium)
        self.pending = 0


def _found(app: ConsortiumApplication, name: str, start: datetime) -> _Builder:
    cause = Cause(actor=ACTOR, request_id="bench-1", at=start)
    consortium = Consortium.found(
        name=name,
        challenge="Energietransitie in de wijk: samen doen wat samen kan",
        description="Warmtenetten en isolatie, wijk voor wijk, van pilot tot adoptie.",
        start_year=start.year,
        cause=cause,
    )
    built = Built(consortium.id, first_at=start)
    builder = _Builder(app, consortium, built)
    builder.recorded()
    consortium.grant_role(account=ACTOR, role=Role.PROGRAMME_MANAGER, member_id=None, cause=cause)
    builder.recorded()
    return builder


def _admit(
    b: _Builder, party: str, sector: Sector, role: MemberRole, population: int | None
) -> Member:
    member = b.consortium.admit_member(
        party=party,
        sector=sector,
        role=role,
        contact_email=f"contact{b.built.memberships}@example.org",
        population=population,
        cause=b.cause(),
    )
    b.built.memberships += 1
    b.recorded()
    return member


def build_small(app: ConsortiumApplication) -> Built:
    """A consortium of ten events, made now."""
    b = _found(app, "Kleine proeftuin", datetime.now(UTC))
    members = [_admit(b, *spec) for spec in CURRENT[:3]]
    c = b.consortium
    c.grant_role(
        account="rep0@example.org",
        role=Role.MEMBER_REPRESENTATIVE,
        member_id=members[0].id,
        cause=b.cause(),
    )
    b.recorded()
    year = b.cause().today.year
    for member in members[:2]:
        c.pledge(
            member_id=member.id,
            year=year,
            amount=Money(Decimal(25_000)),
            reason=None,
            cause=b.cause(),
        )
        b.recorded()
    c.log_contribution(
        member_id=members[0].id,
        kind=ContributionKind.CASH,
        amount=Money(Decimal("12500.00")),
        on=b.cause().today,
        reference="Factuur 2024-001",
        cause=b.cause(),
    )
    b.recorded()
    c.plan_milestone(
        title="Pilot in Overvecht",
        due_date=b.cause().today + timedelta(days=90),
        tranche=Money(Decimal(40_000)),
        closes_phase=Phase.EXPLORATION,
        responsible_member_ids=[members[0].id],
        cause=b.cause(),
    )
    b.recorded()
    b.save()
    b.built.last_at = c.modified_on
    assert c.version == 10, c.version
    return b.built


class _History:
    """The large consortium's story, one command at a time (see the module's docstring)."""

    def __init__(self, b: _Builder, events: int, seed: int, money_every: int) -> None:
        self.b = b
        self.money_every = money_every
        self.c = b.consortium
        self.events = events
        self.random = random.Random(seed)
        self.current: list[Member] = []
        # Partners passing through: each with its number and how many more steps it stays.
        self.passing: list[tuple[Member, int, int]] = []
        self.passed = 0
        self.reversible: list[Contribution] = []
        self.milestones: list[Milestone] = []
        self.step = 0

    # -- the cast -------------------------------------------------------------------------

    def admit_current(self) -> None:
        for number, spec in enumerate(CURRENT):
            member = _admit(self.b, *spec)
            self.current.append(member)
            self.c.grant_role(
                account=f"rep{number}@example.org",
                role=Role.MEMBER_REPRESENTATIVE,
                member_id=member.id,
                cause=self.b.cause(),
            )
            self.b.recorded()

    def partner_arrives(self) -> None:
        self.passed += 1
        sector = (Sector.MARKET, Sector.CIVIL_SOCIETY, Sector.ACADEMIA)[self.passed % 3]
        member = _admit(
            self.b, f"Tijdelijke partner {self.passed:05d} B.V.", sector, MemberRole.PARTNER, None
        )
        self.passing.append((member, self.passed, self.random.randint(2, 12)))

    def partner_leaves(self, member: Member) -> None:
        self.c.member_leaves(member.id, reason="Projectbijdrage afgerond", cause=self.b.cause())
        self.b.recorded()

    def passing_partner_books(self, member: Member, number: int) -> None:
        cause = self.b.cause()
        self.c.pledge(
            member_id=member.id,
            year=cause.today.year,
            amount=Money(Decimal(5_000)),
            reason=None,
            cause=cause,
        )
        self.b.recorded()
        cause = self.b.cause()
        self.c.log_contribution(
            member_id=member.id,
            kind=ContributionKind.CASH,
            amount=Money(Decimal("5000.00")),
            on=cause.today,
            reference=f"Bijdrage partner {number}",
            cause=cause,
        )
        self.b.recorded()
        self.b.built.passing_with_money += 1

    # -- money ------------------------------------------------------------------------------

    def money(self) -> None:
        """One money event of a current member (or of the pool)."""
        cause = self.b.cause()
        today = cause.today
        n = self.step
        member = self.current[n % len(self.current)]
        draw = self.random.random()
        if draw < 0.14:
            year = today.year + (n // len(self.current)) % 2
            current = self.c.ledger.pledge(member.id, year)
            amount = Money(Decimal(10_000 + (n * 7919) % 90_000))
            if current is not None and amount == current:
                amount = amount + Money(Decimal(1))
            self.c.pledge(
                member_id=member.id,
                year=year,
                amount=amount,
                reason=None if current is None else REASONS[n % len(REASONS)],
                cause=cause,
            )
        elif draw < 0.17:
            self.c.pledge_cost_shares(
                amount=Money(Decimal(50_000 + n % 1000)),
                key=KeyKind.POPULATION,
                year=today.year + 1,
                member_ids=[m.id for m in self.current[:MUNICIPALITIES]],
                cause=cause,
            )
        elif draw < 0.62:
            self.reversible.append(
                self.c.log_contribution(
                    member_id=member.id,
                    kind=ContributionKind.CASH,
                    amount=Money(Decimal(100 + (n * 104_729) % 99_900) / 100 * 10),
                    on=today,
                    reference=f"Factuur {today.year}-{n:05d}",
                    cause=cause,
                )
            )
        elif draw < 0.80:
            hours = Decimal(1 + n % 40)
            self.c.log_contribution(
                member_id=member.id,
                kind=ContributionKind.IN_KIND,
                amount=Money(hours * 95),
                on=today,
                hours=hours,
                rate=Money(Decimal(95)),
                cause=cause,
            )
        elif draw < 0.85 and self.reversible:
            original = self.reversible.pop(self.random.randrange(len(self.reversible)))
            self.c.reverse_contribution(
                original, earlier=None, reason="Dubbel geboekt", cause=cause
            )
        else:
            self.spend(cause, n)
        self.b.recorded()

    def spend(self, cause: Cause, n: int) -> None:
        amount = Money(Decimal(50 + n % 450))
        released = [m for m in self.c.milestones if m.is_passed and m.tranche is not None]
        milestone = released[n % len(released)] if released and n % 3 == 0 else None
        if milestone is not None and self.c.spent_against(milestone.id) + amount > (
            milestone.tranche or Money.zero()
        ):
            milestone = None
        if amount > self.c.ledger.available:
            amount = Money(Decimal(1))
            if amount > self.c.ledger.available:  # nothing in the pool yet: money comes first
                self.c.log_contribution(
                    member_id=self.current[0].id,
                    kind=ContributionKind.CASH,
                    amount=Money(Decimal(10_000)),
                    on=cause.today,
                    cause=cause,
                )
                return
        self.c.record_expenditure(
            amount=amount,
            on=cause.today,
            description=f"Inzet wijkteam, week {n % 52 + 1}",
            milestone_id=None if milestone is None else milestone.id,
            cause=cause,
        )

    # -- milestones -------------------------------------------------------------------------

    def plan(self, title: str, closes: Phase | None) -> None:
        cause = self.b.cause()
        self.milestones.append(
            self.c.plan_milestone(
                title=title,
                due_date=cause.today + timedelta(days=120),
                description=f"{title}: meten, evalueren, besluiten.",
                tranche=Money(Decimal(150_000)),
                closes_phase=closes,
                responsible_member_ids=[m.id for m in self.current[:3]],
                cause=cause,
            )
        )
        self.b.recorded()

    def evaluate(
        self,
        number: int,
        decision: Decision,
        *,
        conditions: str | None = None,
        clears: int | None = None,
    ) -> None:
        cause = self.b.cause()
        milestone = self.milestones[number]
        self.c.evaluate_checkpoint(
            milestone.id,
            answers=[
                ("works", AnswerValue.YES, "De warmtepompen draaien naar verwachting."),
                ("next_step", AnswerValue.PARTLY, "Financiering volgend jaar nog niet rond."),
                ("infrastructure", AnswerValue.YES, None),
            ],
            decision=decision,
            conditions=conditions,
            new_due_date=cause.today + timedelta(days=60) if decision is Decision.REDO else None,
            clears_conditions_of=None if clears is None else [self.milestones[clears].id],
            cause=cause,
        )
        self.b.recorded()

    GATES: Final = (
        (0.05, "plan", 0),
        (0.15, "go", 0),
        (0.20, "plan", 1),
        (0.35, "conditions", 1),
        (0.40, "plan", 2),
        (0.55, "redo", 2),
        (0.65, "go-clearing", 2),
        (0.70, "plan", 3),
        (0.85, "go", 3),
        (0.90, "plan", 4),
    )

    def gate(self, what: str, number: int) -> None:
        titles = (
            "Verkenning afgerond",
            "Pilot Overvecht",
            "Opschaling drie wijken",
            "Adoptie in de regio",
            "Structurele financiering",
        )
        closes = (Phase.EXPLORATION, Phase.PILOT, Phase.SCALE_UP, None, None)
        if what == "plan":
            self.plan(titles[number], closes[number])
        elif what == "go":
            self.evaluate(number, Decision.GO)
        elif what == "conditions":
            self.evaluate(
                number,
                Decision.GO_WITH_CONDITIONS,
                conditions="Beheerorganisatie voor het warmtenet vastleggen.",
            )
        elif what == "redo":
            self.evaluate(number, Decision.REDO)
        else:
            self.evaluate(number, Decision.GO, clears=1)

    # -- the story --------------------------------------------------------------------------

    def run(self) -> None:
        self.admit_current()
        gates = list(self.GATES)
        while self.c.version < self.events - _RESERVE:
            self.step += 1
            if gates and self.c.version >= gates[0][0] * self.events:
                _, what, number = gates.pop(0)
                self.gate(what, number)
                continue
            self.tick_passing()
            if self.c.version >= self.events - _RESERVE:
                break
            if self.random.random() < 0.5 and len(self.passing) < PASSING_AT_ONCE:
                self.partner_arrives()
            else:
                self.money()
        for member, _, _ in self.passing:
            self.partner_leaves(member)
        self.passing = []
        while self.c.version < self.events:
            self.step += 1
            self.money()

    def tick_passing(self) -> None:
        staying = []
        for member, number, steps in self.passing:
            if steps > 1:
                staying.append((member, number, steps - 1))
                continue
            booking = self.money_every and number % self.money_every == 0
            if booking and self.c.version < self.events - 2 * _RESERVE:
                self.passing_partner_books(member, number)
            self.partner_leaves(member)
        self.passing = staying


def build_large(
    app: ConsortiumApplication, events: int, seed: int = 12, money_every: int = MONEY_EVERY
) -> Built:
    """A consortium with exactly ``events`` events over ``YEARS`` years (see the docstring);
    one in ``money_every`` partners passing through books money (0: none of them)."""
    now = datetime.now(UTC)
    start = datetime(now.year - YEARS, 1, 5, 9, tzinfo=UTC)
    b = _found(app, "Warmte in de wijk", start)
    b.clock = _Clock(start, now - timedelta(hours=1), events, seed)
    history = _History(b, events, seed, money_every)
    history.run()
    b.save()
    assert b.consortium.version == events, b.consortium.version
    assert len(b.consortium.members) == len(CURRENT), len(b.consortium.members)
    b.built.last_at = b.consortium.modified_on
    return b.built


MONEY_MEMBERS: Final = (
    ("Gemeente Utrecht", Sector.MUNICIPALITY, MemberRole.LEAD, 374_238),
    ("Gemeente Amersfoort", Sector.MUNICIPALITY, MemberRole.PARTNER, 160_000),
    ("Gemeente Zeist", Sector.MUNICIPALITY, MemberRole.PARTNER, 65_000),
    ("Universiteit Utrecht", Sector.ACADEMIA, MemberRole.PARTNER, None),
)


def build_money(app: ConsortiumApplication, events: int) -> Built:
    """Four members, then money only, until the consortium has exactly ``events`` events."""
    b = _found(app, "Pooled budget", datetime.now(UTC))
    members = [_admit(b, *spec).id for spec in MONEY_MEMBERS]
    logged: list[Contribution] = []
    n = 0
    while b.consortium.version < events:
        _book(b, members, n, logged)
        b.recorded()
        n += 1
    b.save()
    b.built.last_at = b.consortium.modified_on
    assert b.consortium.version == events, b.consortium.version
    return b.built


def _amount(n: int) -> Money:
    """1.01 … 999.99 euro, every cent digit in use."""
    return Money(Decimal(101 + n * 37 % 99_899) / 100)


def _book(b: _Builder, members: list[UUID], n: int, logged: list[Contribution]) -> None:
    """The n-th of a cycle of money commands, each recording one event."""
    consortium, cause = b.consortium, b.cause()
    year = cause.today.year
    municipality = members[n % 3]
    kind = n % 8
    if kind == 0:
        consortium.pledge(
            member_id=municipality,
            year=year + (n // 8) % 5,
            amount=Money(Decimal(10_000 + n)),
            reason="Meerjarenbegroting",
            cause=cause,
        )
    elif kind in (1, 2, 7):
        logged.append(
            consortium.log_contribution(
                member_id=municipality,
                kind=ContributionKind.CASH,
                amount=_amount(n),
                on=cause.today,
                reference=f"Factuur {n}",
                cause=cause,
            )
        )
    elif kind == 3:
        logged.append(
            consortium.log_contribution(
                member_id=members[3],
                kind=ContributionKind.IN_KIND,
                amount=Money(Decimal("170.00")),
                on=cause.today,
                hours=Decimal(2),
                rate=Money(Decimal("85.00")),
                cause=cause,
            )
        )
    elif kind == 4 and len(logged) >= 2:
        consortium.reverse_contribution(
            logged.pop(-2), earlier=None, reason="Dubbel geboekt", cause=cause
        )
    elif kind in (4, 5):
        consortium.record_expenditure(
            amount=Money(Decimal("1.00")), on=cause.today, description=f"Inzet {n}", cause=cause
        )
    else:
        consortium.pledge_cost_shares(
            amount=Money(Decimal(30_000 + n) / 100),
            key=KeyKind.POPULATION,
            year=year + 1,
            member_ids=members[:3],
            cause=cause,
        )


def instant_of(app: ConsortiumApplication, consortium_id: UUID, version: int) -> datetime:
    """When the consortium's event of that version was recorded."""
    (event,) = app.events.get(consortium_id, gt=version - 1, lte=version)
    recorded: datetime = getattr(event, "timestamp")  # noqa: B009 - not in the protocol
    return recorded


def today() -> date:
    return datetime.now(UTC).date()
