"""Web settings from environment variables, each optional (see DESIGN.md, Configuration)."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass

from events.secret_key import service_secret

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
# The largest legitimate request (a consortium with a long description) is far below this.
MAX_BODY_BYTES = 256 * 1024
READY_MAX_LAG_SECONDS = 60.0


class InvalidSetting(ValueError):
    """An environment variable with a value the service cannot use; says which and why."""


@dataclass(frozen=True)
class WebSettings:
    secret_key: str
    base_url: str
    max_body_bytes: int = MAX_BODY_BYTES
    # /readyz fails when the read model is further behind the log than this.
    ready_max_lag_seconds: float = READY_MAX_LAG_SECONDS
    # /metrics answers only with this bearer token; empty: metrics are off (404).
    metrics_token: str = ""
    # Celery's broker (Redis), when one is configured: /readyz pings it, /metrics reads its queue.
    broker_url: str = ""

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> WebSettings:
        environ = os.environ if environ is None else environ
        return cls(
            secret_key=service_secret(environ),
            base_url=(environ.get("CONSORTIUM_BASE_URL") or DEFAULT_BASE_URL).rstrip("/"),
            ready_max_lag_seconds=_seconds(environ, "CONSORTIUM_READY_MAX_LAG_SECONDS"),
            metrics_token=environ.get("CONSORTIUM_METRICS_TOKEN", "").strip(),
            broker_url=environ.get("CONSORTIUM_BROKER_URL", "").strip(),
        )


def _seconds(environ: Mapping[str, str], name: str) -> float:
    given = environ.get(name, "").strip()
    if not given:
        return READY_MAX_LAG_SECONDS
    try:
        seconds = float(given)
    except ValueError:
        seconds = -1.0
    if not (math.isfinite(seconds) and 0 < seconds < 86_400):
        raise InvalidSetting(f"{name}={given!r}: a number of seconds above 0 and below 86400.")
    return seconds
