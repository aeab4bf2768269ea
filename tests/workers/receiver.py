"""A real webhook receiver for the tests: an HTTP (or HTTPS) server on 127.0.0.1 that keeps what
it is sent and answers as told, and the address rules that let the service reach it.

The service posts to public addresses only; the tests' receiver listens on loopback under the
name ``receiver.test``, which the tests' DNS resolves to 127.0.0.1 and which rules made by
``rules_for_receiver`` allow (http too). The TLS files in ``tls/`` are for tests only: a CA
and a certificate for ``receiver.test`` signed by it, valid until 2126 (made with openssl).
"""

from __future__ import annotations

import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_network
from pathlib import Path
from typing import Any, Final

from events.webhook_addresses import WebhookAddresses
from tests.dns import FakeDns

RECEIVER: Final = "receiver.test"
LOOPBACK: Final = "127.0.0.1"
TLS: Final = Path(__file__).parent / "tls"


@dataclass
class Receiver:
    """What the server received; it answers 500 to the first ``refuse`` requests, then
    ``status`` (with ``location`` as the Location header, if given)."""

    refuse: int = 0
    status: int = 204
    location: str | None = None
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    accepted: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def rules_for_receiver(dns: FakeDns) -> WebhookAddresses:
    """Rules that let webhooks reach the test's receiver: http to ``receiver.test``, and the
    loopback address it resolves to (the service itself allows neither)."""
    return WebhookAddresses(
        allow_http_hosts=frozenset({RECEIVER}),
        resolver=dns,
        allow_networks=(ip_network(f"{LOOPBACK}/32"),),
    )


def trusting_test_ca() -> ssl.SSLContext:
    """A client's TLS context that trusts the tests' CA (and nothing else)."""
    return ssl.create_default_context(cafile=str(TLS / "ca.pem"))


@contextmanager
def receiving(receiver: Receiver, *, tls: bool = False) -> Iterator[int]:
    """Run the receiver on a free port of 127.0.0.1 for the block; answers the port. With
    ``tls``, it speaks https with the certificate of ``receiver.test``."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with receiver.lock:
                receiver.requests.append((dict(self.headers), body))
                refused = len(receiver.requests) <= receiver.refuse
                if not refused:
                    receiver.accepted.append((dict(self.headers), body))
            self.send_response(500 if refused else receiver.status)
            if receiver.location is not None:
                self.send_header("Location", receiver.location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
    if tls:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(TLS / "receiver.pem", TLS / "receiver.key")
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
