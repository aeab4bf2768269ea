"""Delivering mail: SMTP from CONSORTIUM_SMTP_URL, or .eml files in an outbox folder.

With no SMTP server configured, every message is written as an .eml file under var/outbox/,
named after the message id: delivering the same reminder twice writes the same file, and
nothing is lost when there is no mail server at all.
"""

from __future__ import annotations

import errno
import logging
import smtplib
import socket
import ssl
import uuid
from collections.abc import Callable, Iterable
from email.message import EmailMessage
from pathlib import Path
from typing import Final, Protocol
from urllib.parse import unquote, urlsplit
from uuid import UUID

from events.configuration import DEFAULT_OUTBOX, Settings

_UNREACHABLE: Final = frozenset({errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EHOSTDOWN})


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...


class OutboxMailer:
    def __init__(self, folder: Path = DEFAULT_OUTBOX) -> None:
        self.folder = folder

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = str(message["Message-ID"]).strip("<>").replace("@", "_").replace("/", "_")
        target = self.folder / f"{name}.eml"
        partial = target.with_suffix(".eml.part")
        partial.write_bytes(bytes(message))
        partial.replace(target)  # atomic: a reader never sees half a message


class SmtpMailer:
    """smtp://user:password@host:587 (STARTTLS when offered), smtps://host:465 (TLS)."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(f"CONSORTIUM_SMTP_URL must be smtp://host:port, not {url!r}")
        self.host = parts.hostname
        self.secure = parts.scheme == "smtps"
        self.port = parts.port or (465 if self.secure else 587)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = timeout

    def send(self, message: EmailMessage) -> None:
        context = ssl.create_default_context()
        if self.secure:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=context
            )
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with client:
            client.ehlo()
            if not self.secure and client.has_extn("starttls"):
                client.starttls(context=context)
                client.ehlo()
            if self.username:
                client.login(self.username, self.password or "")
            client.send_message(message)


def mailer_for(settings: Settings) -> Mailer:
    """SMTP when CONSORTIUM_SMTP_URL is set, else the outbox folder (CONSORTIUM_OUTBOX)."""
    if settings.smtp_url:
        return SmtpMailer(settings.smtp_url)
    return OutboxMailer(settings.outbox)


def failure_class(error: BaseException) -> str:
    """What readers are told about a mail that was not delivered: its kind and the server's
    reply code only; the server's own words (which may name hosts and addresses) go to the log."""
    if isinstance(error, smtplib.SMTPConnectError | smtplib.SMTPServerDisconnected):
        return "mail server unreachable"
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "mail server refused the recipient"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return f"mail server refused the login ({error.smtp_code})"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"mail server refused ({error.smtp_code})"
    if isinstance(error, smtplib.SMTPException):
        return "mail server refused"
    if isinstance(error, TimeoutError):
        return "mail server timed out"
    if isinstance(error, ssl.SSLError | ssl.CertificateError):
        return "mail server TLS error"
    if isinstance(error, ConnectionError | socket.gaierror) or (
        isinstance(error, OSError) and error.errno in _UNREACHABLE
    ):
        return "mail server unreachable"
    return "mail not sent (details in the service log)"


def send_each(
    found: Iterable[UUID], send_one: Callable[[UUID, str], bool], what: str
) -> list[tuple[UUID, bool]]:
    """One round of the embedded scanner over the mails ``found``: each sent now under a claim
    of its own; a failure is logged and left to a later scan. (id, whether it was sent now)."""
    results = []
    for found_id in found:
        try:
            sent = send_one(found_id, f"embedded-{uuid.uuid4().hex}")
        except Exception:
            logging.getLogger(__name__).exception(
                "sending %s %s failed; a later scan tries again", what, found_id
            )
            sent = False
        results.append((found_id, sent))
    return results
