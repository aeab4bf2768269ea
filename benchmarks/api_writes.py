"""API writes: member admissions per second through the real HTTP API, against the raw
eventsourcing get → admit → save loop in-process on the same kind of store (target ≥ 0.5).

Raw baseline: one thread, ``repository.get`` → ``Consortium.admit_member`` → ``save`` with the
application configured as the service configures it (its aggregate cache included), on a store
of its own of the same backend (a SQLite file beside, a PostgreSQL schema beside): the service's
read-model follower must not apply the baseline's events at its expense.

API: the real service, ``consortium serve --bind 127.0.0.1:<free port> --workers W`` (gunicorn,
gthread workers) as a subprocess, after ``consortium token create``; T client threads, each with
one keep-alive connection (``http.client``: a lean client, since it shares the machine's cores
with the service), send the admissions to one consortium. Only 201 answers count. Both sides
start from a consortium with a lead and a few warm-up members.

The two take turns: ROUNDS rounds of N/ROUNDS raw admissions then N/ROUNDS through the API, so a
change of load on the machine (other work, the disk) falls on both alike; the ratio is the API's
rate over all rounds ÷ the raw loop's, and the per-round ratios are printed beside it.

In between it prints the same admissions through the Flask app in-process (test client, no
HTTP, no gunicorn), which splits the gap into what the app costs and what HTTP costs.

    python -m benchmarks.api_writes [--quick] [--workers W --threads T] [--admissions N]
                                    [--profile]
"""

from __future__ import annotations

import cProfile
import http.client
import io
import json
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
from contextlib import ExitStack, contextmanager, suppress
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
    ms,
    verdict,
)
from benchmarks.profiled_service import EVERY as PROFILED_EVERY
from benchmarks.profiled_service import PROFILE_DIR
from consortium.aggregate import Consortium
from consortium.members import MemberRole, Sector
from events.bootstrap import open_store
from events.caller import Caller
from events.configuration import Settings
from events.consortia import ConsortiumApplication
from web.app import create_app

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
ROUNDS: Final = 5
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


class RawLoop:
    """The raw get → admit_member → save loop, on an application of its own."""

    def __init__(self, backend: Backend) -> None:
        self.app = ConsortiumApplication(backend.settings)
        self.admitted = 0
        self.restart()

    def restart(self) -> None:
        """Admit to a new consortium from now on (with a lead and the warm-up members), so that
        its size keeps pace with the API's new consortium."""
        self.consortium_id = self.app.found(
            name="Raw baseline", challenge="Admissions", description=None, caller=CALLER
        ).id
        self.admit(MemberRole.LEAD)
        for _ in range(WARM_UP):
            self.admit()

    def admit(self, role: MemberRole = MemberRole.PARTNER) -> None:
        consortium: Consortium = self.app.repository.get(self.consortium_id)
        consortium.admit_member(
            party=f"Party {self.admitted}",
            sector=Sector.MARKET,
            role=role,
            cause=self.app.cause(CALLER),
        )
        self.app.save(consortium)
        self.admitted += 1

    def rate(self, admissions: int) -> Rate:
        start = time.perf_counter()
        for _ in range(admissions):
            self.admit()
        return Rate(admissions, time.perf_counter() - start, Counter({201: admissions}))

    def close(self) -> None:
        self.app.close()


@contextmanager
def raw_loop(backend: Backend) -> Iterator[RawLoop]:
    with backend.sibling() as beside:
        loop = RawLoop(beside)
        try:
            yield loop
        finally:
            loop.close()


# -- the Flask app in-process -------------------------------------------------------------------


