"""The production server: gunicorn with several worker processes, each with its own store.

The tables are made once, before gunicorn forks: a worker (also one that replaces a killed one
while others serve) only opens the store, so workers never race or deadlock making tables.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile

from flask import Flask
from gunicorn.app.base import BaseApplication

from events.bootstrap import migrate
from events.configuration import Settings
from web.app import create_app
from web.metrics import MULTIPROCESS_DIR, mark_process_dead


def default_workers() -> int:
    return min(2 * (os.cpu_count() or 1) + 1, 8)


class Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: Settings, bind: str, workers: int, threads: int = 4) -> None:
        self.settings = settings
        self.options = {
            "bind": bind,
            "workers": workers,
            # gthread, answering what gunicorn itself refuses as problem+json (web/serving.py)
            "worker_class": "web.serving.ProblemWorker",
            "threads": threads,
            "accesslog": "-",
            # Access lines with the path, and a query's names without their values.
            "logger_class": "web.serving.AccessLogger",
            # No control socket: one per user in ~/.gunicorn, which a second instance would take.
            "control_socket_disable": True,
            "graceful_timeout": 10,
            "timeout": 60,
            # A dead worker's share of the metrics stops counting as live (web/metrics.py).
            "child_exit": mark_process_dead,
        }
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        # Called in each worker after fork, so each has its own database connections; the
        # settings are those the command built at start, before the fork.
        return create_app(settings=self.settings)


def serve(settings: Settings, bind: str, workers: int) -> None:
    migrate(settings.store_settings())  # before the workers start: they only open the store
    # Each worker counts its requests in files here; a scrape sums them (web/metrics.py).
    metrics_dir = None
    # (PROMETHEUS_MULTIPROC_DIR is the library's own variable, read by prometheus_client in each
    # worker: the one way to tell it where the files are.)
    if not os.environ.get(MULTIPROCESS_DIR):
        metrics_dir = tempfile.mkdtemp(prefix="consortium-metrics-")
        os.environ[MULTIPROCESS_DIR] = metrics_dir
    scanner = None
    if not settings.broker_url:
        # No broker: the reminder scanner runs as a process of its own beside the web (it
        # builds the same settings from the same environment, which it inherits).
        scanner = subprocess.Popen([sys.executable, "-m", "workers", "embedded"])
    try:
        Server(settings, bind, workers).run()
    finally:
        if scanner is not None:
            scanner.terminate()
            scanner.wait(timeout=10)
        if metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)
