"""API writes: member admissions per second through the real HTTP API, against the raw
eventsourcing get → admit → save loop in-process on the same kind of store (target ≥ 0.5).

Raw baseline: one thread, ``repository.get`` → ``Consortium.admit_member`` → ``save`` with the
application configured as the service configures it (its aggregate cache included), N
admissions to one fresh consortium.

API: the real service, ``consortium serve --bind 127.0.0.1:<free port> --workers W`` (gunicorn,
gthread workers) as a subprocess on the same store, after ``consortium token create``; T client
threads, each with a keep-alive ``requests.Session``, send N admissions in all to one fresh
consortium. Only 201 answers count. Both sides start from a consortium with a lead and a few
warm-up members, so member counts are alike.

In between it prints the same admissions through the Flask app in-process (test client, no
HTTP, no gunicorn), which splits the gap into what the app costs and what HTTP costs.

    python -m benchmarks.api_writes [--quick] [--workers W --threads T] [--admissions N]
                                    [--profile]
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import requests

from benchmarks.common import (
    Backend,
    Rate,
    argument_parser,
    backends,
    cache_setting,
    heading,
    load_average,
    machine,
    verdict,
)
from consortium.aggregate import Consortium
from consortium.members import MemberRole, Sector
from events.bootstrap import open_store
from events.caller import Caller
from events.consortia import ConsortiumApplication
from web.app import create_app
from web.config import WebSettings

TARGET_RATIO: Final = 0.5
WARM_UP: Final = 10
ADMISSIONS: Final = 1000
QUICK_ADMISSIONS: Final = 100
# (workers, client threads): one request at a time, then as many as there are cores, then more.
CONFIGURATIONS: Final = ((1, 1), (2, 2), (4, 4))
QUICK_CONFIGURATIONS: Final = ((2, 2),)
ADMIN_EMAIL: Final = "benchmark@consortium.localhost"
SECRET_KEY: Final = "benchmark-secret-key-not-for-production"  # noqa: S105 - a local test server
READY_TIMEOUT: Final = 60.0
SETTLE_SECONDS: Final = 3.0
START_ATTEMPTS: Final = 5
NO_ANSWER: Final = 0  # counted as the status of a request that got no answer at all
CALLER: Final = Caller.system(ADMIN_EMAIL, "benchmark-api-writes")


def member_body(party: str) -> dict[str, Any]:
    return {"party": party, "sector": "market", "role": "partner"}


@dataclass(frozen=True)
class ApiResult:
    backend: str
    workers: int
    threads: int
    raw: Rate
    api: Rate

    @property
    def ratio(self) -> float:
        return self.api.per_second / self.raw.per_second


# -- the raw baseline ---------------------------------------------------------------------------


def cache_setting_of(backend: Backend) -> str:
    app = ConsortiumApplication(backend.settings)
    try:
        return cache_setting(app)
    finally:
        app.close()


def raw_rate(backend: Backend, admissions: int) -> Rate:
    """In-process get → admit_member → save, one thread, as the service's store is set up."""
    app = ConsortiumApplication(backend.settings)
    try:
        consortium_id = app.found(
            name="Raw baseline", challenge="Admissions", description=None, caller=CALLER
        ).id

        def admit(party: str, role: MemberRole = MemberRole.PARTNER) -> None:
            consortium: Consortium = app.repository.get(consortium_id)
            consortium.admit_member(
                party=party, sector=Sector.MARKET, role=role, cause=app.cause(CALLER)
            )
            app.save(consortium)

        admit("Lead", MemberRole.LEAD)
        for i in range(WARM_UP):
            admit(f"Warm-up {i}")
        start = time.perf_counter()
        for i in range(admissions):
            admit(f"Party {i}")
        return Rate(admissions, time.perf_counter() - start, Counter({201: admissions}))
    finally:
        app.close()


# -- the Flask app in-process -------------------------------------------------------------------


