"""What gunicorn says by itself, made to follow the service's rules.

- A request gunicorn cannot read (a bad request line, an address or headers too long) never
  reaches Flask: gunicorn answers it with an HTML page. :class:`ProblemWorker` answers it as
  ``application/problem+json`` instead, like every other error, without echoing the request.
- The access log writes the path, never a query's values (an ``access_token=…`` or any other
  value may be a secret): ``?access_token=***&limit=***``; the referrer alike. A secret in the
  path (an invitation's address) is written as ``***`` too.
"""

from __future__ import annotations

import json
import ssl
from datetime import datetime
from http import HTTPStatus
from typing import Any, Final
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from gunicorn import util
from gunicorn.glogging import Logger
from gunicorn.http.errors import (
    ConfigurationProblem,
    ExpectationFailed,
    ForbiddenProxyRequest,
    InvalidHeader,
    InvalidHeaderName,
    InvalidResponseHeader,
    InvalidResponseHeaderName,
    LimitRequestHeaders,
    LimitRequestLine,
    ParseException,
    UnsupportedTransferCoding,
)
from gunicorn.http.wsgi import Response, default_environ
from gunicorn.workers.gthread import ThreadWorker

from events import logs
from web.redaction import loggable_path
from web.request_log import REQUEST_FIELDS

PROBLEM_JSON: Final = "application/problem+json"
REDACTED: Final = "***"

# Gunicorn's own statuses for what it could not read; the first class that matches counts.
_STATUSES: Final[tuple[tuple[type[BaseException], int], ...]] = (
    (InvalidResponseHeader, 500),  # the application's fault, not the client's
    (InvalidResponseHeaderName, 500),
    (LimitRequestLine, 414),
    (LimitRequestHeaders, 431),
    (ForbiddenProxyRequest, 403),
    (ssl.SSLError, 403),
    (UnsupportedTransferCoding, 501),
    (ExpectationFailed, 417),
    (ConfigurationProblem, 500),
    (ParseException, 400),
)

_DETAILS: Final = {
    400: "The request could not be read.",
    403: "This request is not accepted.",
    414: "The address (request line) is too long.",
    417: "The expectation in the Expect header cannot be met.",
    431: "The request's headers are too many or too large.",
    500: "Something went wrong on our side.",
    501: "That transfer coding is not supported.",
}


def status_of(error: BaseException) -> int:
    return next((status for kind, status in _STATUSES if isinstance(error, kind)), 500)


def problem_response(status: int) -> bytes:
    """A whole HTTP/1.1 response with a problem+json body; the connection is closed after."""
    body = json.dumps(
        {
            "type": "about:blank",
            "title": HTTPStatus(status).phrase,
            "status": status,
            "detail": _DETAILS.get(status, HTTPStatus(status).description),
        }
    ).encode()
    head = (
        f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
        "Connection: close\r\n"
        f"Content-Type: {PROBLEM_JSON}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


class ProblemWorker(ThreadWorker):  # type: ignore[misc]
    """gunicorn's threaded worker, answering what it cannot read with problem+json."""

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        started = datetime.now()
        addr = addr or ("", -1)  # a unix socket
        status = status_of(exc)
        if status == 500 and not isinstance(exc, ConfigurationProblem):
            self.log.exception("Error handling request")
        else:
            # The kind of error only: its text may quote the request line, query and all.
            self.log.warning("Invalid request from ip=%s: %s", addr[0], type(exc).__name__)
        if req is None and isinstance(exc, (InvalidHeader, InvalidHeaderName)):
            req = getattr(exc, "req", None)  # read as far as its headers: logged like gunicorn
        if req is not None:
            environ = default_environ(req, client, self.cfg)
            environ["REMOTE_ADDR"], environ["REMOTE_PORT"] = addr[0], str(addr[1])
            response = Response(req, client, self.cfg)
            response.status = f"{status} {HTTPStatus(status).phrase}"
            self.log.access(response, req, environ, datetime.now() - started)
        try:
            util.write_nonblock(client, problem_response(status))
        except Exception:  # the client may be gone: nothing more to tell it
            self.log.debug("Failed to send error message.")


def redact_query(query: str) -> str:
    """``a=1&token=x`` → ``a=***&token=***``: the names stay, every value goes."""
    return "&".join(
        f"{name}={REDACTED}" for name, _ in parse_qsl(query, keep_blank_values=True)
    ) or (REDACTED if query else "")


def redact_uri(uri: str) -> str:
    """An address (path or absolute URL) with its query's values and the secrets in its path
    (``web.redaction``) redacted."""
    parts = urlsplit(uri)
    path = loggable_path(parts.path)
    if not parts.query and path == parts.path:
        return uri
    return urlunsplit(parts._replace(path=path, query=redact_query(parts.query)))


# Atoms a custom access_log_format could name that hold credentials: never written.
_SECRET_ATOMS: Final = frozenset(
    {"{authorization}i", "{cookie}i", "{http_authorization}e", "{http_cookie}e", "{set-cookie}o"}
)


class AccessLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger: its access lines never carry a query's values nor credentials, and
    with ``CONSORTIUM_LOG_FORMAT=json`` (the default) every line, gunicorn's own and the
    service's, is a JSON object (events/logs.py); an access line then also carries what the
    app knew of the request (``request_id``, ``actor``, ``consortium_id``, ``route``)."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        chosen = logs.formatter()
        for each in (self.error_log, self.access_log):
            for handler in each.handlers:
                handler.setFormatter(chosen)
        logs.configure()  # the service's own loggers, to stderr like gunicorn's errors

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        uri = redact_uri(environ.get("RAW_URI", ""))
        referrer = redact_uri(environ.get("HTTP_REFERER", "-"))
        query = redact_query(environ.get("QUERY_STRING", ""))
        atoms["r"] = f"{environ['REQUEST_METHOD']} {uri} {environ['SERVER_PROTOCOL']}"
        atoms.update({"q": query, "{query_string}e": query, "{raw_uri}e": uri})
        atoms.update({"f": referrer, "{referer}i": referrer, "{http_referer}e": referrer})
        atoms.update({key: REDACTED for key in atoms if key in _SECRET_ATOMS})
        return atoms

    def access(self, resp: Any, req: Any, environ: Any, request_time: Any) -> None:
        if not logs.wants_json():
            super().access(resp, req, environ, request_time)
            return
        if not (self.cfg.accesslog or self.cfg.logconfig or self.cfg.syslog):
            return
        status = str(getattr(resp, "status", "") or "").split(" ", 1)[0]
        fields: dict[str, Any] = {
            "remote_addr": environ.get("REMOTE_ADDR"),
            "method": environ.get("REQUEST_METHOD"),
            "path": redact_uri(environ.get("RAW_URI", "")),
            "protocol": environ.get("SERVER_PROTOCOL"),
            "status": int(status) if status.isdigit() else status,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "user_agent": (environ.get("HTTP_USER_AGENT") or "")[:200] or None,
            **environ.get(REQUEST_FIELDS, {}),
        }
        try:
            self.access_log.info("request", extra={"fields": fields})
        except Exception:  # a log line must never fail a request
            self.error("Failed to write the access line.")
