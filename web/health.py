"""Liveness, readiness and metrics, for load balancers, orchestrators and Prometheus.

- ``GET /healthz``: the process answers (no database touched).
- ``GET /readyz``: the event store answers, the read model is less than
  ``CONSORTIUM_READY_MAX_LAG_SECONDS`` behind the log (default 60), and the broker answers when
  one is configured; 200 with each check, or 503 problem+json naming the failing ones.
- ``GET /metrics``: Prometheus text format, with the metrics token (web/metrics.py).
"""

from __future__ import annotations

import logging
from typing import Any, Final

import redis
from flask import Blueprint, Flask, Response, current_app, jsonify

from events.bootstrap import Store
from web.metrics import metrics_response
from web.problems import problem

log = logging.getLogger(__name__)

blp = Blueprint("health", __name__)
_SETTINGS: Final = "consortium.health"
RETRY_AFTER_SECONDS: Final = 5


class HealthSettings:
    def __init__(self, max_lag_seconds: float, broker_url: str) -> None:
        self.max_lag_seconds = max_lag_seconds
        self.broker_url = broker_url


@blp.get("/healthz")
def healthz() -> Response:
    return jsonify(status="ok")


@blp.get("/readyz")
def readyz() -> Response:
    settings: HealthSettings = current_app.extensions[_SETTINGS]
    store: Store = current_app.extensions["consortium.store"]
    checks = {
        "store": _check(_store_answers, store),
        "read_model": _check(_read_model_lag, store, settings.max_lag_seconds),
    }
    if settings.broker_url:
        checks["broker"] = _check(_broker_answers, settings.broker_url)
    failing = sorted(name for name, check in checks.items() if not check["ok"])
    if failing:
        return problem(
            503,
            "Not ready: " + ", ".join(failing) + ".",
            title="Service Unavailable",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            extensions={"checks": checks},
        )
    return jsonify(status="ready", checks=checks)


@blp.get("/metrics")
def metrics() -> Response:
    return metrics_response()


def _check(probe: Any, *args: Any) -> dict[str, Any]:
    """Run one probe; any failure is the check's answer (its kind, never a traceback)."""
    try:
        return {"ok": True, **probe(*args)}
    except _Failing as failing:
        return {"ok": False, **failing.details}
    except Exception as error:  # a probe must never turn readiness into a 500
        log.warning("readiness check failed: %s", type(error).__name__)
        return {"ok": False, "error": type(error).__name__}


class _Failing(Exception):
    def __init__(self, **details: Any) -> None:
        super().__init__()
        self.details = details


def _store_answers(store: Store) -> dict[str, Any]:
    return {"head": store.consortia.recorder.max_notification_id() or 0}


def _read_model_lag(store: Store, bound: float) -> dict[str, Any]:
    lag = store.read.lag(store.consortia.clock())
    details = {"lag_events": lag.events, "lag_seconds": round(lag.seconds, 3)}
    if lag.seconds > bound:
        raise _Failing(**details, max_lag_seconds=bound)
    return details


def _broker_answers(url: str) -> dict[str, Any]:
    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    finally:
        client.close()
    return {}


def init_health(app: Flask, *, max_lag_seconds: float, broker_url: str) -> None:
    app.extensions[_SETTINGS] = HealthSettings(max_lag_seconds, broker_url)
    app.register_blueprint(blp)
