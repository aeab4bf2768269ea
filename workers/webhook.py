"""Posting a reminder to a consortium's webhook, signed so the receiver can trust it.

The body is JSON; the header ``X-Consortium-Signature: sha256=<hex>`` is the HMAC-SHA256 of the
body with the consortium's webhook key (shown once when the webhook was set), and
``X-Consortium-Delivery`` names the reminder: the same value for a retry, so a receiver can
drop a delivery it has seen. Anything but a 2xx answer raises, and the task is retried.

Only public addresses are posted to (``events.webhook_addresses``): the host name is resolved
at every delivery, every address it resolves to is checked, and the connection goes to a
checked address while the name stays in the Host header and in TLS (SNI and the certificate
check). So a name that resolves elsewhere after the check cannot steer the post into the
service's own network. Redirects are not followed. A failure is raised as ``WebhookFailed``,
whose text names only the kind of failure ("timed out", "answered 500"): readers see that; the
details (chained as the cause) go to the log.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import SplitResult, urlsplit

from events.webhook_addresses import AddressNotAllowed, IPAddress, WebhookAddresses

TIMEOUT_SECONDS: Final = 10
SIGNATURE_HEADER: Final = "X-Consortium-Signature"
DELIVERY_HEADER: Final = "X-Consortium-Delivery"
MAX_ANSWER_BYTES: Final = 64 * 1024  # read of the receiver's answer; the rest is dropped


class WebhookFailed(OSError):
    """A post that did not succeed; ``str()`` is the kind of failure, fit to show anyone.
    An OSError, so that the delivery task retries it like a network error."""


class WebhookRefused(WebhookFailed):
    """The receiver answered with something other than 2xx."""


def signature(body: bytes, key: str) -> str:
    return "sha256=" + hmac.new(key.encode(), body, hashlib.sha256).hexdigest()


def failure_class(error: BaseException) -> str:
    """What readers are told about a failed post: only its kind, never the error's own words
    (they could tell what answers at an address inside the service's network)."""
    if isinstance(error, WebhookFailed):
        return str(error)
    return "failed (details in the service log)"


@dataclass(frozen=True)
class WebhookClient:
    """Posts to webhooks within ``addresses``; ``tls`` None: the system's trusted certificates."""

    addresses: WebhookAddresses
    tls: ssl.SSLContext | None = None
    timeout: float = TIMEOUT_SECONDS

    def post(self, url: str, payload: dict[str, Any], key: str, delivery: str) -> None:
        parts = urlsplit(url)
        host = parts.hostname or ""
        # The rules may have changed since the webhook was set: check them again.
        if not self.addresses.may_use_scheme(parts.scheme, host):
            raise WebhookFailed("refused: https required")
        try:
            checked = self.addresses.addresses(host)
        except AddressNotAllowed as error:
            raise WebhookFailed("refused: address not allowed") from error
        except (OSError, ValueError) as error:  # ValueError: also UnicodeError (a bad name)
            raise WebhookFailed("unreachable") from error
        body = json.dumps(payload, sort_keys=True).encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "consortium-reminders",
            SIGNATURE_HEADER: signature(body, key),
            DELIVERY_HEADER: delivery,
        }
        try:
            status = self._send(parts, checked, body, headers)
        except (OSError, http.client.HTTPException) as error:
            raise WebhookFailed(_kind(error)) from error
        if 300 <= status < 400:
            raise WebhookRefused(f"answered {status} (redirects are not followed)")
        if not 200 <= status < 300:
            raise WebhookRefused(f"answered {status}")

    def _send(
        self, parts: SplitResult, addresses: Sequence[IPAddress], body: bytes, headers: Any
    ) -> int:
        host = parts.hostname or ""
        connection: http.client.HTTPConnection
        if parts.scheme == "https":
            tls = self.tls or ssl.create_default_context()
            connection = _PinnedHTTPS(host, parts.port, addresses, self.timeout, tls)
        else:
            connection = _PinnedHTTP(host, parts.port, addresses, self.timeout)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request("POST", target, body=body, headers=headers)
            answer = connection.getresponse()
            answer.read(MAX_ANSWER_BYTES)
            return answer.status
        finally:
            connection.close()


def _kind(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return "timed out"
    if isinstance(error, ssl.SSLError | ssl.CertificateError):
        return "TLS error"
    if isinstance(error, http.client.HTTPException) and not isinstance(error, OSError):
        return "answered something other than HTTP"
    return "unreachable"


def _connect(addresses: Sequence[IPAddress], port: int, timeout: float) -> socket.socket:
    """A connection to the first of ``addresses`` that answers (they are literal addresses:
    nothing is looked up here)."""
    error: OSError = OSError("no address to connect to")
    for address in addresses:
        try:
            return socket.create_connection((str(address), port), timeout)
        except OSError as refused:
            error = refused
    raise error


class _PinnedHTTP(http.client.HTTPConnection):
    """http to the checked addresses of ``host``; the Host header still names ``host``."""

    def __init__(
        self, host: str, port: int | None, addresses: Sequence[IPAddress], timeout: float
    ) -> None:
        super().__init__(host, port, timeout=timeout)
        self.addresses = addresses
        self.seconds = timeout

    def connect(self) -> None:
        self.sock = _connect(self.addresses, self.port, self.seconds)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """https to the checked addresses of ``host``; SNI and the certificate check use ``host``."""

    def __init__(
        self,
        host: str,
        port: int | None,
        addresses: Sequence[IPAddress],
        timeout: float,
        tls: ssl.SSLContext,
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=tls)
        self.addresses = addresses
        self.seconds = timeout
        self.tls = tls

    def connect(self) -> None:
        sock = _connect(self.addresses, self.port, self.seconds)
        try:
            self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise
