"""A realistic sample: consortia of Dutch municipalities, universities and companies, with a
four-year story (:mod:`events.demo_story`): begun in 2023 and 2024, members joining over time,
back-dated pledges, contributions and evaluations, needs per year to 2030, and one consortium
whose financing is at risk after its pilot.

Each is named with the suffix " (demo)", so that it never takes the name of a consortium of
one's own (the README's first steps found "Langer thuis in de wijk"), and is told apart from
real ones in every list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Final

from consortium.aggregate import Consortium
from consortium.members import MemberRole, Sector
from consortium.phases import Phase
from events.bootstrap import Store
from events.caller import Caller
from events.demo_chapter import Chapter, story_shift
from events.demo_story import common_ground, drones, home_care, waste

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
    joined: tuple[int, int, int]  # the day it joined (year, month, day), in the story's years
    population: int | None = None


@dataclass(frozen=True)
class Sample:
    name: str
    challenge: str
    description: str
    began: int  # the first year of its budget, in the story's years
    parties: tuple[Party, ...]
    story: Callable[[Chapter], None]
    phases: tuple[Phase, ...] = ()  # moved to before its story (which may move it on)

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
        2023,
        (
            Party("Gemeente Utrecht", M, LEAD, "wijkzorg@utrecht.example", (2023, 1, 16), 374_238),
            Party(
                "Provincie Utrecht", G, FUNDER, "subsidies@provincie-utrecht.example", (2023, 2, 1)
            ),
            Party("Universiteit Utrecht", A, PARTNER, "onderzoek@uu.example", (2023, 3, 1)),
            Party("Zorgtech Nederland BV", C, PARTNER, "projecten@zorgtech.example", (2023, 9, 1)),
            Party(
                "Gemeente Amersfoort", M, PARTNER, "zorg@amersfoort.example", (2024, 5, 13), 161_154
            ),
        ),
        home_care,
    ),
    Sample(
        "Slimme afvalinzameling Brabant",
        "Minder restafval en minder vrachtbewegingen door sensoren in containers.",
        "Pilot met vulgraadsensoren in Tilburg en Breda; na de pilot is niets toegezegd.",
        2024,
        (
            Party("Gemeente Tilburg", M, LEAD, "afval@tilburg.example", (2024, 2, 1), 227_529),
            Party("Gemeente Breda", M, PARTNER, "afval@breda.example", (2024, 2, 1), 186_380),
            Party("Provincie Noord-Brabant", G, FUNDER, "subsidie@brabant.example", (2024, 3, 1)),
            Party(
                "Tilburg University", A, PARTNER, "data@tilburguniversity.example", (2024, 4, 15)
            ),
        ),
        waste,
    ),
    Sample(
        "Common Ground: zaakgericht werken",
        "Eén keer ontwikkelen en 380 keer delen in plaats van 380 keer verkopen.",
        "Gedeelde componenten voor zaakgericht werken, beheerd door een coöperatie.",
        2023,
        (
            Party("Gemeente Den Haag", M, LEAD, "digitaal@denhaag.example", (2023, 1, 9), 566_221),
            Party("GemCloud coöperatie", C, PARTNER, "info@gemcloud.example", (2023, 1, 9)),
            Party("VNG Realisatie", S, PARTNER, "commonground@vng.example", (2023, 3, 1)),
            Party("Gemeente Zwolle", M, ADOPTER, "i-team@zwolle.example", (2024, 9, 2), 132_411),
            Party(
                "Gemeente Dordrecht",
                M,
                ADOPTER,
                "digitaal@dordrecht.example",
                (2025, 3, 3),
                121_980,
            ),
        ),
        common_ground,
        phases=(Phase.PILOT, Phase.SCALE_UP, Phase.ADOPTION),
    ),
    Sample(
        "Drone-inspectie van bruggen",
        "Veilige bruggen met minder afsluitingen door inspectie met drones.",
        "Proef met drones bij vaste bruggen; gestopt na de eerste validatie.",
        2024,
        (
            Party(
                "Gemeente Groningen", M, LEAD, "bruggen@groningen.example", (2024, 1, 8), 238_147
            ),
            Party("Hanzehogeschool Groningen", A, PARTNER, "lectoraat@hanze.example", (2024, 1, 8)),
            Party("Skyview Inspecties BV", C, PARTNER, "info@skyview.example", (2024, 2, 1)),
        ),
        drones,
        phases=(Phase.PILOT,),
    ),
)


def load_demo(store: Store, caller: Caller) -> Loaded:
    """Found the sample consortia that do not exist yet (by name), each with its past; say
    which were skipped."""
    app = store.consortia
    today = app.today()
    shift = story_shift(today)
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
            start_year=sample.began + shift,
            caller=caller,
        )
        members = {}
        for party in sample.parties:
            year, month, day = party.joined
            member = app.admit_member(
                consortium.id,
                party=party.name,
                sector=party.sector,
                role=party.role,
                contact_email=party.email,
                population=party.population,
                joined_on=date(year + shift, month, day),
                caller=caller,
            )
            members[party.name] = member.id
        for phase in sample.phases:
            app.move_to_phase(consortium.id, phase, reason=None, caller=caller)
        sample.story(Chapter(app, consortium.id, members, caller, today, shift))
        founded.append(app.consortium(consortium.id, caller))
    return Loaded(founded, skipped)