def wsgi_rate(backend: Backend, token: str, admissions: int, profile: bool) -> Rate:
    """The same admissions through the Flask app and its test client: no HTTP, no gunicorn."""
    store = open_store(backend.settings)
    try:
        app = create_app(
            store=store, settings=WebSettings(secret_key=SECRET_KEY, base_url="http://bench")
        )
        headers = {"Authorization": f"Bearer {token}"}
        client = app.test_client()
        founded = client.post(
            "/api/v1/consortia", json={"name": "WSGI", "challenge": "C"}, headers=headers
        )
        members = f"/api/v1/consortia/{founded.get_json()['id']}/members"
        lead = {"party": "Lead", "sector": "municipality", "role": "lead"}
        client.post(members, json=lead, headers=headers)
        for i in range(WARM_UP):
            client.post(members, json=member_body(f"Warm-up {i}"), headers=headers)
        statuses: Counter[int] = Counter()

        def run(prefix: str) -> None:
            for i in range(admissions):
                body = member_body(f"{prefix} {i}")
                statuses[client.post(members, json=body, headers=headers).status_code] += 1

        start = time.perf_counter()
        run("Party")
        rate = Rate(statuses[201], time.perf_counter() - start, statuses)
        if profile:
            # Separately: the profiler slows everything down, so it never touches the rate.
            profiler = cProfile.Profile()
            profiler.runcall(run, "Profiled")
            print_profile(profiler, f"the in-process Flask app on {backend.name}", admissions)
        return rate
    finally:
        store.close()


# What a request spends its time on: (label, file, function, calling file, calling function).
# The caller narrows a function used in several places to the calls from that one.
PARTS: Final = (
    ("whole request through the Flask app", "flask/app.py", "wsgi_app", None, None),
    ("  rate limiter (failed authentications)", "flask_limiter/_extension.py",
     "_check_request_limit", None, None),
    ("  authentication: token → account", "web/auth.py", "_authenticate", None, None),
    ("  request body parsed and validated", "webargs/core.py", "parse", None, None),
    ("  use case ConsortiumApplication.admit_member", "events/consortia.py", "admit_member",
     None, None),
    ("    repository.get of the consortium", "events/application.py", "_load",
     "events/application.py", "_update"),
    ("    domain command Consortium.admit_member", "consortium/membership.py", "admit_member",
     None, None),
    ("    Application.save (events, snapshot)", "eventsourcing/application.py", "save",
     "events/application.py", "_update"),
    ("      SQLite commit", "~", "<method 'commit' of 'sqlite3.Connection' objects>", None, None),
    ("  response body (marshmallow dump)", "marshmallow/schema.py", "dump", None, None),
)  # fmt: skip


def cumulative(
    stats: dict[Any, Any], path: str, function: str, caller: tuple[str, str] | None
) -> float | None:
    """Seconds spent in ``function`` of ``path`` and below (from ``caller`` only, if given)."""
    found = [
        (key, entry)
        for key, entry in stats.items()
        if key[2] == function and key[0].replace("\\", "/").endswith(path)
    ]
    if not found:
        return None
    if caller is None:
        return max(float(entry[3]) for _, entry in found)
    return max(
        (
            float(timing[3])
            for _, entry in found
            for calling, timing in entry[4].items()
            if calling[2] == caller[1] and calling[0].endswith(caller[0])
        ),
        default=None,
    )


def print_profile(profiler: cProfile.Profile, what: str, requests: int) -> None:
    stats = pstats.Stats(profiler)
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    print(f"\n  -- cProfile of {what}: per admission, and share of the whole request --")
    whole = None
    for label, path, function, calling_path, calling_function in PARTS:
        caller = (calling_path, calling_function) if calling_path and calling_function else None
        seconds = cumulative(table, path, function, caller)
        if seconds is None:
            continue
        whole = whole or seconds
        print(f"  {label:<50} {seconds / requests * 1000:6.2f} ms {seconds / whole:6.0%}")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime").print_stats(12)
    print("  hottest functions by own time (profiler overhead included):")
    lines = out.getvalue().splitlines()
    header = next(i for i, line in enumerate(lines) if "ncalls" in line)
    print("\n".join("    " + line for line in lines[header:] if line.strip()))
    print()


# -- the real service over HTTP -----------------------------------------------------------------


def consortium_command() -> str:
    beside = Path(sys.executable).parent / "consortium"
    found = str(beside) if beside.exists() else shutil.which("consortium")
    if found is None:
        raise SystemExit("The `consortium` command is not installed (pip install -e .).")
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def service_environment(backend: Backend) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("CONSORTIUM_BROKER_URL", "CONSORTIUM_SMTP_URL", "CONSORTIUM_BIND"):
        env.pop(name, None)
    env.update(
        CONSORTIUM_DATABASE_URL=backend.url,
        CONSORTIUM_SECRET_KEY=SECRET_KEY,
        CONSORTIUM_BASE_URL="http://127.0.0.1",
    )
    return env


