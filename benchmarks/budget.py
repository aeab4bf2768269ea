"""Budget: contributions logged per second through the API ÷ the raw eventsourcing loop, and
the budget view of a consortium with 10,000 money events ÷ one with 10 (target ≤ 2).

Contributions per second: ``POST /api/v1/consortia/{id}/contributions`` through the Flask app
in-process with its test client (Werkzeug: the whole app — rate limiter, authentication,
validation, the use case, the response — but no HTTP server and no sockets), one client, one
request at a time, each answered 201. The baseline is the raw eventsourcing loop in the same
process on the same store: ``repository.get`` → ``Consortium.log_contribution`` → ``save`` on
an application configured as the service configures it (aggregate cache included), measured
before and after the API, the faster of the two counting. Both log N cash contributions to a
fresh consortium of four members after ten warm-up ones. Also printed: the same through the
API with an ``Idempotency-Key`` on every request (a new key each time: the first response is
stored with the booking).

Budget view: ``GET /api/v1/consortia/{id}/budget`` through the same app, for a consortium with
10,000 money events and one with 10 (both founded with the same four members). The headline is
the service as it runs: the application's aggregate cache on, each request fast-forwarding the
cached consortium from the store. Also printed: cold requests (cache off: each reads the latest
snapshot and the events after it, as a new worker process does), ``?as_of=`` (rebuilt from the
store at a version, so cold by nature), and the budget computation alone (``budget_of`` on the
consortium in hand). Medians of many requests, the two consortia taking turns in blocks.

The money events are pledges and revisions, contributions in cash and in kind, reversals,
expenditures and cost shares pledged by a key, made by the aggregate's own commands; for speed
they are written in batches straight to the event store, with the snapshots the application
would take (one every 100 versions) taken from the aggregate in hand.

    python -m benchmarks.budget [--quick]   (--quick: 1,000 money events, 100 contributions)
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any, Final
from uuid import UUID, uuid4

from flask.testing import FlaskClient

from benchmarks.common import (
    Backend,
    Rate,
    argument_parser,
    backends,
    cache_setting,
    heading,
    load_average,
    machine,
    median,
    ms,
    spread,
    time_calls,
    verdict,
)
from consortium.aggregate import Consortium
from consortium.budget_view import budget_of
from consortium.cause import AMSTERDAM
from consortium.cost_sharing import KeyKind
from consortium.ledger import Contribution, ContributionKind
from consortium.members import MemberRole, Sector
from consortium.money import Money
from events.bootstrap import Store, open_store
from events.caller import Caller
from events.consortia import ConsortiumApplication
from events.readmodel import records
from events.readmodel.records import ContributionFilter
from web.app import create_app
from web.config import WebSettings

TARGET_VIEW_RATIO: Final = 2.0
API_WRITES_TARGET: Final = 0.5  # the target benchmarks/api_writes sets for writes, for comparison
CONTRIBUTIONS: Final = 1_000
QUICK_CONTRIBUTIONS: Final = 100
WARM_UP: Final = 10
SMALL_EVENTS: Final = 10
LARGE_EVENTS: Final = 10_000
QUICK_LARGE_EVENTS: Final = 1_000
BATCH: Final = 100
FOLLOWER_LOGGER: Final = "events.readmodel.follower"
# The computation alone grows with the rows it shows (member × year), not with the history: the
# ten-event consortium has fewer member-years than the large one (printed with the setup).
ROWS_NOTE: Final = "more member-year rows, not more history"
ADMIN_EMAIL: Final = "benchmark@consortium.localhost"
SECRET_KEY: Final = "benchmark-secret-key-not-for-production"  # noqa: S105 - in-process only
CALLER: Final = Caller.system(ADMIN_EMAIL, "benchmark-budget")
MEMBERS: Final = (
    ("Gemeente Utrecht", Sector.MUNICIPALITY, MemberRole.LEAD, 374_238),
    ("Gemeente Amersfoort", Sector.MUNICIPALITY, MemberRole.PARTNER, 160_000),
    ("Gemeente Zeist", Sector.MUNICIPALITY, MemberRole.PARTNER, 65_000),
    ("Universiteit Utrecht", Sector.ACADEMIA, MemberRole.PARTNER, None),
)


class FollowerFailures(logging.Handler):
    """Counts (instead of printing) the read-model follower's failures while it is attached:
    a benchmark line says how often it failed and why; the tracebacks would drown the figures."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.reasons: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        error = record.exc_info[1] if record.exc_info else None
        self.reasons[f"{type(error).__name__}: {error}" if error else record.getMessage()] += 1

    @contextmanager
    def attached(self) -> Iterator[FollowerFailures]:
        logger = logging.getLogger(FOLLOWER_LOGGER)
        logger.addHandler(self)
        propagate, logger.propagate = logger.propagate, False
        try:
            yield self
        finally:
            logger.propagate = propagate
            logger.removeHandler(self)

    def __str__(self) -> str:
        if not self.reasons:
            return "the read model's follower never failed"
        told = "; ".join(f"{n} × {reason}" for reason, n in self.reasons.most_common())
        return f"the read model's follower failed and retried a second later: {told}"


