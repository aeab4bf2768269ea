"""Reminders: the due-scan over 100,000 checkpoints ÷ over 1,000 (target ≤ 3: the scan reads the
checkpoint index, it does not replay consortia), and reminders delivered per second by a Celery
worker to the outbox ÷ delivered in-process (the baseline, same store, same run)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Final

import redis

from benchmarks.common import (
    Backend,
    argument_parser,
    backends,
    heading,
    load_average,
    machine,
    median,
    ms,
    verdict,
)
from consortium.members import MemberRole, Sector
from events.bootstrap import Store, open_store
from events.caller import Caller
from events.configuration import Settings
from events.reminders import Due
from workers.celery_app import make_celery
from workers.delivery import deliver
from workers.mail import OutboxMailer
from workers.tasks import deliver_reminder

TARGET_SCAN_RATIO: Final = 3.0
DUE_CONSORTIA: Final = 5
DUE_PER_CONSORTIUM: Final = 10  # 50 checkpoints due in 3 days, each with one recipient
REDIS_URL: Final = os.environ.get("CONSORTIUM_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
SYSTEM: Final = Caller.system("bench", "bench")


@dataclass
class ScanFigures:
    checkpoints: int
    first: float  # schedules every due reminder
    again: float  # median of scans that find nothing new


def fill(store: Store, total: int) -> list[uuid.UUID]:
    """``total`` open checkpoints, of which the same 50 are due in three days whatever the
    total. The due ones are planned through the use cases; the others, due decades ahead, are
    written straight into the checkpoint index (the rows the projection writes for such
    milestones), so that filling 100,000 takes seconds instead of an hour of commands."""
    app = store.consortia
    today = app.today()
    consortia = []
    for n in range(DUE_CONSORTIA):
        consortium = app.found(name=f"Due {n}", challenge="Bench", description=None, caller=SYSTEM)
        member = app.admit_member(
            consortium.id,
            party=f"Gemeente {n}",
            sector=Sector.MUNICIPALITY,
            role=MemberRole.LEAD,
            contact_email=f"contact{n}@gemeente.example",
            population=None,
            caller=SYSTEM,
        )
        for m in range(DUE_PER_CONSORTIUM):
            app.plan_milestone(
                consortium.id,
                title=f"Checkpoint {m}",
                due_date=today + timedelta(days=3),
                description=None,
                questions=None,
                tranche=None,
                closes_phase=None,
                responsible_member_ids=[member.id],
                caller=SYSTEM,
            )
        consortia.append(consortium.id)
    store.read.fresh()
    far = (date(today.year + 40, 1, 1)).isoformat()
    filler = total - DUE_CONSORTIA * DUE_PER_CONSORTIUM
    with store.read.view.transaction(commit=True) as tx:
        for n in range(filler):
            tx.execute(
                """INSERT INTO {t}rm_checkpoints (milestone_id, consortium_id, title, due_date,
                       is_open, decision, questions, responsible, replans)
                   VALUES (:m, :c, 'Later', :due, 1, NULL, '[]', '', 0)""",
                {"m": str(uuid.uuid4()), "c": str(consortia[n % len(consortia)]), "due": far},
            )
    return consortia


def measure_scan(backend_factory: object, total: int, repetitions: int) -> ScanFigures:
    with backend_factory() as backend:  # type: ignore[operator]
        store = open_store(backend.settings)
        try:
            fill(store, total)
            start = time.perf_counter()
            scheduled = store.reminders.scan()
            first = time.perf_counter() - start
            assert len(scheduled) == DUE_CONSORTIA * DUE_PER_CONSORTIUM, len(scheduled)
            times = []
            for _ in range(repetitions):
                start = time.perf_counter()
                again = store.reminders.scan()
                times.append(time.perf_counter() - start)
                assert not [d for d in again if d not in scheduled]
            return ScanFigures(total, first, median(times))
        finally:
            store.close()


def wait_for_files(folder: Path, count: int, timeout: float) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if folder.exists() and len(list(folder.glob("*.eml"))) >= count:
            return time.perf_counter() - start
        time.sleep(0.02)
    raise TimeoutError(f"only {len(list(folder.glob('*.eml')))} of {count} messages arrived")


def measure_delivery(backend: Backend, reminders: int) -> tuple[float, float] | None:
    """Reminders per second: in-process to the outbox, and through a Celery worker."""
    try:
        broker = redis.Redis.from_url(REDIS_URL)
        broker.ping()
    except redis.RedisError as error:
        print(f"  Redis at {REDIS_URL} is not reachable ({error}); no Celery figure.")
        return None
    store = open_store(backend.settings)
    workdir = Path(tempfile.mkdtemp(prefix="consortium-bench-outbox-"))
    queue = f"bench-{uuid.uuid4().hex[:12]}"
    worker: subprocess.Popen[bytes] | None = None
    try:
        app = store.consortia
        consortium = app.found(
            name="Deliveries", challenge="Bench", description=None, caller=SYSTEM
        )
        member = app.admit_member(
            consortium.id,
            party="Gemeente Bench",
            sector=Sector.MUNICIPALITY,
            role=MemberRole.LEAD,
            contact_email="bench@gemeente.example",
            population=None,
            caller=SYSTEM,
        )
        for n in range(2 * reminders):
            app.plan_milestone(
                consortium.id,
                title=f"Checkpoint {n}",
                due_date=app.today() + timedelta(days=3),
                description=None,
                questions=None,
                tranche=None,
                closes_phase=None,
                responsible_member_ids=[member.id],
                caller=SYSTEM,
            )
        due = store.reminders.scan()
        in_process, by_celery = due[:reminders], due[reminders:]

        baseline = OutboxMailer(workdir / "in-process")
        start = time.perf_counter()
        for item in in_process:
            deliver(store, baseline, item, claim=f"bench-{item.key}")
        raw_rate = len(in_process) / (time.perf_counter() - start)

        env = {
            **os.environ,
            "CONSORTIUM_BROKER_URL": REDIS_URL,
            "CONSORTIUM_QUEUE": queue,
            "CONSORTIUM_DATABASE_URL": backend.url,
            "CONSORTIUM_OUTBOX": str(workdir / "celery"),
        }
        env.pop("CONSORTIUM_SMTP_URL", None)
        celery = Path(sys.executable).parent / "celery"
        worker = subprocess.Popen(
            [
                str(celery),
                "-A",
                "workers",
                "worker",
                "--concurrency=2",
                "-Q",
                queue,
                "-l",
                "WARNING",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # This process sends through the same broker as the worker reads.
        make_celery(Settings.given(broker_url=REDIS_URL, queue=queue)).set_current()
        # The worker's first task warms it up; the rate counts the rest.
        send(deliver_reminder, by_celery[:1], queue)
        wait_for_files(workdir / "celery", 1, timeout=60)
        start = time.perf_counter()
        send(deliver_reminder, by_celery[1:], queue)
        wait_for_files(workdir / "celery", len(by_celery), timeout=120)
        celery_rate = (len(by_celery) - 1) / (time.perf_counter() - start)
        return raw_rate, celery_rate
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)
        store.close()
        for key in broker.scan_iter(f"*{queue}*"):
            broker.delete(key)


def send(task: object, items: list[Due], queue: str) -> None:
    for item in items:
        task.apply_async(args=(str(item.consortium_id), item.key), queue=queue)  # type: ignore[attr-defined]


def main(quick: bool = False) -> None:
    small, large = (1_000, 10_000) if quick else (1_000, 100_000)
    repetitions = 5 if quick else 20
    reminders = 40 if quick else 200
    print(f"reminders ({machine()})")
    results = []
    for factory in backends():
        scans = [measure_scan(factory, n, repetitions) for n in (small, large)]
        with factory() as backend:
            heading(f"reminders on {backend.name}")
            for s in scans:
                print(
                    f"  scan over {s.checkpoints:>7,} open checkpoints (50 due): first "
                    f"{ms(s.first)} (schedules 50), again {ms(s.again)} (median of {repetitions})"
                )
            delivery = measure_delivery(backend, reminders)
        results.append((backend.name, scans, delivery))
    heading("reminders summary")
    for name, (low, high), delivery in results:
        ratio = high.again / low.again
        first_ratio = high.first / low.first
        print(
            f"  {name:<10} scan {high.checkpoints:,} ÷ {low.checkpoints:,} checkpoints: "
            f"{ratio:.2f} (target ≤ {TARGET_SCAN_RATIO:g}: {verdict(ratio <= TARGET_SCAN_RATIO)}); "
            f"first scans {first_ratio:.2f}"
        )
        if delivery is not None:
            raw_rate, celery_rate = delivery
            print(
                f"  {'':<10} delivered to the outbox: Celery worker {celery_rate:.1f}/s ÷ "
                f"in-process {raw_rate:.1f}/s = {celery_rate / raw_rate:.2f}"
            )
    print(f"  ({load_average()})")


if __name__ == "__main__":
    parser = argument_parser(__doc__.splitlines()[0] if __doc__ else "reminders")
    main(quick=parser.parse_args().quick)
