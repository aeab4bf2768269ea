"""Log lines as JSON, one object per line, with the secrets a line might quote taken out.

Every process of the service (web workers, the projection process, Celery workers, the embedded
scanner) writes its log this way when ``CONSORTIUM_LOG_FORMAT`` is ``json`` (the default;
``text`` gives readable lines for a terminal): the process's start calls :func:`choose` with its
settings before it configures logging. A line has ``time``, ``level``, ``logger`` and
``message``, and what the code that logged it knew: a request's ``request_id``, ``actor``,
``consortium_id``, ``route``, ``method``, ``status`` and ``duration_ms`` (passed as
``extra={"fields": {...}}``).

Whatever a line says, these never reach it: API tokens (``cst_...``), credentials after
``Bearer``/``Basic``, values of ``password``, ``token`` or ``secret`` fields, and the secrets
that are addresses: an invitation's and an account's calendar feed (``/calendar/<secret>.ics``).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

REDACTED: Final = "***"
_chosen = {"json": True}  # this process's choice, made once at start (``choose``)

# Secrets that are (part of) an address's path; a route template's "<name>" is none.
_PATH_SCRUBBERS: Final = (
    (re.compile(r"(/invitations/)(?!<)[^/?#\s\"']+"), rf"\g<1>{REDACTED}"),
    (
        re.compile(r"(/calendar/)(?!<)[^/?#\s\"']+?(\.ics)?(?=[/?#\s\"']|$)"),
        rf"\g<1>{REDACTED}\g<2>",
    ),
)
_SCRUBBERS: Final = (
    *_PATH_SCRUBBERS,
    (re.compile(r"\b(cst|inv|cal)_[A-Za-z0-9_\-]{6,}"), rf"\g<1>_{REDACTED}"),
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=\-]+"), rf"\g<1> {REDACTED}"),
    (
        re.compile(
            r"(?i)([\"']?\b(?:password|token|secret)[\"']?\s*[:=]\s*)"
            r"(\"[^\"]*\"|'[^']*'|[^\s\"'&,}]+)"
        ),
        lambda found: found.group(1) + _stars_like(found.group(2)),
    ),
)


def _stars_like(value: str) -> str:
    """*** in the quotes the value had, if any."""
    quote = value[0] if value[:1] in ("'", '"') else ""
    return f"{quote}{REDACTED}{quote}"


# What each scrubber above needs in a text to find anything: a text without any of these is
# written as it is, after one search instead of a substitution per scrubber (an access line
# scrubs about ten fields).
_MAY_QUOTE_A_SECRET: Final = re.compile(
    r"/invitations/|/calendar/|(?:cst|inv|cal)_|(?i:bearer|basic|password|token|secret)"
)


def scrub(text: str) -> str:
    """The text without the secrets it may quote."""
    if _MAY_QUOTE_A_SECRET.search(text) is None:
        return text
    return scrub_every(text)


def scrub_every(text: str) -> str:
    """``scrub``, every scrubber tried whatever the text."""
    for pattern, replacement in _SCRUBBERS:
        text = pattern.sub(replacement, text)
    return text


def loggable_path(path: str) -> str:
    """An address's path with the secrets in it (an invitation's, a calendar feed's) as ***."""
    for pattern, replacement in _PATH_SCRUBBERS:
        path = pattern.sub(replacement, path)
    return path


class JsonFormatter(logging.Formatter):
    """One JSON object per record; its ``fields`` extra becomes members of the object."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, Mapping):
            line.update(
                {k: _loggable(v) for k, v in fields.items() if k not in line and v is not None}
            )
        if record.exc_info:
            line["exception"] = scrub(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False, default=str)


class ScrubbingFormatter(logging.Formatter):
    """Readable lines (``CONSORTIUM_LOG_FORMAT=text``), scrubbed all the same."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


def _loggable(value: Any) -> Any:
    return scrub(value) if isinstance(value, str) else value


def choose(*, json: bool) -> None:
    """This process logs JSON lines (True) or readable text (the settings' ``log_format``)."""
    _chosen["json"] = json


def wants_json() -> bool:
    return _chosen["json"]


def formatter() -> logging.Formatter:
    if wants_json():
        return JsonFormatter()
    return ScrubbingFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")


def configure(level: int = logging.INFO) -> None:
    """Send every logger's records to stderr in the chosen format (once per process)."""
    root = logging.getLogger()
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter())
    root.handlers = [handler]
    root.setLevel(level)
