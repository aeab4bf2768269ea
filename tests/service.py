"""The real service for tests over the network: ``consortium serve`` as a process of its own,
on a free port, in a working directory of the test's own, with its log in a file there."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

CONSORTIUM: Final = str(Path(sys.executable).with_name("consortium"))
START_SECONDS: Final = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def environment(**variables: str) -> dict[str, str]:
    """This process's environment without any CONSORTIUM_ variable, plus the ones given."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith("CONSORTIUM_")}
    return {**kept, **variables}


def consortium(env: Mapping[str, str], cwd: Path, *args: str) -> str:
    """Run a `consortium` command to its end; answers what it printed on stdout."""
    done = subprocess.run(
        [CONSORTIUM, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


@dataclass(frozen=True)
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Service:
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def master(self) -> int:
        return self.process.pid

    def is_up(self) -> bool:
        return self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def request(
        self, method: str, path: str, token: str | None = None, body: Any = None
    ) -> Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", data=data, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - http://
                return Response(answer.status, dict(answer.headers), answer.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, dict(error.headers), error.read())

    def answers(self) -> bool:
        try:
            return self.request("GET", "/api/v1/openapi.json").status == 200
        except OSError:
            return False

    def raw(self, data: bytes) -> bytes:
        """Send bytes as they are; answers all the service sent back before it closed."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as connection:
            connection.sendall(data)
            received = b""
            while chunk := connection.recv(65536):
                received += chunk
        return received

    def workers(self) -> set[int]:
        """The gunicorn workers: the master's children that are forks of it (the reminder
        scanner, another child, runs another command)."""
        command = _cmdline(self.master)
        return {pid for pid in _children(self.master) if _cmdline(pid) == command}


def _children(parent: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue  # gone meanwhile
            # pid (comm) state ppid …; comm may hold spaces and parentheses: split after it.
            fields = stat.rsplit(")", 1)[1].split()
            if fields[0] != "Z" and int(fields[1]) == parent:
                found.add(int(entry.name))
    return found


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def wait_for(condition: Any, service: Service, seconds: float = START_SECONDS) -> None:
    """Until ``condition()`` holds; fails when the service stops or time runs out."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert service.is_up(), f"the service stopped:\n{service.log()[-3000:]}"
        assert time.monotonic() < deadline, f"not within {seconds} s:\n{service.log()[-3000:]}"
        time.sleep(0.05)


@contextmanager
def running(env: Mapping[str, str], cwd: Path, workers: int) -> Iterator[Service]:
    """``consortium serve`` with that many workers, once it answers and they have all booted."""
    port = free_port()
    log_path = cwd / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [CONSORTIUM, "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
            env=env,
            cwd=cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    service = Service(process, port, log_path)
    try:
        wait_for(lambda: service.answers() and len(service.workers()) == workers, service)
        yield service
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
