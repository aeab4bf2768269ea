"""Delivering mail: SMTP from CONSORTIUM_SMTP_URL, or .eml files in an outbox folder.

With no SMTP server configured, every message is written as an .eml file under var/outbox/,
named after the message id: delivering the same reminder twice writes the same file, and
nothing is lost when there is no mail server at all.
"""

from __future__ import annotations

import os
import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from pathlib import Path
from typing import Final, Protocol
from urllib.parse import unquote, urlsplit

DEFAULT_OUTBOX: Final = Path("var") / "outbox"


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


def mailer_from_environ(environ: Mapping[str, str] | None = None) -> Mailer:
    environ = os.environ if environ is None else environ
    url = environ.get("CONSORTIUM_SMTP_URL", "").strip()
    if url:
        return SmtpMailer(url)
    return OutboxMailer(Path(environ.get("CONSORTIUM_OUTBOX", str(DEFAULT_OUTBOX))))