def wsgi_rate(backend: Backend, token: str, admissions: int, profile: bool) -> Rate:
    """The same admissions through the Flask app and its test client: no HTTP, no gunicorn."""
    store = open_store(backend.settings)
    try:
        app = create_app(
            store=store, settings=Settings.given(secret_key=SECRET_KEY, base_url="http://bench")
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
    (
        "  rate limiter (failed authentications)",
        "flask_limiter/_extension.py",
        "_check_request_limit",
        None,
        None,
    ),
    ("  authentication: token → account", "web/auth.py", "_authenticate", None, None),
    ("  request body parsed and validated", "webargs/core.py", "parse", None, None),
    (
        "  use case ConsortiumApplication.admit_member",
        "events/consortia.py",
        "admit_member",
        None,
        None,
    ),
    (
        "    repository.get of the consortium",
        "events/application.py",
        "_load",
        "events/application.py",
        "_update",
    ),
    (
        "    domain command Consortium.admit_member",
        "consortium/membership.py",
        "admit_member",
        None,
        None,
    ),
    (
        "    Application.save (events, snapshot)",
        "eventsourcing/application.py",
        "save",
        "events/application.py",
        "_update",
    ),
    ("      SQLite commit", "~", "<method 'commit' of 'sqlite3.Connection' objects>", None, None),
    ("  response body (marshmallow dump)", "marshmallow/schema.py", "dump", None, None),
)


# The same for a request thread of the real service (CPU time of the thread).
SERVICE_PARTS: Final = (
    ("whole request in a gunicorn thread", "gunicorn/workers/gthread.py", "handle", None, None),
    ("  HTTP request read and parsed", "gunicorn/http/parser.py", "__next__", None, None),
    ("  access log line", "gunicorn/glogging.py", "access", None, None),
    ("  the Flask app (WSGI call)", "flask/app.py", "wsgi_app", None, None),
    (
        "    before the view (request id, auth, body rules)",
        "flask/app.py",
        "preprocess_request",
        None,
        None,
    ),
    ("    view: arguments parsed and validated", "webargs/core.py", "parse", None, None),
    (
        "    view: use case ConsortiumApplication.admit_member",
        "events/consortia.py",
        "admit_member",
        None,
        None,
    ),
    (
        "      repository.get of the consortium",
        "events/application.py",
        "_load",
        "events/application.py",
        "_update",
    ),
    (
        "      Application.save (events, snapshot)",
        "eventsourcing/application.py",
        "save",
        "events/application.py",
        "_update",
    ),
    ("    view: response body (marshmallow dump)", "marshmallow/schema.py", "dump", None, None),
)


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


def print_profile(
    profiler: cProfile.Profile | pstats.Stats,
    what: str,
    requests: int,
    parts: tuple[tuple[str, str, str, str | None, str | None], ...] = PARTS,
) -> None:
    stats = profiler if isinstance(profiler, pstats.Stats) else pstats.Stats(profiler)
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    print(f"\n  -- cProfile of {what}: per admission, and share of the whole request --")
    whole = None
    for label, path, function, calling_path, calling_function in parts:
        caller = (calling_path, calling_function) if calling_path and calling_function else None
        seconds = cumulative(table, path, function, caller)
        if seconds is None:
            continue
        whole = whole or seconds
        print(f"  {label:<50} {seconds / requests * 1000:6.2f} ms {seconds / whole:6.0%}")
    out = io.StringIO()
    stats.stream = out  # type: ignore[attr-defined]
    stats.strip_dirs().sort_stats("tottime").print_stats(12)
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
        [
            consortium_command(),
            "token",
            "create",
            "--email",
            ADMIN_EMAIL,
            "--admin",
            "--name",
            "benchmark",
        ],
        env=service_environment(backend),
        cwd=workdir,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"consortium token create failed:\n{done.stderr[-3000:]}")
    return done.stdout.strip()


class ServiceFailedToStart(RuntimeError):
    """The service did not come up, or went down during the measurement."""


@dataclass(frozen=True)
class Service:
    base: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    # With the read model external: ``consortium projections run`` beside the web, as
    # docker-compose.yml deploys it (None: the follower runs in a web worker).
    projections: subprocess.Popen[bytes] | None = None

    def check_still_up(self) -> None:
        if self.process.poll() is not None:
            raise ServiceFailedToStart(failure_reason(self.log_path))
        if self.projections is not None and self.projections.poll() is not None:
            raise ServiceFailedToStart("the projection process stopped")

    def cpu_seconds(self) -> float | None:
        """CPU time used so far by the web and, if it runs, the projection process."""
        used = [cpu_seconds(p.pid) for p in (self.process, self.projections) if p is not None]
        return None if None in used else sum(u for u in used if u is not None)


