"""Load time and snapshot size of a consortium with a long history.

Figures (both backends, one run):

1. cold load of a consortium with 10,000 events ÷ one with 10 events (target ≤ 2), both at
   their latest version and between snapshots;
2. the size of the snapshot at 10,000 events, for a consortium with 20 current members
   (target ≤ 50 KB, i.e. 50,000 bytes).

The consortia are those of :mod:`benchmarks.history`: the large one lived four years, with 20
current members at the end, thousands of partners who came and went, thousands of money events
and milestones evaluated along the way; the small one has ten events.

A load is what a use case does to read a consortium: ``repository.get`` (the latest snapshot
at or below the version, then the events after it, replayed) and the read check, measured COLD:
the benchmark's application has its aggregate cache switched off, so every load reads the store,
as a fresh worker process does. The application snapshots every ``SNAPSHOT_INTERVAL`` (20)
versions, so a consortium's latest version is a snapshot plus 0 to 19 events: the large one is
loaded at each of its last twenty versions in turn (``repository.get(version=…)`` reads exactly
what a cold load reads when that version is the latest). Printed: the *typical* load (median
over all twenty, every offset alike), the *worst* case (snapshot + 19 events), and a load that
is exactly a snapshot. The small one is loaded at its version 10 the same way. Medians of many
loads, the consortia taking turns in blocks, so a change of load on the machine falls on both.

For contrast: a load replaying every event (no snapshots), and a warm load through the
application's aggregate cache, as the running service mostly reads.

    python -m benchmarks.load_time [--quick] [--repetitions N] [--profile]
"""

from __future__ import annotations

import cProfile
import io
import json
import pstats
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final
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
from benchmarks.history import build_large, build_small
from consortium.aggregate import Consortium
from events.caller import Caller
from events.consortia import ConsortiumApplication
from events.replay import project_consortium

LARGE_EVENTS: Final = 10_000
QUICK_LARGE_EVENTS: Final = 1_000
# The large one's story told short: its cast after a short past (see young_contrast).
YOUNG_EVENTS: Final = 200
TARGET_RATIO: Final = 2.0
TARGET_SNAPSHOT_BYTES: Final = 50_000
# The operator: may read every consortium, so the access check passes as it does for a reader.
CALLER: Final = Caller.system("benchmark@consortium.localhost", "benchmark-load-time")


@dataclass(frozen=True)
class LoadResult:
    backend: str
    large_events: int
    small: float
    typical: float
    worst: float
    at_snapshot: float
    snapshot_bytes: int

    @property
    def ratio(self) -> float:
        return self.typical / self.small

    @property
    def worst_ratio(self) -> float:
        return self.worst / self.small


def snapshot_interval(app: ConsortiumApplication) -> int:
    """Every how many versions the application snapshots a consortium."""
    return app.snapshotting_intervals[Consortium]


def latest_snapshot(app: ConsortiumApplication, consortium_id: UUID) -> tuple[int, bytes]:
    assert app.snapshots is not None
    (latest,) = app.snapshots.recorder.select_events(consortium_id, desc=True, limit=1)
    return latest.originator_version, latest.state


def snapshot_parts(state: bytes, current: set[str]) -> str:
    """What the snapshot's bytes hold: its members, grants, milestones, and the ledger's totals
    of current members, of members who left, and of the pool."""
    parsed: dict[str, Any] = json.loads(state)["state"]

    def size(value: Any) -> int:
        return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())

    # Its kinds, then its members, how many numbers each has and the numbers packed: first of
    # the pool and current members, then (unpacked only when read) of the members who left.
    ledger = parsed["_ledger"]["_data_"]
    gone = ledger[4] if len(ledger) == 7 else [key for key in ledger[1] if key not in current]
    left_bytes = size(ledger[4:]) if len(ledger) == 7 else 0
    ledger_bytes = size(parsed["_ledger"])
    return (
        f"members {size(parsed['_members']):,}, grants {size(parsed['_grants']):,}, milestones "
        f"{size(parsed['_milestones']):,}, ledger {ledger_bytes:,} (of which the figures of "
        f"{len(gone):,} members who left, packed apart and unpacked only when read: "
        f"{left_bytes:,} bytes)"
    )


