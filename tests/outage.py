"""Servers that go away because the test says so, never the machine's shared ones: a TCP proxy
the test controls, in front of a real server (cutting it drops every open connection and refuses
new ones, as a database going away does; restoring it lets them in; a hole in it swallows what
its connections carry while they stay open, as a peer that acknowledges but never answers), and
a private redis-server on a free port that the test stops and starts."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis

from events.settings import StoreSettings
from tests.backends import in_ci, postgres_schema
from tests.service import free_port
from tests.workers.support import wait_until

REDIS_SERVER = shutil.which("redis-server")


class Proxy:
    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self._up = threading.Event()
        self._up.set()
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        # Sockets whose traffic the hole swallowed: it stays swallowed (what they carried is
        # lost, so their conversation can never go on); and whether new ones fall in it too.
        self._swallowed: set[socket.socket] = set()
        self._holed = False
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def cut(self) -> None:
        """The server is gone: open connections break, new ones are refused."""
        self._up.clear()
        with self._lock:
            for each in self._open:
                with contextlib.suppress(OSError):
                    each.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    each.close()
            self._open.clear()

    def restore(self) -> None:
        self._up.set()

    def hole(self) -> None:
        """From now on, what open and new connections carry is swallowed; they stay open."""
        with self._lock:
            self._holed = True
            self._swallowed.update(self._open)

    def mend(self) -> None:
        """New connections carry their traffic again (those swallowed stay lost)."""
        with self._lock:
            self._holed = False

    def close(self) -> None:
        self._closed = True
        self.cut()
        self.listener.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self._up.is_set():
                client.close()  # refused: the connection opens and breaks at once
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                self._open.update((client, server))
                if self._holed:
                    self._swallowed.update((client, server))
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                if source not in self._swallowed:
                    sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for each in (source, sink):
                with contextlib.suppress(OSError):
                    each.close()
            with self._lock:
                self._open.discard(source)
                self._open.discard(sink)


@contextmanager
def proxy_to(host: str, port: int) -> Iterator[Proxy]:
    proxy = Proxy((host, port))
    try:
        yield proxy
    finally:
        proxy.close()


@contextmanager
def postgres_behind_proxy() -> Iterator[tuple[Proxy, StoreSettings]]:
    """A PostgreSQL schema of the test's own, reached through a proxy the test cuts; a new
    connection waits a second at most (the service's three seconds would only slow the test)."""
    with postgres_beside_and_behind_proxy() as (proxy, behind, _):
        yield proxy, behind


@contextmanager
def postgres_beside_and_behind_proxy() -> Iterator[tuple[Proxy, StoreSettings, StoreSettings]]:
    """The same, and the settings that reach the same schema directly, beside the proxy."""
    with postgres_schema() as direct:
        parts = urlsplit(direct.url)
        with proxy_to(parts.hostname or "127.0.0.1", parts.port or 5432) as proxy:
            netloc = parts.netloc.rsplit(":", 1)[0] + f":{proxy.port}"
            url = urlunsplit(parts._replace(netloc=netloc))
            behind = StoreSettings.from_url(url).with_env(POSTGRES_CONNECT_TIMEOUT="1")
            yield proxy, behind, direct


class PrivateRedis:
    """A redis-server of the test's own (no persistence: what it held is gone once stopped)."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert REDIS_SERVER is not None
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        assert wait_until(self.answers, timeout=10), "the private redis-server did not start"

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def answers(self) -> bool:
        try:
            return bool(redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping())
        except redis.RedisError:
            return False


@contextmanager
def private_redis(directory: Path) -> Iterator[PrivateRedis]:
    """A started private redis-server, stopped afterwards; without redis-server installed the
    test is skipped (under CI=true it fails)."""
    if REDIS_SERVER is None:
        message = "redis-server is not installed"
        if in_ci():
            pytest.fail(f"{message} (CI=true: a missing server is a failure, not a skip)")
        pytest.skip(message)
    private = PrivateRedis(directory)
    private.start()
    try:
        yield private
    finally:
        private.stop()
