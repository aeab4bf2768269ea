"""The audit chain: verification of 1,000,000 events (target ≥ 100,000 events/s), the cost of
chaining on the write path (writes/s with the chain ÷ without, target ≥ 0.9), and the JSON Lines
export of 1,000,000 events (target ≥ 50,000 events/s, peak memory ≤ 2 × the export of 10,000).

The million events are written straight into the tables (events and links, as the recorder
writes them), copies of one real ContributionLogged event of the consortium at successive
versions: making them through the use cases would take hours. Verification and export then
read them as they read any store.
"""

from __future__ import annotations

import time
import tracemalloc
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from eventsourcing.postgres import PostgresApplicationRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder
from eventsourcing.utils import get_topic

from benchmarks.common import (
    Backend,
    argument_parser,
    backends,
    heading,
    load_average,
    machine,
    verdict,
)
from consortium.ledger import ContributionKind
from consortium.members import MemberRole, Sector
from consortium.money import Money
from events.audit.chain import EventRow, LinkRow, id_hex, link_rows
from events.bootstrap import Store, migrate, open_store
from events.caller import Caller
from events.postgres import connect
from events.settings import StoreSettings
from events.sqlite_store import SQLiteStoreFactory

TARGET_VERIFY: Final = 100_000.0
TARGET_WRITE_RATIO: Final = 0.9
TARGET_EXPORT: Final = 50_000.0
TARGET_MEMORY_RATIO: Final = 2.0
BATCH: Final = 10_000
PM: Final = Caller(actor="pm@bench.example", request_id="bench", may_found=True)


class PlainSQLiteFactory(SQLiteStoreFactory):
    """The store's SQLite factory with the library's recorder: no chain (the baseline)."""

    def application_recorder(self) -> SQLiteApplicationRecorder:
        recorder = SQLiteApplicationRecorder(
            datastore=self.datastore, events_table_name=f"{self._prefix()}_events"
        )
        if self.env_create_table():
            recorder.create_table()
        return recorder


# How the baseline store is configured without the chain: on PostgreSQL the library's factory
# takes its recorder's class from the environment.
PLAIN: Final = {
    False: {"PERSISTENCE_MODULE": "benchmarks.audit_chain:PlainSQLiteFactory"},
    True: {"APPLICATION_RECORDER_TOPIC": get_topic(PostgresApplicationRecorder)},
}


@dataclass
class Figures:
    backend: str
    events: int = 0
    verify_rate: float = 0.0
    verify_cpu_rate: float = 0.0
    export_cpu_rate: float = 0.0
    scan_rate: float = 0.0
    export_rate: float = 0.0
    export_bytes: int = 0
    peak_small: int = 0
    peak_large: int = 0
    small: int = 0
    writes_chained: float = 0.0
    writes_plain: float = 0.0

    @property
    def memory_ratio(self) -> float:
        return self.peak_large / self.peak_small

    @property
    def write_ratio(self) -> float:
        return self.writes_chained / self.writes_plain


def contribute(store: Store, consortium_id: uuid.UUID, member_id: uuid.UUID) -> None:
    store.consortia.log_contribution(
        consortium_id,
        member_id=member_id,
        kind=ContributionKind.CASH,
        amount=Money(Decimal("125.50")),
        on=store.consortia.today(),
        year=None,
        reference=None,
        hours=None,
        rate=None,
        caller=PM,
    )


def founded(store: Store, name: str) -> tuple[uuid.UUID, uuid.UUID]:
    """A consortium with one member and one contribution: (its id, the member's id)."""
    consortium = store.consortia.found(name=name, challenge="Samen", description=None, caller=PM)
    member = store.consortia.admit_member(
        consortium.id,
        party="Gemeente Utrecht",
        sector=Sector.MUNICIPALITY,
        role=MemberRole.PARTNER,
        contact_email=None,
        population=None,
        caller=PM,
    )
    contribute(store, consortium.id, member.id)
    return consortium.id, member.id