def measure(
    backend: Backend, *, large_events: int, repetitions: int, quick: bool, profile: bool
) -> LoadResult:
    heading(f"load_time on {backend.name}")
    app = ConsortiumApplication(backend.settings)
    try:
        started = time.perf_counter()
        small = build_small(app)
        large = build_large(app, large_events)
        print(
            f"  setup ({time.perf_counter() - started:.1f} s): the large consortium has "
            f"{large.describe()}"
        )
        print(f"  the application as configured: {cache_setting(app)}")
        interval = snapshot_interval(app)
        version, state = latest_snapshot(app, large.consortium_id)
        current = {m.id.hex for m in app.consortium(large.consortium_id, CALLER).members}
        print(
            f"  SNAPSHOT at version {version:,}: {len(state):,} bytes for {len(current)} current "
            f"members (target ≤ {TARGET_SNAPSHOT_BYTES:,}: "
            f"{verdict(len(state) <= TARGET_SNAPSHOT_BYTES)})"
        )
        print(f"    {snapshot_parts(state, current)}")

        # Warm: through the cache as the service has it (a hit, fast-forwarded, copied).
        for consortium_id in (small.consortium_id, large.consortium_id):
            app.consortium(consortium_id, CALLER)
        warm_small = median(
            time_calls(lambda: app.consortium(small.consortium_id, CALLER), repetitions)
        )
        warm_large = median(
            time_calls(lambda: app.consortium(large.consortium_id, CALLER), repetitions)
        )

        app.repository.cache = None

        offsets = loads_by_offset(app, large.consortium_id, large_events)
        small_load = cold_load(app, small.consortium_id, small.total)
        for call in (small_load, *offsets.values()):
            call()
        rounds = 3 if quick else 5
        block = max(1, repetitions // rounds)
        small_times: list[float] = []
        by_offset: dict[int, list[float]] = {offset: [] for offset in offsets}
        for _ in range(rounds):
            small_times += time_calls(small_load, block)
            for offset, call in offsets.items():
                by_offset[offset] += time_calls(call, max(1, block // 4))
        typical_times = [t for times in by_offset.values() for t in times]
        result = LoadResult(
            backend.name,
            large_events,
            small=median(small_times),
            typical=median(typical_times),
            worst=median(by_offset[interval - 1]),
            at_snapshot=median(by_offset[0]),
            snapshot_bytes=len(state),
        )
        print(
            f"  cold load, {small.total} events, median of {len(small_times)}: "
            f"{ms(result.small)} ({spread(small_times)})"
        )
        print(
            f"  cold load, {large_events:,} events, every offset from the snapshot alike, median "
            f"of {len(typical_times)}: {ms(result.typical)} ({spread(typical_times)})"
        )
        print(
            f"  RATIO typical {result.ratio:.2f}  (target ≤ {TARGET_RATIO:g}: "
            f"{verdict(result.ratio <= TARGET_RATIO)})"
        )
        print(
            f"  RATIO worst case, snapshot + {interval - 1} events: {ms(result.worst)} → "
            f"{result.worst_ratio:.2f}  (target ≤ {TARGET_RATIO:g}: "
            f"{verdict(result.worst_ratio <= TARGET_RATIO)})"
        )
        line = " · ".join(
            f"+{offset} {ms(median(by_offset[offset]))}" for offset in sorted(by_offset)[::4]
        )
        print(
            f"    by events after the snapshot: {line} · exactly a snapshot: "
            f"{ms(result.at_snapshot)} → {result.at_snapshot / result.small:.2f}"
        )

        lean_contrast(app, large_events, small_load, quick)
        young_contrast(app, large_events, result.typical, quick)

        # No snapshots at all: every event replayed.
        replaying: Repository[UUID] = Repository(event_store=app.events)

        def replay(consortium_id: UUID) -> Callable[[], object]:
            return lambda: replaying.get(consortium_id, projector_func=project_consortium)

        plain_small = median(time_calls(replay(small.consortium_id), repetitions))
        plain_large = median(time_calls(replay(large.consortium_id), 1 if quick else 3))
        print(
            f"  without snapshots (every event replayed): {small.total} events "
            f"{ms(plain_small)} · {large_events:,} events {ms(plain_large)}"
            f" → ratio {plain_large / plain_small:.0f}"
        )
        print(
            f"  warm (aggregate cache hit, fast-forward, copy), median of {repetitions}: "
            f"{ms(warm_small)} · {ms(warm_large)} → ratio {warm_large / warm_small:.1f}"
        )
        if profile:
            print_profile(offsets[interval - 1], f"20 worst-case cold loads on {backend.name}")
        return result
    finally:
        app.close()


def cold_load(
    app: ConsortiumApplication, consortium_id: UUID, version: int
) -> Callable[[], object]:
    """A load as a use case reads a consortium, at that version (the app's cache is off)."""

    def call() -> object:
        consortium: Consortium = app.repository.get(
            consortium_id, version=version, projector_func=project_consortium
        )
        consortium.check_can_read(CALLER.principal)
        return consortium

    return call


def loads_by_offset(
    app: ConsortiumApplication, consortium_id: UUID, latest: int
) -> dict[int, Callable[[], object]]:
    """Cold loads at each of the last snapshot interval's versions up to ``latest`` (a
    snapshot), by how many events each lies after the snapshot before it (0: at a snapshot)."""
    interval = snapshot_interval(app)
    return {
        v % interval: cold_load(app, consortium_id, v)
        for v in range(latest - interval + 1, latest + 1)
    }


def lean_contrast(
    app: ConsortiumApplication, large_events: int, small_load: Callable[[], object], quick: bool
) -> None:
    """The same story, but no partner who left had booked money, so the ledger's totals hold
    the current members (and the pool) only: what the snapshot and the load would be if the
    consortium kept no figures of members who left."""
    lean = build_large(app, large_events, money_every=0)
    version, state = latest_snapshot(app, lean.consortium_id)
    offsets = loads_by_offset(app, lean.consortium_id, large_events)
    typical = median([t for call in offsets.values() for t in time_calls(call, 2 if quick else 10)])
    worst = median(time_calls(offsets[max(offsets)], 10 if quick else 50))
    small = median(time_calls(small_load, 10 if quick else 50))
    print(
        f"  the same story where no partner who left booked money: snapshot {len(state):,} "
        f"bytes at version {version:,}; cold load typical {ms(typical)}, worst {ms(worst)} ÷ "
        f"10 events {ms(small)} → {typical / small:.2f} (worst {worst / small:.2f})"
    )


def young_contrast(
    app: ConsortiumApplication, large_events: int, typical: float, quick: bool
) -> None:
    """The same story told in YOUNG_EVENTS events: the same cast at the end (its 20 members
    with their representatives, five milestones, four years of money) after a short past, but
    a smaller ledger (fewer years and kinds booked per member, few partners who left with
    money), so not quite the same present. The large one's load ÷ this one's is about what
    the long past still costs; the 10-event ratio above also counts a cast of 20 members
    against one of three."""
    young = build_large(app, YOUNG_EVENTS)
    version, state = latest_snapshot(app, young.consortium_id)
    offsets = loads_by_offset(app, young.consortium_id, YOUNG_EVENTS)
    times = [t for call in offsets.values() for t in time_calls(call, 2 if quick else 10)]
    young_typical = median(times)
    print(
        f"  the same cast after {YOUNG_EVENTS} events ({young.memberships} memberships, "
        f"{len(young.events)} kinds of event): snapshot {len(state):,} bytes at version "
        f"{version}; cold load typical {ms(young_typical)} → the long past's share: "
        f"{typical / young_typical:.2f} ({large_events:,} events ÷ {YOUNG_EVENTS}, one cast)"
    )


def print_profile(load: Callable[[], object], what: str) -> None:
    profiler = cProfile.Profile()
    for _ in range(20):
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
    parser.add_argument("--profile", action="store_true", help="cProfile worst-case loads")
    args = parser.parse_args(argv)
    large_events = QUICK_LARGE_EVENTS if args.quick else LARGE_EVENTS
    repetitions = args.repetitions or (40 if args.quick else 200)
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
    heading("load_time summary (cold loads, medians; snapshot size)")
    for r in results:
        print(
            f"  {r.backend:<10} {r.large_events:,} events typical {ms(r.typical)}, worst "
            f"{ms(r.worst)} ÷ 10 events {ms(r.small)} = {r.ratio:.2f} (worst {r.worst_ratio:.2f})"
            f"  (target ≤ {TARGET_RATIO:g}: {verdict(max(r.ratio, r.worst_ratio) <= TARGET_RATIO)})"
        )
        print(
            f"  {'':<10} snapshot {r.snapshot_bytes:,} bytes  (target ≤ "
            f"{TARGET_SNAPSHOT_BYTES:,}: {verdict(r.snapshot_bytes <= TARGET_SNAPSHOT_BYTES)})"
        )
    print(f"  ({load_average()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
