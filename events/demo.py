"""A realistic sample: consortia of Dutch municipalities, universities and companies.

Each is named with the suffix " (demo)", so that it never takes the name of a consortium of
one's own (the README's first steps found "Langer thuis in de wijk"), and is told apart from
real ones in every list."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Final
from uuid import UUID

from consortium.aggregate import Consortium
from consortium.cost_sharing import KeyKind
from consortium.ledger import ContributionKind
from consortium.members import MemberRole, Sector
from consortium.money import Money
from consortium.phases import Phase
from events.bootstrap import Store
from events.caller import Caller

M, A, C, S, G = (
    Sector.MUNICIPALITY,
    Sector.ACADEMIA,
    Sector.MARKET,
    Sector.CIVIL_SOCIETY,
    Sector.GOVERNMENT,
)
LEAD, PARTNER, FUNDER, ADOPTER = (
    MemberRole.LEAD,
    MemberRole.PARTNER,
    MemberRole.FUNDER,
    MemberRole.ADOPTER,
)


SUFFIX: Final = " (demo)"


@dataclass(frozen=True)
class Party:
    name: str
    sector: Sector
    role: MemberRole
    email: str
    population: int | None = None


@dataclass(frozen=True)
class Sample:
    name: str
    challenge: str
    description: str
    parties: tuple[Party, ...]
    phases: tuple[Phase, ...] = ()
    stop_reason: str | None = None
    leaving: tuple[str, ...] = field(default=())

    @property
    def full_name(self) -> str:
        return self.name + SUFFIX


@dataclass(frozen=True)
class Loaded:
    """What a run of the demo did: the consortia it founded, and those it skipped, each with
    why (name, reason)."""

    founded: list[Consortium]
    skipped: list[tuple[str, str]]


SAMPLES: tuple[Sample, ...] = (
    Sample(
        "Langer thuis in de wijk",
        "Ouderen wonen langer zelfstandig thuis met slimme zorg in de wijk.",
        "Sensoren en een wijkplatform ondersteunen mantelzorgers; begonnen in Utrecht-Overvecht.",
        (
            Party("Gemeente Utrecht", M, LEAD, "wijkzorg@utrecht.example", 374_238),
            Party("Gemeente Amersfoort", M, PARTNER, "zorg@amersfoort.example", 161_154),
            Party("Universiteit Utrecht", A, PARTNER, "onderzoek@uu.example"),
            Party("Zorgtech Nederland BV", C, PARTNER, "projecten@zorgtech.example"),
            Party("Provincie Utrecht", G, FUNDER, "subsidies@provincie-utrecht.example"),
        ),
        phases=(Phase.PILOT,),
    ),
    Sample(
        "Slimme afvalinzameling Brabant",
        "Minder restafval en minder vrachtbewegingen door sensoren in containers.",
        "Verkenning met vulgraadsensoren in Tilburg en Breda.",
        (
            Party("Gemeente Tilburg", M, LEAD, "afval@tilburg.example", 227_529),
            Party("Gemeente Breda", M, PARTNER, "afval@breda.example", 186_380),
            Party("Tilburg University", A, PARTNER, "data@tilburguniversity.example"),
        ),
    ),
    Sample(
        "Common Ground: zaakgericht werken",
        "Eén keer ontwikkelen en 380 keer delen in plaats van 380 keer verkopen.",
        "Gedeelde componenten voor zaakgericht werken, beheerd door een coöperatie.",
        (
            Party("Gemeente Den Haag", M, LEAD, "digitaal@denhaag.example", 566_221),
            Party("GemCloud coöperatie", C, PARTNER, "info@gemcloud.example"),
            Party("VNG Realisatie", S, PARTNER, "commonground@vng.example"),
            Party("Gemeente Zwolle", M, ADOPTER, "i-team@zwolle.example", 132_411),
            Party("Gemeente Dordrecht", M, ADOPTER, "digitaal@dordrecht.example", 121_980),
        ),
        phases=(Phase.PILOT, Phase.SCALE_UP, Phase.ADOPTION),
    ),
    Sample(
        "Drone-inspectie van bruggen",
        "Veilige bruggen met minder afsluitingen door inspectie met drones.",
        "Proef met drones bij vaste bruggen; gestopt na de eerste validatie.",
        (
            Party("Gemeente Groningen", M, LEAD, "bruggen@groningen.example", 238_147),
            Party("Hanzehogeschool Groningen", A, PARTNER, "lectoraat@hanze.example"),
            Party("Skyview Inspecties BV", C, PARTNER, "info@skyview.example"),
        ),
        phases=(Phase.PILOT,),
        stop_reason="De oplossing werkt nog niet: beelden onvoldoende scherp bij wind.",
        leaving=("Skyview Inspecties BV",),
    ),
)


def load_demo(store: Store, caller: Caller) -> Loaded:
    """Found the sample consortia that do not exist yet (by name); say which were skipped."""
    app = store.consortia
    existing = {c.name for c in app.all_consortia()}
    founded = []
    skipped = []
    for sample in SAMPLES:
        if sample.full_name in existing:
            skipped.append(
                (sample.full_name, "a consortium of this name exists (the demo was loaded before)")
            )
            continue
        consortium = app.found(
            name=sample.full_name,
            challenge=sample.challenge,
            description=sample.description,
            caller=caller,
        )
        members = {}
        for party in sample.parties:
            member = app.admit_member(
                consortium.id,
                party=party.name,
                sector=party.sector,
                role=party.role,
                contact_email=party.email,
                population=party.population,
                caller=caller,
            )
            members[party.name] = member.id
        if sample.name == SAMPLES[0].name:
            _money_and_milestones(store, consortium.id, members, caller)
        for phase in sample.phases:
            app.move_to_phase(consortium.id, phase, reason=None, caller=caller)
        for name in sample.leaving:
            app.member_leaves(consortium.id, members[name], reason="Einde proef", caller=caller)
        if sample.stop_reason:
            app.move_to_phase(
                consortium.id, Phase.STOPPED, reason=sample.stop_reason, caller=caller
            )
        founded.append(app.consortium(consortium.id, caller))
    return Loaded(founded, skipped)


def _money_and_milestones(
    store: Store, consortium_id: UUID, members: dict[str, UUID], caller: Caller
) -> None:
    """The first sample gets a budget over four years and a checkpoint due soon."""
    app = store.consortia
    today = app.today()
    year = today.year
    municipalities = [members["Gemeente Utrecht"], members["Gemeente Amersfoort"]]
    for offset in range(4):
        app.share_costs(
            consortium_id,
            amount=Money(Decimal(120_000)),
            key=KeyKind.POPULATION,
            member_ids=municipalities,
            weights=None,
            commit_year=year + offset,
            caller=caller,
        )
    app.pledge(
        consortium_id,
        member_id=members["Provincie Utrecht"],
        year=year,
        amount=Money(Decimal(50_000)),
        reason=None,
        caller=caller,
    )
    for name, amount in (("Gemeente Utrecht", 40_000), ("Provincie Utrecht", 50_000)):
        app.log_contribution(
            consortium_id,
            member_id=members[name],
            kind=ContributionKind.CASH,
            amount=Money(Decimal(amount)),
            on=today,
            year=None,
            reference="Eerste storting",
            hours=None,
            rate=None,
            caller=caller,
        )
    app.log_contribution(
        consortium_id,
        member_id=members["Universiteit Utrecht"],
        kind=ContributionKind.IN_KIND,
        amount=None,  # 120 hours × 80 euro
        on=today,
        year=None,
        reference="Onderzoek naar gebruik van het wijkplatform",
        hours=Decimal(120),
        rate=Money(Decimal(80)),
        caller=caller,
    )
    app.record_expenditure(
        consortium_id,
        amount=Money(Decimal(15_000)),
        on=today,
        description="Sensoren voor 40 woningen",
        milestone_id=None,
        caller=caller,
    )
    app.plan_milestone(
        consortium_id,
        title="Pilot Overvecht geëvalueerd",
        due_date=today + timedelta(days=10),
        description="Werkt het wijkplatform voor mantelzorgers?",
        questions=["Zijn de mantelzorgers tevreden?"],
        tranche=Money(Decimal(60_000)),
        closes_phase=Phase.PILOT,
        responsible_member_ids=[members["Gemeente Utrecht"], members["Universiteit Utrecht"]],
        caller=caller,
    )
    app.plan_milestone(
        consortium_id,
        title="Opschaling naar Amersfoort",
        due_date=today + timedelta(days=180),
        description=None,
        questions=None,
        tranche=Money(Decimal(120_000)),
        closes_phase=None,
        responsible_member_ids=[members["Gemeente Amersfoort"]],
        caller=caller,
    )
