"""Portfolio: the first page with 5,000 consortia ÷ with 50 (target ≤ 1.5), and projection
catch-up in events per second ÷ the write rate in events per second (target ≥ 1).

First page: ``ReadSide.portfolio`` (what ``GET /api/v1/consortia`` calls), limit 50, including
its read-your-writes check (the log's head against the read model's position), on a caught-up
read model. Two stores of the same backend, one with 50 consortia and one with 5,000, are asked
in turns (blocks of calls), so a change of load on the machine falls on both alike; the figure
is the median of many calls. On PostgreSQL the read-model tables are ANALYZEd first, as
autovacuum does soon after such a fill. The headline is the administrator's default list
(sorted by founding, 50 rows on both sides). Also printed: other sorts, filters, a programme
manager who runs one consortium in ten and a funder who funds one in a hundred (these see fewer
rows with 50 consortia than with 5,000: the number of rows is printed beside each figure).

Catch-up ÷ writes: one writer records commands through ``ConsortiumApplication`` (admissions,
pledges, contributions, milestones, role grants, in consortia picked at random) with the read
model left alone; its rate is events recorded per second. Then ``Follower.catch_up`` applies
exactly those events; its rate is events applied per second. Both on the store with 5,000.

The stores are filled quickly: consortia are made in memory by the aggregate's own commands
(founding, programme manager, members, a pledge, a milestone, sometimes a funder) and saved a
hundred at a time; then the read model catches up with them (that rate is printed too).

    python -m benchmarks.portfolio [--quick]      (--quick: 1,000 consortia, fewer calls)
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from functools import partial
from typing import Final
from uuid import UUID

from benchmarks.common import (
    Backend,
    argument_parser,
    backends,
    heading,
    load_average,
    machine,
    median,
    ms,
    spread,
    time_calls,
    verdict,
)
from consortium.access import Principal, Role
from consortium.aggregate import Consortium
from consortium.cause import Cause
from consortium.ledger import ContributionKind
from consortium.members import MemberRole, Sector
from consortium.money import Money
from events.bootstrap import Store, open_store
from events.caller import Caller
from events.readmodel.queries import PortfolioFilter
from events.readmodel.tables import TABLES

SMALL: Final = 50
LARGE: Final = 5_000
QUICK_LARGE: Final = 1_000
PAGE: Final = 50
BATCH: Final = 100
WRITES: Final = 1_000
QUICK_WRITES: Final = 200
REPETITIONS: Final = 200
QUICK_REPETITIONS: Final = 30
TARGET_PAGE_RATIO: Final = 1.5
TARGET_CATCH_UP_RATIO: Final = 1.0

MANAGERS: Final = 10  # consortia are founded by ten programme managers in turn
FUNDED_EVERY: Final = 100  # the funder funds one consortium in a hundred
FUNDER: Final = "financier@fonds.example"
SYSTEM: Final = Caller.system("benchmark@consortium.localhost", "benchmark-portfolio")
ADMIN: Final = SYSTEM.principal
MANAGER: Final = Principal("pm0@gemeente.example")
PARTIES: Final = (
    ("Gemeente Utrecht", Sector.MUNICIPALITY),
    ("Universiteit Utrecht", Sector.ACADEMIA),
    ("Zorgtech BV", Sector.MARKET),
    ("Stichting Welzijn", Sector.CIVIL_SOCIETY),
    ("Provincie Utrecht", Sector.GOVERNMENT),
)
WORDS: Final = ("Warme", "Groene", "Slimme", "Samen", "Digitale", "Schone", "Langer", "Veilige")
PLACES: Final = ("wijk", "daken", "zorg", "buurt", "stad", "lucht", "thuis", "straat")


@dataclass(frozen=True)
class Query:
    """One first-page question, asked with 50 consortia and with many."""

    label: str
    who: Principal
    sort: str = "founded"
    where: PortfolioFilter = field(default_factory=PortfolioFilter)
    headline: bool = False


QUERIES: Final = (
    Query("administrator, by founding (default)", ADMIN, headline=True),
    Query("administrator, by name", ADMIN, sort="name"),
    Query("administrator, newest changes first", ADMIN, sort="-updated"),
    Query("administrator, by next checkpoint", ADMIN, sort="next_checkpoint"),
    Query("administrator, text 'wijk'", ADMIN, where=PortfolioFilter(text="wijk")),
    Query("administrator, sector market", ADMIN, where=PortfolioFilter(sector="market")),
    Query("programme manager of 1 in 10", MANAGER),
    Query("funder of 1 in 100", Principal(FUNDER)),
)


@dataclass
class Figures:
    backend: str
    consortia: int
    pages: dict[str, tuple[float, float]]  # label → (median seconds with 50, with many)
    rows: dict[str, tuple[int, int]]  # label → rows on the first page with 50, with many
    fill_events: int
    fill_catch_up_seconds: float
    write_events: int
    write_seconds: float
    catch_up_events: int
    catch_up_seconds: float

    @property
    def write_rate(self) -> float:
        return self.write_events / self.write_seconds

    @property
    def catch_up_rate(self) -> float:
        return self.catch_up_events / self.catch_up_seconds

    @property
    def catch_up_ratio(self) -> float:
        return self.catch_up_rate / self.write_rate

    def page_ratio(self, label: str) -> float:
        small, large = self.pages[label]
        return large / small


# -- filling the store ------------------------------------------------------------------------


class Filler:
    """Makes consortia in memory with the aggregate's commands and saves them in batches."""

    def __init__(self, store: Store, seed: int = 50) -> None:
        self.store = store
        self.random = random.Random(seed)
        self.ids: list[UUID] = []
        self.leads: dict[UUID, UUID] = {}  # consortium → its lead member

    def fill(self, total: int) -> int:
        """Found consortia until there are ``total``; answer the number of events recorded."""
        before = self.store.read.follower.head()
        while len(self.ids) < total:
            batch = [
                self._consortium(len(self.ids) + n)
                for n in range(min(BATCH, total - len(self.ids)))
            ]
            self.store.consortia.save(*batch)
            self.ids.extend(c.id for c in batch)
        return self.store.read.follower.head() - before

    def _consortium(self, n: int) -> Consortium:
        r = self.random
        manager = f"pm{n % MANAGERS}@gemeente.example"
        cause = Cause(actor=manager, request_id=f"fill-{n}", at=self.store.consortia.clock())
        consortium = Consortium.found(
            name=f"{r.choice(WORDS)} {r.choice(PLACES)} {n:05d}",
            challenge="Samen doen wat samen kan in de " + r.choice(PLACES),
            description=None,
            cause=cause,
        )
        consortium.grant_role(
            account=manager, role=Role.PROGRAMME_MANAGER, member_id=None, cause=cause
        )
        if n % FUNDED_EVERY == 0:
            consortium.grant_role(account=FUNDER, role=Role.FUNDER, member_id=None, cause=cause)
        lead = None
        for party, sector in r.sample(PARTIES, k=r.randint(2, 3)):
            member = consortium.admit_member(
                party=party,
                sector=sector,
                role=MemberRole.LEAD if lead is None else MemberRole.PARTNER,
                cause=cause,
            )
            lead = lead or member
        assert lead is not None
        self.leads[consortium.id] = lead.id
        consortium.pledge(
            member_id=lead.id,
            year=cause.today.year,
            amount=Money(Decimal(r.randint(1_000, 90_000))),
            reason=None,
            cause=cause,
        )
        consortium.plan_milestone(
            title="Validatiemoment",
            due_date=cause.today + timedelta(days=r.randint(1, 365)),
            cause=cause,
        )
        return consortium