def grow(store: Store, consortium_id: uuid.UUID, events: int) -> None:
    """``events`` more events of the consortium, written straight into the tables."""
    recorder: Any = store.consortia.recorder
    last = recorder.select_events(consortium_id, desc=True, limit=1)[0]
    head = recorder.head()
    previous, nid, version = head.link, head.notification_id, last.originator_version
    oid = id_hex(consortium_id)
    while events > 0:
        count = min(BATCH, events)
        rows = [
            EventRow(nid + i, oid, version + i, last.topic, last.state) for i in range(1, count + 1)
        ]
        links = list(link_rows(previous, rows))
        _insert(store.settings, recorder, consortium_id, rows, links)
        previous, nid, version, events = (
            links[-1].link,
            nid + count,
            version + count,
            events - count,
        )


def _insert(
    settings: StoreSettings,
    recorder: Any,
    consortium_id: uuid.UUID,
    rows: list[EventRow],
    links: list[LinkRow],
) -> None:
    if not settings.is_postgres:
        with recorder.datastore.transaction(commit=True) as c:
            c.executemany(
                "INSERT INTO consortia_events (rowid, originator_id, originator_version, topic, "
                "state) VALUES (?, ?, ?, ?, ?)",
                rows,
            )
            c.executemany("INSERT INTO consortia_chain VALUES (?, ?, ?, ?)", links)
        return
    schema = settings.env["POSTGRES_SCHEMA"]
    with connect(settings) as conn, conn.transaction():
        conn.execute(f'SET LOCAL search_path TO "{schema}"')
        with conn.cursor().copy(
            "COPY consortia_events (notification_id, originator_id, originator_version, topic, "
            "state) FROM STDIN"
        ) as copy:
            for r in rows:
                copy.write_row((r.notification_id, consortium_id, *r[2:]))
        with conn.cursor().copy("COPY consortia_chain FROM STDIN") as copy:
            for link in links:
                copy.write_row(link)
        conn.execute(
            "SELECT setval(pg_get_serial_sequence('consortia_events', 'notification_id'), %s)",
            (rows[-1].notification_id,),
        )


def timed(call: Callable[[], int]) -> tuple[int, float, float]:
    """What the call counted, its wall-clock seconds and its CPU seconds (this process's: on
    a loaded machine the wall clock also counts the time others had the CPU)."""
    start, cpu = time.perf_counter(), time.process_time()
    count = call()
    return count, time.perf_counter() - start, time.process_time() - cpu


def exported(store: Store, consortium_id: uuid.UUID) -> int:
    """Consume the export as a client would (bytes counted, nothing kept); answers the events."""
    events = 0
    for line in store.audit.export_consortium(consortium_id, PM):
        events += line.startswith('{"kind":"event"')
    return events