@dataclass(frozen=True)
class View:
    """Median seconds of one way of reading the budget, for the small and the large one."""

    label: str
    small: float
    large: float
    headline: bool = False
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.large / self.small


@dataclass(frozen=True)
class Result:
    backend: str
    raw: Rate
    api: Rate
    api_keyed: Rate
    large_events: int
    views: tuple[View, ...]

    @property
    def ratio(self) -> float:
        return self.api.per_second / self.raw.per_second

    @property
    def headline(self) -> View:
        return next(v for v in self.views if v.headline)


def amount(n: int) -> Money:
    """1.01 … 999.99 euro, every cent digit in use."""
    return Money(Decimal(101 + n * 37 % 99_899) / 100)


def today() -> str:
    return datetime.now(AMSTERDAM).date().isoformat()


# -- the raw baseline ---------------------------------------------------------------------------


def found(app: ConsortiumApplication, name: str) -> tuple[UUID, list[UUID]]:
    consortium = app.found(name=name, challenge="Pooled budget", description=None, caller=CALLER)
    members = [
        app.admit_member(
            consortium.id,
            party=party,
            sector=sector,
            role=role,
            contact_email=None,
            population=population,
            caller=CALLER,
        ).id
        for party, sector, role, population in MEMBERS
    ]
    return consortium.id, members


def raw_rate(backend: Backend, contributions: int) -> Rate:
    """In-process get → log_contribution → save, one thread, as the service's store is set up."""
    app = ConsortiumApplication(backend.settings)
    try:
        consortium_id, members = found(app, "Raw baseline")

        def log(n: int) -> None:
            consortium: Consortium = app.repository.get(consortium_id)
            cause = app.cause(CALLER)
            consortium.log_contribution(
                member_id=members[n % len(members)],
                kind=ContributionKind.CASH,
                amount=amount(n),
                on=cause.today,
                reference=f"Raw {n}",
                cause=cause,
            )
            app.save(consortium)

        for n in range(WARM_UP):
            log(n)
        start = time.perf_counter()
        for n in range(contributions):
            log(WARM_UP + n)
        return Rate(contributions, time.perf_counter() - start, Counter({201: contributions}))
    finally:
        app.close()


# -- through the API ----------------------------------------------------------------------------


def api_rate(
    client: FlaskClient, headers: dict[str, str], contributions: int, *, keyed: bool
) -> Rate:
    """POST contributions through the Flask app to a fresh consortium; only 201s count."""
    founded = client.post(
        "/api/v1/consortia", json={"name": "API", "challenge": "Pooled budget"}, headers=headers
    )
    consortium_id = founded.get_json()["id"]
    members = []
    for party, sector, role, population in MEMBERS:
        body: dict[str, Any] = {"party": party, "sector": sector.value, "role": role.value}
        if population is not None:
            body["population"] = population
        admitted = client.post(
            f"/api/v1/consortia/{consortium_id}/members", json=body, headers=headers
        )
        members.append(admitted.get_json()["id"])
    address = f"/api/v1/consortia/{consortium_id}/contributions"
    statuses: Counter[int] = Counter()

    def log(n: int) -> int:
        body = {
            "member_id": members[n % len(members)],
            "kind": "cash",
            "amount": str(amount(n)),
            "date": today(),
            "reference": f"API {n}",
        }
        extra = {"Idempotency-Key": uuid4().hex} if keyed else {}
        return client.post(address, json=body, headers={**headers, **extra}).status_code

    for n in range(WARM_UP):
        log(n)
    start = time.perf_counter()
    for n in range(contributions):
        statuses[log(WARM_UP + n)] += 1
    return Rate(statuses[201], time.perf_counter() - start, statuses)


# -- the budget view ----------------------------------------------------------------------------