# -- writes through the application --------------------------------------------------------


def write_commands(store: Store, filler: Filler, commands: int, seed: int = 5) -> int:
    """One writer's commands in consortia picked at random; answer the events recorded."""
    r = random.Random(seed)
    app = store.consortia
    today = app.today()
    before = store.read.follower.head()
    for n in range(commands):
        consortium_id = r.choice(filler.ids)
        lead = filler.leads[consortium_id]
        kind = n % 5
        if kind == 0:
            party, sector = r.choice(PARTIES)
            app.admit_member(
                consortium_id,
                party=f"{party} {n}",
                sector=sector,
                role=MemberRole.PARTNER,
                contact_email=None,
                population=None,
                caller=SYSTEM,
            )
            continue
        if kind == 1:
            app.pledge(
                consortium_id,
                member_id=lead,
                year=today.year + 1 + n % 5,
                amount=Money(Decimal(r.randint(100, 9_000))),
                reason="Meerjarenbegroting",
                caller=SYSTEM,
            )
        elif kind == 2:
            app.log_contribution(
                consortium_id,
                member_id=lead,
                kind=ContributionKind.CASH,
                amount=Money(Decimal(r.randint(100, 9_000))),
                on=today,
                year=None,
                reference=None,
                hours=None,
                rate=None,
                caller=SYSTEM,
            )
        elif kind == 3:
            app.plan_milestone(
                consortium_id,
                title=f"Validatie {n}",
                due_date=today + timedelta(days=r.randint(1, 365)),
                description=None,
                questions=None,
                tranche=None,
                closes_phase=None,
                responsible_member_ids=None,
                caller=SYSTEM,
            )
        else:
            app.grant_role(
                consortium_id,
                account=f"lezer{n}@example.nl",
                role=Role.FUNDER,
                member_id=None,
                caller=SYSTEM,
            )
    return store.read.follower.head() - before