@contextmanager
def running_service(
    backend: Backend,
    workers: int,
    workdir: Path,
    profiled: bool = False,
    read_model: str = "embedded",
) -> Iterator[Service]:
    """``consortium serve`` on a free port, once it answers and all its workers have booted
    (``profiled``: the same service with its request threads profiled, see profiled_service;
    ``read_model="external"``: with ``consortium projections run`` beside it)."""
    port = free_port()
    log_path = workdir / f"serve-{port}.log"
    bind = f"127.0.0.1:{port}"
    if profiled:
        command = [sys.executable, "-m", "benchmarks.profiled_service", bind, str(workers)]
    else:
        command = [consortium_command(), "serve", "--bind", bind, "--workers", str(workers)]
    env = service_environment(backend)
    env["CONSORTIUM_READ_MODEL"] = read_model
    if profiled:
        env[PROFILE_DIR] = str(workdir)
        env["PYTHONPATH"] = os.pathsep.join(
            [str(Path(__file__).resolve().parent.parent), env.get("PYTHONPATH", "")]
        )
    with log_path.open("wb") as log, ExitStack() as started:
        process = subprocess.Popen(
            command,
            env=env,
            cwd=workdir,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.callback(stop, process)
        projections = None
        if read_model == "external":
            projections = subprocess.Popen(
                [consortium_command(), "projections", "run"],
                env=env,
                cwd=workdir,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            started.callback(stop, projections)
        try:
            service = Service(f"http://127.0.0.1:{port}", port, process, log_path, projections)
            wait_until_ready(service, workers)
            yield service
        except ServiceFailedToStart:
            raise
        except Exception:
            print(f"  consortium serve's log ends with:\n{log_tail(log_path)}")
            raise


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
            with suppress(requests.ConnectionError, requests.Timeout):
                answered = requests.get(f"{service.base}/healthz", timeout=2).ok
        booted = service.log_path.read_text(errors="replace").count("Booting worker with pid")
        if answered and booted >= workers:
            time.sleep(SETTLE_SECONDS)
            service.check_still_up()
            return
        time.sleep(0.1)
    raise ServiceFailedToStart(f"no answer within {READY_TIMEOUT:g} s")


class Client:
    """One keep-alive connection to the service, as one client thread uses it."""

    def __init__(self, service: Service, token: str) -> None:
        self.service = service
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.connection = self._connect()

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.service.port, timeout=60)

    def post(self, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        """The answer's status and body (NO_ANSWER and None when there was none). A connection
        the service closed while it was idle (gunicorn's keep-alive timeout, while the raw loop
        had its turn) is opened again and the request sent once more, as clients do."""
        for attempt in (1, 2):
            try:
                self.connection.request("POST", path, json.dumps(body), self.headers)
                response = self.connection.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException):
                self.connection.close()
                self.connection = self._connect()
                if attempt == 2:
                    return NO_ANSWER, None
                continue
            return response.status, json.loads(data) if data else None
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.connection.close()


class HttpLoop:
    """Admissions to one consortium through the service, from ``threads`` clients at once."""

    def __init__(self, service: Service, token: str, threads: int) -> None:
        self.service = service
        self.clients = [Client(service, token) for _ in range(threads)]
        first = self.clients[0]
        status, founded = first.post("/api/v1/consortia", {"name": "HTTP", "challenge": "C"})
        if status != 201:
            service.check_still_up()
            raise ServiceFailedToStart(f"founding a consortium answered {status}")
        self.members = f"/api/v1/consortia/{founded['id']}/members"
        first.post(self.members, {"party": "Lead", "sector": "municipality", "role": "lead"})
        self.admitted = 0
        for _ in range(max(WARM_UP, 2 * threads)):
            self.rate(threads)

    def rate(self, admissions: int) -> Rate:
        threads = len(self.clients)
        statuses: Counter[int] = Counter()
        lock = threading.Lock()
        start_line = threading.Barrier(threads + 1)
        shares = [admissions // threads + (t < admissions % threads) for t in range(threads)]
        first = self.admitted
        self.admitted += admissions

        def run(t: int) -> None:
            seen: Counter[int] = Counter()
            start_line.wait()
            for i in range(shares[t]):
                body = member_body(f"Party {first + sum(shares[:t]) + i}")
                seen[self.clients[t].post(self.members, body)[0]] += 1
            with lock:
                statuses.update(seen)

        workers = [threading.Thread(target=run, args=(t,), daemon=True) for t in range(threads)]
        for worker in workers:
            worker.start()
        start_line.wait()
        start = time.perf_counter()
        for worker in workers:
            worker.join()
        seconds = time.perf_counter() - start
        self.service.check_still_up()
        return Rate(statuses[201], seconds, statuses)

    def close(self) -> None:
        for client in self.clients:
            client.close()


def cpu_seconds(root: int) -> float | None:
    """CPU time (user and system) used so far by a process and its descendants, from Linux's
    /proc (None elsewhere): what the service spent, whatever else ran on the machine."""
    tick = os.sysconf("SC_CLK_TCK")
    used: dict[int, tuple[int, int]] = {}
    try:
        entries = [e for e in Path("/proc").iterdir() if e.name.isdigit()]
    except OSError:
        return None
    for entry in entries:
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        fields = text[text.rindex(")") + 2 :].split()  # after the command, which may hold ")"
        used[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    if root not in used:
        return None
    tree, grown = {root}, True
    while grown:
        more = {pid for pid, (parent, _) in used.items() if parent in tree} - tree
        tree |= more
        grown = bool(more)
    return sum(used[pid][1] for pid in tree) / tick


@dataclass(frozen=True)
class Turns:
    """The raw loop and the API, having taken turns: their rates over all rounds, each round's
    ratio, and the CPU time per admission of the raw loop, the service and the clients."""

    raw: Rate
    api: Rate
    rounds: tuple[float, ...]
    raw_cpu: float
    service_cpu: float | None
    client_cpu: float

    def cpu(self) -> str:
        service = "unknown" if self.service_cpu is None else ms(self.service_cpu)
        return (
            f"CPU time per admission: raw loop {ms(self.raw_cpu)} · service {service} "
            f"(gunicorn workers, the read model's follower or projection process) + clients "
            f"{ms(self.client_cpu)}"
        )


def total(rates: Sequence[Rate]) -> Rate:
    statuses: Counter[int] = Counter()
    for rate in rates:
        statuses.update(rate.statuses)
    return Rate(sum(r.count for r in rates), sum(r.seconds for r in rates), statuses)


def take_turns(
    backend: Backend,
    raw: RawLoop,
    token: str,
    admissions: int,
    workers: int,
    threads: int,
    read_model: str,
) -> Turns:
    """Rounds of raw admissions and admissions through a freshly started service; a start that
    fails, or a service that goes down during the run, is reported with the reason from its
    log and tried again."""
    block = max(1, admissions // ROUNDS)
    raw.restart()
    for attempt in range(1, START_ATTEMPTS + 1):
        with tempfile.TemporaryDirectory(prefix="consortium-bench-serve-") as directory:
            try:
                with ExitStack() as stack:
                    service = stack.enter_context(
                        running_service(backend, workers, Path(directory), read_model=read_model)
                    )
                    api = HttpLoop(service, token, threads)
                    stack.callback(api.close)
                    raws, apis = [], []
                    raw_cpu = client_cpu = 0.0
                    service_cpu: float | None = 0.0
                    for _ in range(ROUNDS):
                        started = time.process_time()
                        raws.append(raw.rate(block))
                        raw_cpu += time.process_time() - started
                        started = time.process_time()
                        before = service.cpu_seconds()
                        apis.append(api.rate(block))
                        after = service.cpu_seconds()
                        client_cpu += time.process_time() - started
                        if service_cpu is not None and before is not None and after is not None:
                            service_cpu += after - before
                        else:
                            service_cpu = None
                    ratios = tuple(
                        a.per_second / r.per_second for r, a in zip(raws, apis, strict=True)
                    )
                    done = block * ROUNDS
                    return Turns(
                        total(raws),
                        total(apis),
                        ratios,
                        raw_cpu / done,
                        None if service_cpu is None else service_cpu / done,
                        client_cpu / done,
                    )
            except ServiceFailedToStart as failure:
                print(f"  !! consortium serve failed (attempt {attempt}): {failure}")
    raise ServiceFailedToStart(f"it failed {START_ATTEMPTS} times in a row")


def profile_service(
    backend: Backend, token: str, admissions: int, workers: int, read_model: str
) -> None:
    """The admissions through the service with its request threads profiled (CPU time)."""
    with tempfile.TemporaryDirectory(prefix="consortium-bench-profile-") as directory:
        with running_service(
            backend, workers, Path(directory), profiled=True, read_model=read_model
        ) as service:
            api = HttpLoop(service, token, workers)
            try:
                # Counted from here: the profiles written so far hold the warm-up only.
                for written in Path(directory).glob("worker-*.prof"):
                    written.unlink()
                api.rate(admissions)
                api.rate(PROFILED_EVERY)  # so that every worker writes its latest profile
            finally:
                api.close()
        profiles = [str(p) for p in Path(directory).glob("worker-*.prof")]
        if not profiles:
            print("  (no profile was written)")
            return
        stats = pstats.Stats(*profiles)
        print_profile(
            stats,
            f"the service's request threads on {backend.name} (--workers {workers}; CPU time)",
            admissions + PROFILED_EVERY,
            SERVICE_PARTS,
        )


# -- the run ------------------------------------------------------------------------------------


def measure(
    backend: Backend,
    admissions: int,
    configurations: Sequence[tuple[int, int]],
    profile: bool,
    read_model: str,
) -> list[ApiResult]:
    """The in-process app once, then for each configuration the raw loop and the API taking
    turns."""
    heading(f"api_writes on {backend.name}")
    print(f"  the store as the service configures it: {cache_setting_of(backend)}")
    with tempfile.TemporaryDirectory(prefix="consortium-bench-token-") as directory:
        token = create_token(backend, Path(directory))
    results = []
    with raw_loop(backend) as raw:
        before = raw.rate(admissions)
        print(f"  raw get → admit_member → save, in-process, 1 thread: {before}")
        wsgi = wsgi_rate(backend, token, admissions, profile)
        print(
            f"  Flask app in-process (test client), 1 thread:       {wsgi}"
            f"  → {wsgi.per_second / before.per_second:.2f} of raw"
        )
        for workers, threads in configurations:
            label = f"--workers {workers} (gthread ×4), {threads} client thread(s)"
            if read_model == "external":
                label += ", read model external (a projection process beside)"
            try:
                turns = take_turns(backend, raw, token, admissions, workers, threads, read_model)
            except ServiceFailedToStart as failure:
                print(f"  HTTP API, {label}: NOT MEASURED, the service did not stay up ({failure})")
                continue
            result = ApiResult(backend.name, workers, threads, turns.raw, turns.api)
            rounds = " ".join(f"{ratio:.2f}" for ratio in turns.rounds)
            print(f"  HTTP API, {label}, {ROUNDS} rounds taking turns with the raw loop:")
            print(f"    raw {turns.raw}")
            print(f"    API {turns.api}")
            print(f"    {turns.cpu()}")
            print(
                f"    RATIO {result.ratio:.3f} (rounds: {rounds})  (target ≥ {TARGET_RATIO:g}: "
                f"{verdict(result.ratio >= TARGET_RATIO)})"
            )
            results.append(result)
        if profile:
            profile_service(backend, token, admissions, configurations[-1][0], read_model)
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
        "--profile",
        action="store_true",
        help="cProfile the in-process Flask admissions, and the service's request threads",
    )
    parser.add_argument(
        "--read-model",
        choices=("embedded", "external"),
        default="embedded",
        help="the read model's follower in a web worker (embedded, the default service), or "
        "a projection process beside the web (external, as docker-compose.yml deploys it)",
    )
    args = parser.parse_args(argv)
    admissions = args.admissions or (QUICK_ADMISSIONS if args.quick else ADMISSIONS)
    configurations = parse_configurations(args.workers, args.threads, args.quick)
    print(f"api_writes ({machine()}){'  --quick: smoke run' if args.quick else ''}")
    print(f"  {admissions} admissions to one consortium on each side")
    print(f"  the read model: {args.read_model}")
    results: list[ApiResult] = []
    for open_backend in backends():
        with open_backend() as backend:
            results += measure(backend, admissions, configurations, args.profile, args.read_model)
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