def build_consortium(app: ConsortiumApplication, money_events: int) -> UUID:
    """A consortium of the four members with exactly ``money_events`` money events after its
    founding and admissions, written in batches with the application's snapshots."""
    assert app.snapshots is not None, "the consortia application takes snapshots"
    interval = app.snapshotting_intervals[Consortium]
    consortium = Consortium.found(
        name="Benchmark", challenge="Budget view", description=None, cause=app.cause(CALLER)
    )
    members = [
        consortium.admit_member(
            party=party, sector=sector, role=role, population=population, cause=app.cause(CALLER)
        ).id
        for party, sector, role, population in MEMBERS
    ]
    first = consortium.version
    step = 0
    logged: list[Contribution] = []
    while consortium.version - first < money_events:
        book(consortium, members, step, app, logged)
        step += 1
        if consortium.version % interval == 0:
            app.events.put(consortium.collect_events())
            app.snapshots.put([type(consortium).Snapshot.take(consortium)])
        elif consortium.version % BATCH == 0:
            app.events.put(consortium.collect_events())
    app.events.put(consortium.collect_events())
    assert consortium.version - first == money_events
    return consortium.id


def book(
    consortium: Consortium,
    members: list[UUID],
    n: int,
    app: ConsortiumApplication,
    logged: list[Contribution],
) -> None:
    """The n-th of a cycle of money commands (each records one event); ``logged`` keeps the
    contributions, as the store's records do."""
    cause = app.cause(CALLER)
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
                amount=amount(n),
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
    elif kind == 4:
        consortium.reverse_contribution(
            logged[-2], earlier=None, reason="Dubbel geboekt", cause=cause
        )
    elif kind == 5:
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


