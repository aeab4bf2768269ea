"""As of: a consortium read as it stood at a past instant ÷ read as it is now (target ≤ 3).

Through the Flask app in-process (Werkzeug test client: the whole app, no HTTP server):
``GET /api/v1/consortia/{id}?as_of=<instant>`` against ``GET /api/v1/consortia/{id}``, of the
same consortium with 10,000 events. The current read is the service as it runs (aggregate cache
on: a cache hit, fast-forwarded); an as-of read finds the version recorded by that instant (a
bisection over the event times) and rebuilds the consortium at it (the snapshot at or before
it, and up to 19 events), and both read the memberships at their version from the read model.

The instants are those of twenty versions of the last 400, one at each offset 0 … 19 from the
snapshot before it, so every case between snapshots counts alike: *typical* is the median over
all of them, *worst* the median at offset 19. (An instant at or after the latest event is
answered with the current state, as cheaply as now; the bisection costs the same at any depth.)

Two consortia of :mod:`benchmarks.history`, 10,000 events each: *realistic* (four years, 20
current members, thousands of partners who came and went: every answer lists all their
memberships, which costs the same now and as of then) and *money* (four members, then money
only: the answer is small, so the as-of work shows most). Also printed: the same at the use-case
level (``with_members``), and the current read with the cache off.

    python -m benchmarks.as_of [--quick]   (--quick: 1,000 events, fewer calls)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final
from uuid import UUID

from flask.testing import FlaskClient

from benchmarks.budget import build_all, in_process
from benchmarks.common import (
    Backend,
    FollowerFailures,
    alternate,
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
from benchmarks.history import instant_of
from consortium.aggregate import Consortium
from events.bootstrap import open_store
from events.caller import Caller
from events.consortia import ConsortiumApplication

TARGET_RATIO: Final = 3.0
LARGE_EVENTS: Final = 10_000
QUICK_LARGE_EVENTS: Final = 1_000
CALLER: Final = Caller.system("benchmark@consortium.localhost", "benchmark-as-of")
LARGE: Final = ("realistic", "money")


@dataclass(frozen=True)
class Figure:
    backend: str
    consortium: str
    now: float
    typical: float
    worst: float

    @property
    def ratio(self) -> float:
        return self.typical / self.now

    @property
    def worst_ratio(self) -> float:
        return self.worst / self.now

    @property
    def met(self) -> bool:
        return max(self.ratio, self.worst_ratio) <= TARGET_RATIO


def instants(app: ConsortiumApplication, consortium_id: UUID, events: int) -> dict[int, datetime]:
    """By offset from the snapshot before it, the instant of one version at that offset: one in
    each of the last twenty snapshot intervals (so the answers list about as many memberships
    as now), all but the current version."""
    interval = app.snapshotting_intervals[Consortium]
    return {
        offset: instant_of(app, consortium_id, events - interval * (interval - offset) + offset)
        for offset in range(interval)
    }


def query(instant: datetime) -> str:
    return "?as_of=" + instant.isoformat().replace("+", "%2B")


def measure_one(
    app: ConsortiumApplication,
    client: FlaskClient,
    headers: dict[str, str],
    backend: str,
    name: str,
    consortium_id: UUID,
    events: int,
    quick: bool,
) -> Figure:
    address = f"/api/v1/consortia/{consortium_id}"

    def get(suffix: str = "") -> Callable[[], object]:
        def call() -> object:
            response = client.get(address + suffix, headers=headers)
            assert response.status_code == 200, response.get_data(as_text=True)[:300]
            return response

        return call

    at = instants(app, consortium_id, events)
    interval = len(at)
    sizes = {
        "now": len(client.get(address, headers=headers).data),
        "as of": len(client.get(address + query(at[interval - 1]), headers=headers).data),
    }
    rounds = 3 if quick else 5
    per_instant = 1 if quick else 2
    now_times: list[float] = []
    by_offset: dict[int, list[float]] = {offset: [] for offset in at}
    current = get()
    past = {offset: get(query(instant)) for offset, instant in at.items()}
    for call in (current, *past.values()):
        call()
    for _ in range(rounds):
        now_times += time_calls(current, interval * per_instant)
        for offset, call in past.items():
            by_offset[offset] += time_calls(call, per_instant)
    every = [t for times in by_offset.values() for t in times]
    figure = Figure(
        backend, name, median(now_times), median(every), median(by_offset[interval - 1])
    )
    print(f"  {name}: answers of {sizes['now']:,} bytes now, {sizes['as of']:,} as of")
    print(
        f"    API now (cache on), median of {len(now_times)}: {ms(figure.now)} "
        f"({spread(now_times)})"
    )
    print(
        f"    API ?as_of=, {interval} instants, median of {len(every)}: {ms(figure.typical)} "
        f"({spread(every)}); snapshot + {interval - 1} events: {ms(figure.worst)}"
    )
    print(
        f"    RATIO typical {figure.ratio:.2f}, worst {figure.worst_ratio:.2f}  (target ≤ "
        f"{TARGET_RATIO:g}: {verdict(figure.met)})"
    )

    # For contrast: the use case alone, and the current read with the cache off.
    middle = at[interval // 2]
    use_case = alternate(
        {
            "now": lambda: app.with_members(consortium_id, CALLER),
            "as of": lambda: app.with_members(consortium_id, CALLER, middle),
        },
        10 if quick else 40,
    )
    cache, app.repository.cache = app.repository.cache, None
    try:
        cold = median(time_calls(current, 5 if quick else 20))
    finally:
        app.repository.cache = cache
    now, then = median(use_case["now"]), median(use_case["as of"])
    print(
        f"    use case with_members: now {ms(now)}, as of {ms(then)} → {then / now:.2f}; "
        f"API now with the cache off: {ms(cold)} → as of ÷ that {figure.typical / cold:.2f}"
    )
    return figure


def measure(backend: Backend, quick: bool) -> list[Figure]:
    heading(f"as_of on {backend.name}")
    events = QUICK_LARGE_EVENTS if quick else LARGE_EVENTS
    store = open_store(backend.settings)
    failures = FollowerFailures()
    with failures.attached():
        try:
            built = build_all(store, events)
            client, headers = in_process(store)
            store.read.follower.catch_up()
            figures = [
                measure_one(
                    store.consortia,
                    client,
                    headers,
                    backend.name,
                    name,
                    built[name].consortium_id,
                    events,
                    quick,
                )
                for name in LARGE
            ]
        finally:
            store.close()
    print(f"  ({failures})")
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    args = argument_parser(__doc__.splitlines()[0] if __doc__ else "as_of").parse_args(argv)
    print(f"as_of ({machine()}){'  --quick: smoke run' if args.quick else ''}")
    figures: list[Figure] = []
    for open_backend in backends():
        with open_backend() as backend:
            figures += measure(backend, args.quick)
    heading("as_of summary (API in-process, medians)")
    for f in figures:
        print(
            f"  {f.backend:<10} {f.consortium:<9} as of {ms(f.typical)} (worst {ms(f.worst)}) ÷ "
            f"now {ms(f.now)} = {f.ratio:.2f} (worst {f.worst_ratio:.2f})  (target ≤ "
            f"{TARGET_RATIO:g}: {verdict(f.met)})"
        )
    print(f"  ({load_average()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