def create_token(backend: Backend, workdir: Path) -> str:
    """A new administrator's token from ``consortium token create``, as an operator makes one."""
    done = subprocess.run(
        [consortium_command(), "token", "create", "--email", ADMIN_EMAIL, "--admin",
         "--name", "benchmark"],
        env=service_environment(backend), cwd=workdir, capture_output=True, text=True,
        check=False, timeout=120,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"consortium token create failed:\n{done.stderr[-3000:]}")
    return done.stdout.strip()


class ServiceFailedToStart(RuntimeError):
    """The service did not come up, or went down during the measurement."""


@dataclass(frozen=True)
class Service:
    base: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def check_still_up(self) -> None:
        if self.process.poll() is not None:
            raise ServiceFailedToStart(failure_reason(self.log_path))


@contextmanager
def running_service(backend: Backend, workers: int, workdir: Path) -> Iterator[Service]:
    """``consortium serve`` on a free port, once it answers and all its workers have booted."""
    port = free_port()
    log_path = workdir / f"serve-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [consortium_command(), "serve", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers)],
            env=service_environment(backend), cwd=workdir, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            service = Service(f"http://127.0.0.1:{port}", process, log_path)
            wait_until_ready(service, workers)
            yield service
        except ServiceFailedToStart:
            raise
        except Exception:
            print(f"  consortium serve's log ends with:\n{log_tail(log_path)}")
            raise
        finally:
            stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def log_tail(log_path: Path, lines: int = 30) -> str:
    return "\n".join(log_path.read_text(errors="replace").splitlines()[-lines:])


def failure_reason(log_path: Path) -> str:
    """The last exception the service's log names, or its last line."""
    lines = [line.strip() for line in log_path.read_text(errors="replace").splitlines()]
    errors = [line for line in lines if re.match(r"^[\w.]+(Error|Exception)\b.*:", line)]
    reasons = [line for line in lines if "Reason:" in line]
    return "; ".join([*errors[-1:], *reasons[-1:]]) or (lines[-1] if lines else "no log")


def wait_until_ready(service: Service, workers: int) -> None:
    """Until the service answers, all its workers have booted, and it is still up a moment
    later (a worker that fails to boot makes gunicorn stop the whole service)."""
    deadline = time.monotonic() + READY_TIMEOUT
    answered = False
    while time.monotonic() < deadline:
        service.check_still_up()
        if not answered:
            with suppress(requests.ConnectionError):
                answered = requests.get(f"{service.base}/api/v1/openapi.json", timeout=2).ok
        booted = service.log_path.read_text(errors="replace").count("Booting worker with pid")
        if answered and booted >= workers:
            time.sleep(SETTLE_SECONDS)
            service.check_still_up()
            return
        time.sleep(0.1)
    raise ServiceFailedToStart(f"no answer within {READY_TIMEOUT:g} s")


def http_rate(backend: Backend, token: str, admissions: int, workers: int, threads: int) -> Rate:
    """The admissions through a freshly started service; a start that fails, or a service that
    goes down during the run, is reported with the reason from its log and tried again."""
    for attempt in range(1, START_ATTEMPTS + 1):
        with tempfile.TemporaryDirectory(prefix="consortium-bench-serve-") as directory:
            try:
                with running_service(backend, workers, Path(directory)) as service:
                    return drive(service, token, admissions, threads)
            except ServiceFailedToStart as failure:
                print(f"  !! consortium serve failed (attempt {attempt}): {failure}")
    raise ServiceFailedToStart(f"it failed {START_ATTEMPTS} times in a row")


