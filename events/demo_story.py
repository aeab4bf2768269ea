"""The four-year story the demo tells: each sample consortium's past, entered on its own days.

Consortia began in 2023 and 2024; their needs run per year to 2030 (the pilot, scaling up, and
the structural years: running costs, licences, maintenance, support); members pledged in cash
and in kind on the days they did, paid on real dates, and checkpoints were evaluated when they
were. One consortium's pledges stop after its pilot: its financing is at risk. So every view
(budget, horizon, warnings, history, checkpoints) has something to show.

Days of the past are fixed (the story starts in 2023); what happens "now" (a payment this year,
a checkpoint due soon) is relative to today, so the demo stays sensible in later years
(:mod:`events.demo_chapter` moves the whole story on, should 2023 ever lie too far back).
"""

from __future__ import annotations

from datetime import timedelta

from consortium.figures import NeedCategory
from consortium.ledger import ContributionKind
from consortium.milestones import AnswerValue, Decision
from consortium.phases import Phase
from events.demo_chapter import Chapter

IN_KIND = ContributionKind.IN_KIND
EXPLORATION, PILOT, SCALE_UP = NeedCategory.EXPLORATION, NeedCategory.PILOT, NeedCategory.SCALE_UP
RUNNING, LICENCES, MAINTENANCE, SUPPORT = (
    NeedCategory.RUNNING_COSTS,
    NeedCategory.LICENCES,
    NeedCategory.MAINTENANCE,
    NeedCategory.SUPPORT,
)


def home_care(c: Chapter) -> None:
    """Langer thuis in de wijk, since 2023: explored, piloted, now scaling up. Its pledges
    cover this year and the next; the structural years from 2028 still lack money."""
    d, y = c.day, c.year
    u, p, uu, am = (
        "Gemeente Utrecht",
        "Provincie Utrecht",
        "Universiteit Utrecht",
        "Gemeente Amersfoort",
    )
    c.need(y(2023), EXPLORATION, 60_000)
    c.need(y(2024), PILOT, 150_000)
    c.need(y(2025), PILOT, 150_000)
    c.need(y(2026), SCALE_UP, 200_000)
    c.need(y(2027), SCALE_UP, 180_000)
    c.structural(y(2028), {RUNNING: 60_000, LICENCES: 15_000, MAINTENANCE: 20_000, SUPPORT: 25_000})
    c.pledge(u, y(2023), 40_000, d(2023, 1, 20))
    c.pledge(p, y(2023), 20_000, d(2023, 2, 10))
    c.pledge(u, y(2024), 50_000, d(2023, 11, 30))
    c.pledge(u, y(2024), 60_000, d(2024, 2, 15), reason="Raadsbesluit: een derde wijk")
    c.pledge(p, y(2024), 50_000, d(2023, 12, 14))
    c.pledge(p, y(2025), 50_000, d(2023, 12, 14))
    c.pledge(uu, y(2024), 40_000, d(2024, 1, 15), kind=IN_KIND)
    c.pledge(uu, y(2025), 40_000, d(2024, 1, 15), kind=IN_KIND)
    c.pledge(u, y(2025), 60_000, d(2024, 11, 28))
    c.pledge(am, y(2026), 40_000, d(2025, 10, 1))
    c.pledge(am, y(2027), 50_000, d(2025, 10, 1))
    c.pledge(p, y(2026), 60_000, d(2025, 6, 20))
    c.pledge(p, y(2027), 50_000, d(2025, 6, 20))
    c.pledge(uu, y(2026), 20_000, d(2025, 12, 1), kind=IN_KIND)
    for year in range(y(2026), c.last_year + 1):
        c.pledge(u, year, 80_000 if year <= y(2027) else 60_000, d(2025, 11, 27))
    for year in range(y(2028), c.last_year + 1):
        c.pledge(am, year, 30_000, d(2025, 10, 1))
    for party, euro, days in ((u, 40_000, (2023, 3, 15)), (p, 20_000, (2023, 4, 3))):
        c.give(party, euro, d(*days), "Bijdrage verkenning")
    for party, euro, days in ((u, 60_000, (2024, 3, 14)), (p, 50_000, (2024, 4, 2))):
        c.give(party, euro, d(*days), "Bijdrage pilot")
    for party, euro, days in ((u, 60_000, (2025, 3, 13)), (p, 50_000, (2025, 4, 1))):
        c.give(party, euro, d(*days), "Bijdrage pilot")
    c.give(uu, None, d(2024, 12, 20), "Onderzoek gebruik wijkplatform", IN_KIND, hours=400, rate=95)
    c.give(uu, None, d(2025, 12, 19), "Evaluatie pilot", IN_KIND, hours=420, rate=95)
    c.give(u, 80_000, c.today, "Eerste storting dit jaar", year=c.today.year)
    c.spend(35_000, d(2023, 10, 2), "Verkenning: gesprekken met mantelzorgers")
    c.spend(120_000, d(2024, 9, 16), "Sensoren en wijkplatform Overvecht")
    c.spend(100_000, d(2025, 6, 30), "Pilot in drie wijken")
    explored = c.milestone(
        "Verkenning afgerond", d(2023, 2, 1), d(2023, 11, 30), closes=Phase.EXPLORATION
    )
    c.evaluate(explored, Decision.GO, d(2023, 12, 5))
    piloted = c.milestone(
        "Pilot Overvecht geëvalueerd",
        d(2024, 1, 15),
        d(2025, 6, 30),
        closes=Phase.PILOT,
        responsible=(u, uu),
        tranche=60_000,
    )
    c.evaluate(
        piloted,
        Decision.GO_WITH_CONDITIONS,
        d(2025, 7, 3),
        conditions="Privacytoets afronden vóór de opschaling",
    )
    c.milestone(
        "Opschaling naar Amersfoort",
        d(2025, 7, 10),
        c.today + timedelta(days=10),
        closes=Phase.SCALE_UP,
        responsible=(am, uu),
        tranche=120_000,
    )
    c.milestone(
        "Structurele financiering geregeld",
        c.today,
        c.today + timedelta(days=180),
        responsible=(u,),
    )