def peak_memory(call: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure(open_backend: Callable[[], AbstractContextManager[Backend]], quick: bool) -> Figures:
    large, small = (100_000, 1_000) if quick else (1_000_000, 10_000)
    with open_backend() as backend:
        heading(f"audit chain on {backend.name}: {large:,} events")
        figures = Figures(backend.name, small=small)
        store = open_store(backend.settings, may_lead=False)
        try:
            big_id, _ = founded(store, "Groot")
            start = time.perf_counter()
            grow(store, big_id, large)
            print(f"  wrote {large:,} events in {time.perf_counter() - start:.1f} s")
            small_id, _ = founded(store, "Klein")
            grow(store, small_id, small - 3)
            store.audit.sign_checkpoints()  # the exports below start from this checkpoint
            for consortium_id in (big_id, small_id):  # as in the service: in the cache
                store.consortia.consortium(consortium_id, PM)
            figures.events, seconds, cpu = timed(lambda: store.audit.verify()[0].events)
            figures.verify_rate, figures.verify_cpu_rate = (
                figures.events / seconds,
                figures.events / cpu,
            )
            print(f"  verify: {figures.events:,} events in {seconds:.2f} s ({cpu:.2f} s CPU)")
            scanned, seconds, cpu = timed(
                lambda: sum(1 for _ in store.audit.recorder("consortia").chain())
            )
            figures.scan_rate = scanned / seconds
            print(f"  reading the rows alone (baseline): {seconds:.2f} s ({cpu:.2f} s CPU)")
            events, seconds, cpu = timed(lambda: exported(store, big_id))
            figures.export_rate, figures.export_cpu_rate = events / seconds, events / cpu
            print(f"  export: {events:,} events in {seconds:.2f} s ({cpu:.2f} s CPU)")
            figures.peak_small = peak_memory(lambda: exported(store, small_id))
            figures.peak_large = peak_memory(lambda: exported(store, big_id))
        finally:
            store.close()
        measure_writes(backend, figures, 300 if quick else 2_000)
    return figures


@contextmanager
def plain_store(backend: Backend) -> Iterator[Store]:
    """A store of the same kind beside, with the library's recorders (no chain)."""
    with backend.sibling() as sibling:
        settings = sibling.settings.with_env(**PLAIN[sibling.settings.is_postgres])
        migrate(settings)
        store = open_store(settings, may_lead=False)
        try:
            yield store
        finally:
            store.close()


def measure_writes(backend: Backend, figures: Figures, writes: int) -> None:
    """Contributions logged through the use case on two fresh stores of the backend, one with
    the chain and one without, taking turns in 5 rounds (a store holding the million events
    above would weigh on its writes for reasons that are not the chain)."""
    with backend.sibling() as fresh, plain_store(backend) as plain:
        chained = open_store(fresh.settings, may_lead=False)
        try:
            stores = {"chained": chained, "plain": plain}
            targets = {name: founded(store, "Schrijven") for name, store in stores.items()}
            totals = dict.fromkeys(stores, 0.0)
            for _ in range(5):
                for name, store in stores.items():
                    consortium_id, member_id = targets[name]
                    start = time.perf_counter()
                    for _ in range(writes // 5):
                        contribute(store, consortium_id, member_id)
                    totals[name] += time.perf_counter() - start
        finally:
            chained.close()
    figures.writes_chained = writes / totals["chained"]
    figures.writes_plain = writes / totals["plain"]
    print(
        f"  writes (log_contribution): {figures.writes_chained:,.0f}/s with the chain, "
        f"{figures.writes_plain:,.0f}/s without"
    )


def main_writes(writes: int) -> None:
    """Only the write path (``--writes-only``)."""
    print(f"audit_chain, write path only ({machine()})")
    for open_backend in backends():
        with open_backend() as backend:
            heading(f"audit chain writes on {backend.name}")
            figures = Figures(backend.name)
            measure_writes(backend, figures, writes)
            print(
                f"  with ÷ without = {figures.write_ratio:.2f}  (target ≥ {TARGET_WRITE_RATIO:g}: "
                f"{verdict(figures.write_ratio >= TARGET_WRITE_RATIO)})"
            )
    print(f"  ({load_average()})")


def main(quick: bool = False) -> None:
    print(f"audit_chain ({machine()}){'  --quick: smoke run' if quick else ''}")
    results = [measure(open_backend, quick) for open_backend in backends()]
    heading("audit chain summary")
    for f in results:
        print(
            f"  {f.backend:<10} verify {f.verify_rate:,.0f} events/s, per CPU second "
            f"{f.verify_cpu_rate:,.0f} (reading alone {f.scan_rate:,.0f}/s)  "
            f"(target ≥ {TARGET_VERIFY:,.0f}: {verdict(f.verify_rate >= TARGET_VERIFY)})"
        )
        print(
            f"  {'':<10} writes with ÷ without the chain {f.writes_chained:,.0f} ÷ "
            f"{f.writes_plain:,.0f}/s = {f.write_ratio:.2f}  (target ≥ {TARGET_WRITE_RATIO:g}: "
            f"{verdict(f.write_ratio >= TARGET_WRITE_RATIO)})"
        )
        print(
            f"  {'':<10} export {f.export_rate:,.0f} events/s, per CPU second "
            f"{f.export_cpu_rate:,.0f}  (target ≥ {TARGET_EXPORT:,.0f}: "
            f"{verdict(f.export_rate >= TARGET_EXPORT)})"
        )
        print(
            f"  {'':<10} export peak memory {f.events - f.small:,} events "
            f"{f.peak_large / 1e6:.2f} MB ÷ {f.small:,} events {f.peak_small / 1e6:.2f} MB "
            f"= {f.memory_ratio:.2f}  "
            f"(target ≤ {TARGET_MEMORY_RATIO:g}: {verdict(f.memory_ratio <= TARGET_MEMORY_RATIO)})"
        )
    print(f"  ({load_average()})")


if __name__ == "__main__":
    parser = argument_parser(__doc__.splitlines()[0] if __doc__ else "audit_chain")
    parser.add_argument("--writes-only", action="store_true", help="only the write path")
    arguments = parser.parse_args()
    if arguments.writes_only:
        main_writes(300 if arguments.quick else 2_000)
    else:
        main(quick=arguments.quick)