# -- measuring ------------------------------------------------------------------------------


def timed(call: Callable[[], int]) -> tuple[int, float]:
    start = time.perf_counter()
    result = call()
    return result, time.perf_counter() - start


def analyze(store: Store) -> None:
    """PostgreSQL: statistics for the planner, as autovacuum gathers them soon after a fill."""
    if store.settings.is_postgres:
        with store.read.view.transaction(commit=True) as tx:
            for table in TABLES:
                tx.execute(f"ANALYZE {{t}}{table}")


def first_pages(
    stores: dict[int, Store], repetitions: int
) -> tuple[dict[tuple[str, int], list[float]], dict[tuple[str, int], int]]:
    """Times and rows of each query's first page on each store, by (label, consortia). The
    stores and queries take turns in blocks, so that a change of load on the machine falls
    on both sizes alike."""
    calls = {
        (q.label, size): partial(
            store.read.portfolio, q.who, q.where, sort=q.sort, cursor=None, limit=PAGE
        )
        for q in QUERIES
        for size, store in stores.items()
    }
    rows = {}
    for key, call in calls.items():  # warm up: query plans, caches, connections
        found, _ = call()
        rows[key] = len(found)
    times: dict[tuple[str, int], list[float]] = {key: [] for key in calls}
    block = max(1, repetitions // 10)
    for _ in range(repetitions // block):
        for key, call in calls.items():
            times[key].extend(time_calls(call, block))
    return times, rows


def measure(open_backend: Callable[[], AbstractContextManager[Backend]], quick: bool) -> Figures:
    large = QUICK_LARGE if quick else LARGE
    repetitions = QUICK_REPETITIONS if quick else REPETITIONS
    commands = QUICK_WRITES if quick else WRITES
    with ExitStack() as stack:
        small_backend = stack.enter_context(open_backend())
        large_backend = stack.enter_context(open_backend())
        heading(f"{large_backend.name}: portfolio with {SMALL} and with {large:,} consortia")
        small_store = open_store(small_backend.settings)
        stack.callback(small_store.close)
        store = open_store(large_backend.settings)
        stack.callback(store.close)
        follower = store.read.follower

        Filler(small_store).fill(SMALL)
        small_store.read.follower.catch_up()
        filler = Filler(store)
        fill_events, fill_seconds = timed(lambda: filler.fill(large))
        applied, fill_catch_up = timed(follower.catch_up)
        print(
            f"  {large:,} consortia: {fill_events:,} events stored in {fill_seconds:.1f} s; "
            f"the read model caught up in {fill_catch_up:.1f} s "
            f"({applied / fill_catch_up:,.0f} events/s)"
        )
        analyze(small_store)
        analyze(store)
        times, rows = first_pages({SMALL: small_store, large: store}, repetitions)

        write_events, write_seconds = timed(lambda: write_commands(store, filler, commands))
        catch_up_events, catch_up_seconds = timed(follower.catch_up)
        assert catch_up_events == write_events, (catch_up_events, write_events)

    figures = Figures(
        backend=large_backend.name,
        consortia=large,
        pages={
            q.label: (median(times[q.label, SMALL]), median(times[q.label, large])) for q in QUERIES
        },
        rows={q.label: (rows[q.label, SMALL], rows[q.label, large]) for q in QUERIES},
        fill_events=fill_events,
        fill_catch_up_seconds=fill_catch_up,
        write_events=write_events,
        write_seconds=write_seconds,
        catch_up_events=catch_up_events,
        catch_up_seconds=catch_up_seconds,
    )
    print(
        f"  first page (limit {PAGE}), median of {repetitions} calls with {SMALL} → with "
        f"{large:,} consortia (rows; p10–p90 in ms):"
    )
    for q in QUERIES:
        (small, many), (few, more) = figures.pages[q.label], figures.rows[q.label]
        print(
            f"    {q.label:<38} {ms(small):>9} ({few:>2}) → {ms(many):>9} ({more:>2}; "
            f"{spread(times[q.label, large])})  ×{figures.page_ratio(q.label):5.2f}"
            + ("  ← headline" if q.headline else "")
        )
    print(
        f"  writes: {commands:,} commands, {write_events:,} events in {write_seconds:.2f} s = "
        f"{figures.write_rate:,.0f} events/s (one writer)"
    )
    print(
        f"  catch-up of those events: {catch_up_seconds:.2f} s = "
        f"{figures.catch_up_rate:,.0f} events/s"
    )
    return figures


def main(quick: bool = False) -> None:
    print(f"portfolio ({machine()}){'  --quick: smoke run' if quick else ''}")
    results = []
    for open_backend in backends():
        results.append(measure(open_backend, quick))
    heading("portfolio summary")
    for f in results:
        headline = next(q.label for q in QUERIES if q.headline)
        small, many = f.pages[headline]
        ratio = f.page_ratio(headline)
        print(
            f"  {f.backend:<10} first page {f.consortia:,} consortia {ms(many):>9} ÷ {SMALL} "
            f"{ms(small):>9} = {ratio:5.2f}  (target ≤ {TARGET_PAGE_RATIO:g}: "
            f"{verdict(ratio <= TARGET_PAGE_RATIO)})"
        )
        worst = max(QUERIES, key=lambda q: f.page_ratio(q.label))
        print(
            f"  {'':<10} largest ratio of the other first pages: {worst.label} "
            f"×{f.page_ratio(worst.label):.2f}"
        )
        print(
            f"  {'':<10} catch-up {f.catch_up_rate:,.0f} events/s ÷ writes {f.write_rate:,.0f} "
            f"events/s = {f.catch_up_ratio:5.2f}  (target ≥ {TARGET_CATCH_UP_RATIO:g}: "
            f"{verdict(f.catch_up_ratio >= TARGET_CATCH_UP_RATIO)})"
        )
    print(f"  ({load_average()})")


if __name__ == "__main__":
    parser = argument_parser(__doc__.splitlines()[0] if __doc__ else "portfolio")
    main(quick=parser.parse_args().quick)