def drive(service: Service, token: str, admissions: int, threads: int) -> Rate:
    """``admissions`` to one new consortium from ``threads`` keep-alive sessions at once."""
    sessions = [requests.Session() for _ in range(threads)]
    for session in sessions:
        session.headers["Authorization"] = f"Bearer {token}"
    try:
        founded = sessions[0].post(
            f"{service.base}/api/v1/consortia", json={"name": "HTTP", "challenge": "C"}, timeout=30
        )
        founded.raise_for_status()
        members = f"{service.base}/api/v1/consortia/{founded.json()['id']}/members"
        lead = {"party": "Lead", "sector": "municipality", "role": "lead"}
        sessions[0].post(members, json=lead, timeout=30).raise_for_status()
        for t, session in enumerate(sessions):
            for i in range(max(2, WARM_UP // threads)):
                session.post(members, json=member_body(f"Warm-up {t}-{i}"), timeout=30)
    except requests.RequestException:
        service.check_still_up()
        raise

    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    start_line = threading.Barrier(threads + 1)
    shares = [admissions // threads + (t < admissions % threads) for t in range(threads)]

    def client(t: int) -> None:
        seen: Counter[int] = Counter()
        start_line.wait()
        for i in range(shares[t]):
            body = member_body(f"Party {t}-{i}")
            try:
                status = sessions[t].post(members, json=body, timeout=60).status_code
            except requests.RequestException:
                status = NO_ANSWER
            seen[status] += 1
        with lock:
            statuses.update(seen)

    clients = [threading.Thread(target=client, args=(t,), daemon=True) for t in range(threads)]
    for thread in clients:
        thread.start()
    start_line.wait()
    start = time.perf_counter()
    for thread in clients:
        thread.join()
    seconds = time.perf_counter() - start
    for session in sessions:
        session.close()
    service.check_still_up()
    return Rate(statuses[201], seconds, statuses)


# -- the run ------------------------------------------------------------------------------------


def measure(
    backend: Backend,
    admissions: int,
    configurations: Sequence[tuple[int, int]],
    profile: bool,
) -> list[ApiResult]:
    """The raw baseline before and after the API runs (the faster of the two counts, so a
    slow moment of the machine never flatters the ratio), the in-process app, and the API."""
    heading(f"api_writes on {backend.name}")
    print(f"  the store as the service configures it: {cache_setting_of(backend)}")
    before = raw_rate(backend, admissions)
    print(f"  raw get → admit_member → save, in-process, 1 thread: {before}")
    with tempfile.TemporaryDirectory(prefix="consortium-bench-token-") as directory:
        token = create_token(backend, Path(directory))
    wsgi = wsgi_rate(backend, token, admissions, profile)
    print(
        f"  Flask app in-process (test client), 1 thread:       {wsgi}"
        f"  → {wsgi.per_second / before.per_second:.2f} of raw"
    )
    measured: list[tuple[int, int, Rate]] = []
    for workers, threads in configurations:
        label = f"HTTP API, --workers {workers} (gthread ×4), {threads} client thread(s)"
        try:
            api = http_rate(backend, token, admissions, workers, threads)
        except ServiceFailedToStart as failure:
            print(f"  {label}: NOT MEASURED, the service did not stay up ({failure})")
            continue
        print(f"  {label}: {api}")
        measured.append((workers, threads, api))
    after = raw_rate(backend, admissions)
    print(f"  raw get → admit_member → save, again after the API:  {after}")
    raw = max(before, after, key=lambda rate: rate.per_second)
    results = [ApiResult(backend.name, w, t, raw, api) for w, t, api in measured]
    for result in results:
        print(
            f"  RATIO {result.ratio:.3f} with --workers {result.workers}, {result.threads} client "
            f"thread(s)  (target ≥ {TARGET_RATIO:g}: {verdict(result.ratio >= TARGET_RATIO)})"
        )
    return results


def parse_configurations(
    workers: int | None, threads: int | None, quick: bool
) -> Sequence[tuple[int, int]]:
    if workers is not None or threads is not None:
        return ((workers or 2, threads or 1),)
    return QUICK_CONFIGURATIONS if quick else CONFIGURATIONS


def main(argv: Sequence[str] | None = None) -> int:
    parser = argument_parser(__doc__.splitlines()[0] if __doc__ else "api_writes")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=None, help="client threads")
    parser.add_argument("--admissions", type=int, default=None, help="admissions on each side")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the in-process Flask admissions"
    )
    args = parser.parse_args(argv)
    admissions = args.admissions or (QUICK_ADMISSIONS if args.quick else ADMISSIONS)
    configurations = parse_configurations(args.workers, args.threads, args.quick)
    print(f"api_writes ({machine()}){'  --quick: smoke run' if args.quick else ''}")
    print(f"  {admissions} admissions to one consortium on each side")
    results: list[ApiResult] = []
    for open_backend in backends():
        with open_backend() as backend:
            results += measure(backend, admissions, configurations, args.profile)
    heading("api_writes summary (admissions per second, HTTP API ÷ raw)")
    for r in results:
        print(
            f"  {r.backend:<10} workers {r.workers} threads {r.threads}: "
            f"{r.api.per_second:7.1f}/s ÷ {r.raw.per_second:7.1f}/s = {r.ratio:.3f}  "
            f"(target ≥ {TARGET_RATIO:g}: {verdict(r.ratio >= TARGET_RATIO)})"
        )
    print(f"  ({load_average()})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