def waste(c: Chapter) -> None:
    """Slimme afvalinzameling Brabant, since 2024: the pilot is paid for, but nobody pledged
    for the years after it. Its financing is at risk."""
    d, y = c.day, c.year
    t, b, tiu, nb = (
        "Gemeente Tilburg",
        "Gemeente Breda",
        "Tilburg University",
        "Provincie Noord-Brabant",
    )
    c.need(y(2024), EXPLORATION, 30_000)
    c.need(y(2025), PILOT, 90_000)
    c.need(y(2026), PILOT, 90_000)
    c.need(y(2027), SCALE_UP, 150_000)
    c.structural(y(2028), {RUNNING: 45_000, LICENCES: 12_000})
    for party, euros, on in (
        (t, (15_000, 40_000, 40_000), d(2024, 2, 5)),
        (b, (10_000, 30_000, 30_000), d(2024, 2, 12)),
        (nb, (5_000, 20_000, 20_000), d(2024, 3, 20)),
    ):
        for year, euro in zip((y(2024), y(2025), y(2026)), euros, strict=True):
            c.pledge(party, year, euro, on)
    for party, euro, on in (
        (t, 15_000, d(2024, 3, 1)),
        (b, 10_000, d(2024, 3, 15)),
        (nb, 5_000, d(2024, 4, 2)),
        (t, 40_000, d(2025, 2, 3)),
        (b, 30_000, d(2025, 2, 17)),
        (nb, 20_000, d(2025, 3, 3)),
    ):
        c.give(party, euro, on, f"Bijdrage {on.year}")
    c.give(tiu, None, d(2025, 11, 28), "Analyse vulgraadmetingen", IN_KIND, hours=200, rate=85)
    c.spend(25_000, d(2024, 6, 3), "Vulgraadsensoren in 300 containers")
    c.spend(70_000, d(2025, 9, 1), "Pilot Tilburg-Noord en Breda-Oost")
    explored = c.milestone(
        "Verkenning vulgraadsensoren", d(2024, 2, 1), d(2024, 10, 31), closes=Phase.EXPLORATION
    )
    c.evaluate(explored, Decision.GO, d(2024, 11, 5))
    c.milestone(
        "Pilot afgerond: besluit over opschaling",
        d(2024, 11, 10),
        d(2026, 11, 30),
        closes=Phase.PILOT,
        responsible=(t, b),
    )


