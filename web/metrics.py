"""Prometheus metrics: requests by route and status with their latency (per process, summed
across gunicorn's workers), and the store's figures read when scraped (events recorded,
read-model lag, reminders by state, the Celery queue).

``prometheus_client`` is imported only when an app is made, never at import time: under
``consortium serve`` the master sets ``PROMETHEUS_MULTIPROC_DIR`` before its workers start, and
the library chooses per-process files or memory when it is first imported.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Final

import redis
from flask import Flask, Response, current_app, g, request

from events.bootstrap import Store
from web.problems import problem

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry
    from prometheus_client.metrics_core import Metric

MULTIPROCESS_DIR: Final = "PROMETHEUS_MULTIPROC_DIR"
_EXTENSION: Final = "consortium.metrics"
CELERY_QUEUE: Final = "celery"  # Celery's default queue, a Redis list of that name


class StoreCollector:
    """The store's figures, read at each scrape (never cached, so never stale)."""

    def __init__(self, store: Store, broker_url: str) -> None:
        self.store = store
        self.broker_url = broker_url

    def describe(self) -> list[Metric]:
        return []  # figures are only known when collected: no checks at registration

    def collect(self) -> Iterator[Metric]:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily  # noqa: PLC0415 (see the module)

        read = self.store.read
        status = read.status(limit=0)
        yield CounterMetricFamily(
            "consortium_events", "Events recorded in the event store.", value=status.head
        )
        lag = read.lag(self.store.consortia.clock())
        yield GaugeMetricFamily(
            "consortium_read_model_lag_events",
            "Events recorded that the read model has not applied yet.",
            value=lag.events,
        )
        yield GaugeMetricFamily(
            "consortium_read_model_lag_seconds",
            "Age of the oldest event the read model has not applied yet.",
            value=lag.seconds,
        )
        yield GaugeMetricFamily(
            "consortium_read_model_failed_events",
            "Events the read model could not apply (see GET /api/v1/read-model).",
            value=status.failed,
        )
        reminders = GaugeMetricFamily(
            "consortium_reminders", "Reminders by state.", labels=["state"]
        )
        for state, count in sorted(read.reminder_counts().items()):
            reminders.add_metric([state], count)
        yield reminders
        if self.broker_url:
            yield GaugeMetricFamily(
                "consortium_celery_queue_length",
                "Tasks waiting in the Celery queue.",
                value=celery_queue_length(self.broker_url),
            )


def celery_queue_length(broker_url: str) -> int:
    client = redis.Redis.from_url(broker_url, socket_timeout=2, socket_connect_timeout=2)
    try:
        return int(client.llen(CELERY_QUEUE))
    finally:
        client.close()


class Metrics:
    """One app's metrics; their values live in memory, or in per-process files under
    ``PROMETHEUS_MULTIPROC_DIR`` when gunicorn runs several workers."""

    def __init__(self, store: Store, token: str, broker_url: str) -> None:
        from prometheus_client import CollectorRegistry, Counter, Histogram  # noqa: PLC0415 (see the module)

        self.token = token
        self.registry = CollectorRegistry()
        self.store_figures = StoreCollector(store, broker_url)
        self.requests = Counter(
            "consortium_http_requests",
            "HTTP requests answered, by route template, method and status.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "consortium_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template and method.",
            ["route", "method"],
            registry=self.registry,
        )

    def scrape_registry(self) -> CollectorRegistry:
        from prometheus_client import CollectorRegistry, multiprocess  # noqa: PLC0415 (see the module)

        if os.environ.get(MULTIPROCESS_DIR):
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        else:
            registry = CollectorRegistry()
            registry.register(_Requests(self.registry))
        registry.register(self.store_figures)
        return registry


class _Requests:
    """This process's request metrics, collected into the scrape's registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def describe(self) -> list[Metric]:
        return []

    def collect(self) -> Iterator[Metric]:
        return iter(self.registry.collect())


def _started() -> None:
    g.metrics_started = time.perf_counter()


def _observed(response: Response) -> Response:
    metrics: Metrics = current_app.extensions[_EXTENSION]
    started = g.pop("metrics_started", None)
    route = request.url_rule.rule if request.url_rule is not None else "(no route)"
    metrics.requests.labels(route, request.method, str(response.status_code)).inc()
    if started is not None:
        metrics.latency.labels(route, request.method).observe(time.perf_counter() - started)
    return response


def init_metrics(app: Flask, store: Store, *, token: str, broker_url: str) -> Metrics:
    metrics = Metrics(store, token, broker_url)
    app.extensions[_EXTENSION] = metrics
    app.before_request(_started)
    app.after_request(_observed)
    return metrics


def metrics_response() -> Response:
    """The Prometheus text format, for a scraper holding the metrics token; 404 when no token
    is set (metrics are off), 401 without the right one."""
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest  # noqa: PLC0415 (see the module)

    metrics: Metrics = current_app.extensions[_EXTENSION]
    if not metrics.token:
        return problem(404, "Metrics are off: set CONSORTIUM_METRICS_TOKEN to turn them on.")
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {metrics.token}".encode()):
        return problem(
            401,
            "Send the metrics token as 'Authorization: Bearer <token>'.",
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    return Response(generate_latest(metrics.scrape_registry()), content_type=CONTENT_TYPE_LATEST)


def mark_process_dead(_server: Any, worker: Any) -> None:
    """gunicorn's child_exit hook: a dead worker's live gauges stop counting."""
    if os.environ.get(MULTIPROCESS_DIR):
        from prometheus_client import multiprocess  # noqa: PLC0415 (see the module)

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
