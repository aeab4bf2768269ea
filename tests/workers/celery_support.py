"""Real Celery workers (and beat) for the tests: subprocesses on a queue of the test's own in the
Redis server, and the clean-up of everything the test left in Redis under that queue's name."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import redis

from tests.workers.support import WAIT_SECONDS

REDIS_URL: Final = os.environ.get("CONSORTIUM_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CELERY: Final = Path(sys.executable).parent / "celery"
PROJECT: Final = Path(__file__).resolve().parents[2]


@dataclass
class WorkerProcess:
    """One ``celery worker`` (or ``celery beat``) subprocess; its output is read in the
    background, and it is ready once it printed ``ready_line``."""

    process: subprocess.Popen[str]
    output: list[str] = field(default_factory=list)
    ready: threading.Event = field(default_factory=threading.Event)
    ready_line: str = " ready."

    def read_output(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)
            if self.ready_line in line:
                self.ready.set()

    @property
    def log(self) -> str:
        return "".join(self.output[-40:])

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, nothing given back to the broker, no clean-up."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=WAIT_SECONDS)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # warm shutdown
            try:
                self.process.wait(timeout=WAIT_SECONDS)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Workers:
    """Starts workers of one app on one queue with one environment; stops them all at the end."""

    queue: str
    env: dict[str, str]
    app: str = "workers"
    started: list[WorkerProcess] = field(default_factory=list)

    def start(self) -> WorkerProcess:
        command = [
            str(CELERY),
            "-A",
            self.app,
            "worker",
            "--pool=solo",
            "-Q",
            self.queue,
            "-n",
            f"{self.queue}-{len(self.started)}@%h",
            "-l",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        return self._run(command, " ready.")

    def start_beat(self, schedule: Path) -> WorkerProcess:
        """``celery beat`` sending the app's schedule (into the settings' queue); ``schedule``
        is the file where it keeps when each entry last ran."""
        command = [str(CELERY), "-A", self.app, "beat", "-l", "INFO", f"--schedule={schedule}"]
        return self._run(command, "beat: Starting")

    def _run(self, command: list[str], ready_line: str) -> WorkerProcess:
        process = subprocess.Popen(
            command,
            env=self.env,
            cwd=PROJECT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        worker = WorkerProcess(process, ready_line=ready_line)
        self.started.append(worker)
        threading.Thread(target=worker.read_output, daemon=True).start()
        if not worker.ready.wait(WAIT_SECONDS):
            worker.stop()
            raise AssertionError(f"{command[3]} did not become ready:\n{worker.log}")
        return worker

    def stop_all(self) -> None:
        for worker in self.started:
            worker.stop()


def _text(value: object) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def unacknowledged(client: redis.Redis, queue: str) -> list[str]:
    """Delivery tags of the messages of ``queue`` that a worker took and did not acknowledge
    (kombu keeps them in one hash per Redis database, with the routing key in each entry)."""
    tags = []
    for tag, entry in client.hgetall("unacked").items():
        _message, _exchange, routing_key = json.loads(_text(entry))
        if routing_key == queue:
            tags.append(_text(tag))
    return tags


def settled(client: redis.Redis, queue: str) -> bool:
    """Nothing waits in the queue and nothing taken from it is still unacknowledged."""
    return client.llen(queue) == 0 and not unacknowledged(client, queue)


def clean_up(client: redis.Redis, queue: str) -> None:
    """Remove every key and entry of ``queue`` (the database is shared with other test runs):
    its unacknowledged messages, its own keys, and its entries in kombu's shared binding keys."""
    for tag in unacknowledged(client, queue):
        client.hdel("unacked", tag)
        client.zrem("unacked_index", tag)
    for key in client.scan_iter(match=f"*{queue}*"):
        client.delete(key)
    for key in client.scan_iter(match="_kombu.binding*"):
        if _text(client.type(key)) == "set":
            for member in client.smembers(key):
                if queue in _text(member):
                    client.srem(key, _text(member))
        elif _text(client.type(key)) == "zset":
            for entry in client.zrange(key, 0, -1):
                if queue in _text(entry):
                    client.zrem(key, _text(entry))