def common_ground(c: Chapter) -> None:
    """Common Ground, since 2023: adopted; its structural years are pledged up to 2030 by
    the lead and the municipalities that adopted it, one after another."""
    d, y = c.day, c.year
    dh, gc, zw, dd = (
        "Gemeente Den Haag",
        "GemCloud coöperatie",
        "Gemeente Zwolle",
        "Gemeente Dordrecht",
    )
    c.need(y(2023), PILOT, 100_000)
    c.need(y(2024), SCALE_UP, 150_000)
    c.structural(y(2025), {RUNNING: 50_000, LICENCES: 20_000, SUPPORT: 30_000})
    c.pledge(dh, y(2023), 100_000, d(2023, 1, 12))
    c.pledge(dh, y(2024), 100_000, d(2023, 12, 7))
    c.pledge(gc, y(2024), 50_000, d(2024, 1, 10), kind=IN_KIND)
    for year in range(y(2025), c.last_year + 1):
        c.pledge(dh, year, 50_000, d(2024, 6, 13))
        c.pledge(zw, year, 25_000, d(2024, 9, 2))
        c.pledge(dd, year, 25_000, d(2025, 3, 3))
    for party, euro, on in (
        (dh, 100_000, d(2023, 2, 1)),
        (dh, 100_000, d(2024, 2, 1)),
        (dh, 50_000, d(2025, 2, 3)),
        (zw, 25_000, d(2025, 1, 15)),
        (dd, 25_000, d(2025, 4, 1)),
    ):
        c.give(party, euro, on, f"Bijdrage {on.year}")
    c.give(gc, 50_000, d(2024, 12, 31), "Beheer van de componenten 2024", IN_KIND)
    c.spend(80_000, d(2023, 9, 1), "Componenten zaakgericht werken")
    c.spend(90_000, d(2024, 10, 1), "Uitrol bij de eerste gemeenten")


def drones(c: Chapter) -> None:
    """Drone-inspectie van bruggen, since 2024: the company left after the pilot, and the
    first validation stopped it (the images were not sharp enough in wind)."""
    d, y = c.day, c.year
    g, sky = "Gemeente Groningen", "Skyview Inspecties BV"
    c.need(y(2024), PILOT, 60_000)
    c.need(y(2025), SCALE_UP, 80_000)
    c.pledge(g, y(2024), 40_000, d(2024, 1, 10))
    c.pledge(sky, y(2024), 20_000, d(2024, 2, 1), kind=IN_KIND)
    c.pledge(g, y(2025), 80_000, d(2024, 11, 20))
    c.give(g, 40_000, d(2024, 2, 15), "Bijdrage pilot")
    c.give(sky, None, d(2024, 9, 30), "Inspectievluchten", IN_KIND, hours=160, rate=125)
    c.spend(30_000, d(2024, 5, 1), "Twee inspectiedrones")
    validation = c.milestone(
        "Eerste validatie drone-beelden", d(2024, 2, 1), d(2025, 5, 31), closes=Phase.PILOT
    )
    c.leaves(sky, d(2025, 6, 2), "Einde proef")
    c.evaluate(validation, Decision.STOP, d(2025, 6, 10), works=AnswerValue.NO)
