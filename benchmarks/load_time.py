"""Load time: a consortium with 10,000 events against one with 10 events (target: ratio ≤ 2).

A load is ``ConsortiumApplication.consortium(id, caller)``, i.e. ``repository.get`` and the
read-access check, measured COLD: the
application's aggregate cache is switched off on the benchmark's application, so every load
reads the latest snapshot and the events after it from the store, as a fresh worker process
does. The figure is the median of many loads, in blocks of loads of one consortium taking turns.

For contrast (same run, same store) it also prints the load just before the next snapshot is
due (99 events to replay after it), a load replaying every event with no snapshot at all,
and a warm load through the application's aggregate cache as configured.

    python -m benchmarks.load_time [--quick]
"""

from __future__ import annotations

import cProfile
import io
import pstats
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final
from uuid import UUID

from eventsourcing.application import Repository

from benchmarks.common import (
    Backend,
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
from consortium.members import MemberRole, Sector
from events.caller import Caller
from events.consortia import ConsortiumApplication

SMALL_EVENTS: Final = 10
LARGE_EVENTS: Final = 10_000
QUICK_LARGE_EVENTS: Final = 1_000
TARGET_RATIO: Final = 2.0
# The operator: may read every consortium, so the access check passes as it does for a reader.
CALLER: Final = Caller.system("benchmark@consortium.localhost", "benchmark-load-time")


@dataclass(frozen=True)
class LoadResult:
    backend: str
    small_events: int
    large_events: int
    small_seconds: float
    large_seconds: float

    @property
    def ratio(self) -> float:
        return self.large_seconds / self.small_seconds


def snapshot_interval(app: ConsortiumApplication) -> int:
    """Every how many versions the application snapshots a consortium."""
    return app.snapshotting_intervals[Consortium]


def build_consortium(app: ConsortiumApplication, events: int) -> UUID:
    """A consortium with exactly ``events`` events: founded, a lead, then partners who are
    admitted and leave again, all through the aggregate's own commands.

    For speed the events are written in batches straight to the application's event store,
    and the snapshots the application would take (one every snapshot interval) are taken from
    the aggregate in hand instead of being rebuilt from the store.
    """
    assert app.snapshots is not None, "the consortia application takes snapshots"
    interval = snapshot_interval(app)
    consortium = Consortium.found(
        name="Benchmark", challenge="Load time", description=None, cause=app.cause(CALLER)
    )
    consortium.admit_member(
        party="Gemeente Lead", sector=Sector.MUNICIPALITY, role=MemberRole.LEAD,
        cause=app.cause(CALLER),
    )  # fmt: skip
    partner = 0
    while consortium.version < events:
        if partner % 2 == 0:
            member = consortium.admit_member(
                party=f"Partner {partner // 2:05d}",
                sector=Sector.MARKET,
                role=MemberRole.PARTNER,
                cause=app.cause(CALLER),
            )
        else:
            consortium.member_leaves(member.id, reason=None, cause=app.cause(CALLER))
        partner += 1
        if consortium.version % interval == 0 or consortium.version == events:
            app.events.put(consortium.collect_events())
            if consortium.version % interval == 0:
                app.snapshots.put([type(consortium).Snapshot.take(consortium)])
    app.events.put(consortium.collect_events())
    assert consortium.version == events
    return consortium.id


def snapshot_bytes(app: ConsortiumApplication, consortium_id: UUID) -> int:
    assert app.snapshots is not None
    latest = app.snapshots.recorder.select_events(consortium_id, desc=True, limit=1)
    return len(latest[0].state) if latest else 0


def measure(
    backend: Backend, *, large_events: int, repetitions: int, quick: bool, profile: bool
) -> LoadResult:
    heading(f"load_time on {backend.name}")
    app = ConsortiumApplication(backend.settings)
    try:
        started = time.perf_counter()
        small = build_consortium(app, SMALL_EVENTS)
        # For contrast: the small one's cold load while no large snapshot is in the store yet.
        cache, app.repository.cache = app.repository.cache, None
        alone = median(time_calls(lambda: app.consortium(small, CALLER), repetitions))
        app.repository.cache = cache
        large = build_consortium(app, large_events)
        built = time.perf_counter() - started
        memberships = len(app.consortium(large, CALLER).members)
        print(
            f"  setup: consortia of {SMALL_EVENTS} and {large_events:,} events "
            f"({memberships:,} memberships, latest snapshot "
            f"{snapshot_bytes(app, large) / 1e6:.2f} MB) built in {built:.1f} s"
        )
        print(f"  the application as configured: {cache_setting(app)}")

        # Warm: through the cache as the service has it (a hit, fast-forwarded, copied).
        app.consortium(small, CALLER)
        app.consortium(large, CALLER)
        warm_small = median(time_calls(lambda: app.consortium(small, CALLER), repetitions))
        warm_large = median(time_calls(lambda: app.consortium(large, CALLER), repetitions))

        # Cold: the same application with its cache switched off. Blocks of loads of one
        # consortium, the two taking turns, so neither pays for the other's garbage or evicted
        # pages, and a change of load on the machine hits both alike.
        app.repository.cache = None
        for _ in range(3):
            app.consortium(small, CALLER)
            app.consortium(large, CALLER)
        rounds = 3 if quick else 5
        block = max(1, repetitions // rounds)
        small_times: list[float] = []
        large_times: list[float] = []
        for _ in range(rounds):
            small_times += time_calls(lambda: app.consortium(small, CALLER), block)
            large_times += time_calls(lambda: app.consortium(large, CALLER), block)
        repetitions = len(small_times)
        result = LoadResult(
            backend.name, SMALL_EVENTS, large_events, median(small_times), median(large_times)
        )
        print(
            f"  cold load, median of {repetitions}: {SMALL_EVENTS} events "
            f"{ms(result.small_seconds)} ({spread(small_times)}) · {large_events:,} events "
            f"{ms(result.large_seconds)} ({spread(large_times)})"
        )
        print(
            f"  RATIO {result.ratio:.1f}  (target ≤ {TARGET_RATIO:g}: "
            f"{verdict(result.ratio <= TARGET_RATIO)})"
        )
        print(
            f"  the {SMALL_EVENTS}-event load before the large one was in the store: {ms(alone)}"
            f" → the ratio against that: {result.large_seconds / alone:.1f}"
        )

        # Just before the next snapshot: the latest snapshot plus 99 events to replay.
        before = large_events - 1
        interval = snapshot_interval(app)
        few = max(5, repetitions // 4)
        between = median(time_calls(lambda: app.repository.get(large, version=before), few))
        print(
            f"  cold load at version {before:,} (snapshot {before - before % interval:,}"
            f" + {before % interval} events), median of {few}: {ms(between)}"
            f" → ratio {between / result.small_seconds:.1f}"
        )

        # No snapshots at all: every event replayed.
        replaying: Repository[UUID] = Repository(event_store=app.events)
        plain_small = median(time_calls(lambda: replaying.get(small), repetitions))
        plain_large = median(time_calls(lambda: replaying.get(large), 1 if quick else 3))
        print(
            f"  without snapshots (every event replayed): {SMALL_EVENTS} events "
            f"{ms(plain_small)} · {large_events:,} events {ms(plain_large)}"
            f" → ratio {plain_large / plain_small:.0f}"
        )
        print(
            f"  warm (aggregate cache hit, fast-forward, copy), median of {repetitions}: "
            f"{ms(warm_small)} · {ms(warm_large)} → ratio {warm_large / warm_small:.1f}"
        )
        if profile:
            print_profile(lambda: app.consortium(large, CALLER), f"5 cold loads on {backend.name}")
        return result
    finally:
        app.close()


def print_profile(load: Callable[[], object], what: str) -> None:
    profiler = cProfile.Profile()
    for _ in range(5):
        profiler.runcall(load)
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime").print_stats(15)
    lines = out.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if "function calls" in line)
    print(f"  -- cProfile of {what} (by own time; profiler overhead included) --")
    print("\n".join("    " + line for line in lines[start:] if line.strip()))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argument_parser(__doc__.splitlines()[0] if __doc__ else "load_time")
    parser.add_argument("--repetitions", type=int, default=None, help="loads of each consortium")
    parser.add_argument("--profile", action="store_true", help="cProfile loads of the large one")
    args = parser.parse_args(argv)
    large_events = QUICK_LARGE_EVENTS if args.quick else LARGE_EVENTS
    repetitions = args.repetitions or (15 if args.quick else 100)
    print(f"load_time ({machine()}){'  --quick: smoke run' if args.quick else ''}")
    results: list[LoadResult] = []
    for open_backend in backends():
        with open_backend() as backend:
            results.append(
                measure(
                    backend,
                    large_events=large_events,
                    repetitions=repetitions,
                    quick=args.quick,
                    profile=args.profile,
                )
            )
    heading("load_time summary (cold loads, medians)")
    for r in results:
        print(
            f"  {r.backend:<10} {r.large_events:>6,} events {ms(r.large_seconds):>10} ÷ "
            f"{r.small_events} events {ms(r.small_seconds):>8} = {r.ratio:6.1f}  "
            f"(target ≤ {TARGET_RATIO:g}: {verdict(r.ratio <= TARGET_RATIO)})"
        )
    print(f"  ({load_average()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