def alternate(calls: dict[str, Callable[[], object]], repetitions: int) -> dict[str, list[float]]:
    """Times of each call, the calls taking turns in blocks (so a change of load on the machine
    falls on all alike), after a few calls each to warm up."""
    for call in calls.values():
        for _ in range(3):
            call()
    times: dict[str, list[float]] = {name: [] for name in calls}
    rounds = 5
    block = max(1, repetitions // rounds)
    for _ in range(rounds):
        for name, call in calls.items():
            times[name] += time_calls(call, block)
    return times


def build_both(store: Store, large_events: int) -> tuple[UUID, UUID]:
    """The consortia of 10 and of many money events; answers their ids (small, large)."""
    app = store.consortia
    started = time.perf_counter()
    small = build_consortium(app, SMALL_EVENTS)
    large = build_consortium(app, large_events)
    built = time.perf_counter() - started
    assert app.snapshots is not None
    (snapshot,) = app.snapshots.recorder.select_events(large, desc=True, limit=1)
    rows = []
    for consortium_id in (small, large):
        view = budget_of(app.consortium(consortium_id, CALLER))
        rows.append(f"{len(view.years)} years, {sum(len(m.years) for m in view.members)}")
    entries = app.records(
        lambda tx: len(
            records.contributions(tx, large, ContributionFilter(), start=0, limit=10**9)[0]
        )
    )
    print(
        f"  setup: consortia with {SMALL_EVENTS} and {large_events:,} money events built in "
        f"{built:.1f} s; the large one has {entries:,} contributions, its latest snapshot is at "
        f"version {snapshot.originator_version:,} ({len(snapshot.state) / 1e6:.2f} MB); the "
        f"views show {rows[0]} member-year rows and {rows[1]} member-year rows"
    )
    return small, large


def measure_views(
    store: Store,
    client: FlaskClient,
    headers: dict[str, str],
    consortia: tuple[UUID, UUID],
    quick: bool,
) -> tuple[View, ...]:
    app = store.consortia
    small, large = consortia
    store.read.follower.catch_up()  # so the read model's follower is idle while we measure

    def get(consortium_id: UUID, query: str = "") -> Callable[[], object]:
        address = f"/api/v1/consortia/{consortium_id}/budget{query}"

        def call() -> object:
            response = client.get(address, headers=headers)
            assert response.status_code == 200, response.get_data(as_text=True)[:300]
            return response

        return call

    repetitions = 40 if quick else 200
    few = 15 if quick else 40
    views = []

    warm = alternate({"small": get(small), "large": get(large)}, repetitions)
    views.append(_view("API, aggregate cache on (as the service runs)", warm, headline=True))

    cache, app.repository.cache = app.repository.cache, None
    try:
        cold = alternate({"small": get(small), "large": get(large)}, few)
    finally:
        app.repository.cache = cache
    views.append(_view("API, cold (cache off: snapshot + events)", cold))

    now = f"?as_of={datetime.now(AMSTERDAM).isoformat().replace('+', '%2B')}"
    as_of = alternate({"small": get(small, now), "large": get(large, now)}, few)
    views.append(_view("API ?as_of=now (rebuilt at a version)", as_of))

    in_hand = {"small": app.consortium(small, CALLER), "large": app.consortium(large, CALLER)}
    domain = alternate({name: partial(budget_of, c) for name, c in in_hand.items()}, repetitions)
    views.append(_view("budget_of on the consortium in hand", domain, note=ROWS_NOTE))

    for v, times in zip(views, (warm, cold, as_of, domain), strict=True):
        print(
            f"    {v.label:<48} {ms(v.small):>9} → {ms(v.large):>9} "
            f"({spread(times['large'])})  ×{v.ratio:6.2f}{_marks(v)}"
        )
    return tuple(views)


def _marks(view: View) -> str:
    return ("  ← headline" if view.headline else "") + (f"  ({view.note})" if view.note else "")


def _view(
    label: str, times: dict[str, list[float]], headline: bool = False, note: str = ""
) -> View:
    return View(label, median(times["small"]), median(times["large"]), headline, note)


# -- one backend --------------------------------------------------------------------------------


def admin_token(store: Store) -> str:
    account = store.accounts.open_account(
        email=ADMIN_EMAIL, name=None, is_admin=True, caller=CALLER
    )
    return store.accounts.issue_token(
        account, name="benchmark", expires_at=None, caller=CALLER
    ).secret


def measure(backend: Backend, quick: bool) -> Result:
    contributions = QUICK_CONTRIBUTIONS if quick else CONTRIBUTIONS
    large_events = QUICK_LARGE_EVENTS if quick else LARGE_EVENTS
    heading(f"budget on {backend.name}")
    before = raw_rate(backend, contributions)
    store = open_store(backend.settings)
    failures = FollowerFailures()
    with failures.attached():
        try:
            print(f"  the application as configured: {cache_setting(store.consortia)}")
            # Built before the app starts the read model's follower, which would compete for
            # the database with the bulk writes.
            consortia = build_both(store, large_events)
            app = create_app(
                store=store, settings=WebSettings(secret_key=SECRET_KEY, base_url="http://bench")
            )
            headers = {"Authorization": f"Bearer {admin_token(store)}"}
            client = app.test_client()
            store.read.follower.catch_up()
            api = api_rate(client, headers, contributions, keyed=False)
            keyed = api_rate(client, headers, contributions, keyed=True)
            print(f"  budget view, median, {SMALL_EVENTS} → {large_events:,} money events:")
            views = measure_views(store, client, headers, consortia, quick)
        finally:
            store.close()
    print(f"  ({failures})")
    # After the store is closed, so its read-model follower does not compete with the loop.
    after = raw_rate(backend, contributions)
    raw = max(before, after, key=lambda rate: rate.per_second)
    headline = next(v for v in views if v.headline)
    print(f"  {contributions:,} cash contributions to one consortium, one at a time:")
    print(f"    raw get → log_contribution → save, before the API: {before}")
    print(f"    raw get → log_contribution → save, after the API:  {after}")
    print(f"    API (Flask test client, in-process):              {api}")
    print(f"    API with an Idempotency-Key on each request:       {keyed}")
    print(
        f"  RATIO contributions/s API ÷ raw: {api.per_second / raw.per_second:.3f} "
        f"(with Idempotency-Key: {keyed.per_second / raw.per_second:.3f}; no target in the "
        f"issue; api_writes asks ≥ {API_WRITES_TARGET:g} of writes)"
    )
    print(
        f"  RATIO budget view {large_events:,} ÷ {SMALL_EVENTS} money events: "
        f"{headline.ratio:.2f}  (target ≤ {TARGET_VIEW_RATIO:g}: "
        f"{verdict(headline.ratio <= TARGET_VIEW_RATIO)})"
    )
    return Result(backend.name, raw, api, keyed, large_events, views)


def main(quick: bool = False) -> None:
    print(f"budget ({machine()}){'  --quick: smoke run' if quick else ''}")
    results = []
    for open_backend in backends():
        with open_backend() as backend:
            results.append(measure(backend, quick))
    heading("budget summary")
    for r in results:
        print(
            f"  {r.backend:<10} contributions through the API (Flask test client) "
            f"{r.api.per_second:7.1f}/s ÷ raw {r.raw.per_second:7.1f}/s = {r.ratio:.3f}"
        )
        for v in r.views:
            met = verdict(v.ratio <= TARGET_VIEW_RATIO)
            print(
                f"  {'':<10} budget view {r.large_events:,} ÷ {SMALL_EVENTS} money events, "
                f"{v.label}: {ms(v.large)} ÷ {ms(v.small)} = {v.ratio:.2f}  "
                f"(target ≤ {TARGET_VIEW_RATIO:g}: {met}){_marks(v)}"
            )
    print(f"  ({load_average()})")


if __name__ == "__main__":
    parser = argument_parser(__doc__.splitlines()[0] if __doc__ else "budget")
    main(quick=parser.parse_args().quick)
