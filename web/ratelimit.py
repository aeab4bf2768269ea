"""Rate limits on failed authentication: a client that keeps sending bad tokens is slowed down.

Only answers 401 count, so honest clients never notice. The counts are kept in Redis when the
service has a broker (shared by all worker processes), else in each process's memory.
"""

from __future__ import annotations

import os
from typing import Final

from flask import Flask, Response
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

FAILED_AUTH_LIMIT: Final = "20 per minute"


def _counts_as_failure(response: Response) -> bool:
    return response.status_code == 401


def init_rate_limits(app: Flask) -> Limiter:
    broker = os.environ.get("CONSORTIUM_BROKER_URL", "")
    storage = broker if broker.startswith(("redis://", "rediss://")) else "memory://"
    limiter = Limiter(
        get_remote_address,
        application_limits=[app.config.get("FAILED_AUTH_LIMIT", FAILED_AUTH_LIMIT)],
        application_limits_deduct_when=_counts_as_failure,
        storage_uri=app.config.get("RATELIMIT_STORAGE_URI", storage),
        swallow_errors=True,  # a broken counter store must not take the API down
        headers_enabled=False,
    )
    limiter.init_app(app)
    return limiter
