"""The service as ``consortium serve`` runs it, with the CPU time of its request threads profiled.

Each gunicorn worker profiles every request it handles with cProfile on the thread's own CPU
clock (so time spent waiting for the database or the disk is left out), and writes its profile
to ``$CONSORTIUM_BENCH_PROFILE_DIR/worker-<pid>.prof`` every 50 requests. Without the reminder
scanner beside it. ``python -m benchmarks.api_writes --profile`` runs it and reads the profiles.

    python -m benchmarks.profiled_service 127.0.0.1:8000 2
"""

from __future__ import annotations

import cProfile
import os
import pstats
import sys
import threading
import time
from typing import Any, Final

from events.bootstrap import migrate
from events.configuration import load_settings
from web.server import Server
from web.serving import ProblemWorker

PROFILE_DIR: Final = "CONSORTIUM_BENCH_PROFILE_DIR"
EVERY: Final = 50


class ProfiledWorker(ProblemWorker):
    """gunicorn's threaded worker as the service has it, profiling each request's thread."""

    def init_process(self) -> None:
        self.profiles: dict[int, cProfile.Profile] = {}
        self.profiles_lock = threading.Lock()
        self.handled = 0
        super().init_process()

    def handle(self, conn: Any) -> Any:
        with self.profiles_lock:
            profile = self.profiles.setdefault(
                threading.get_ident(), cProfile.Profile(time.thread_time)
            )
        profile.enable()
        try:
            return super().handle(conn)
        finally:
            profile.disable()
            with self.profiles_lock:
                self.handled += 1
                if self.handled % EVERY == 0:
                    self.write()

    def write(self) -> None:
        profiles = list(self.profiles.values())
        stats = pstats.Stats(profiles[0])
        for profile in profiles[1:]:
            stats.add(profile)
        stats.dump_stats(os.path.join(os.environ[PROFILE_DIR], f"worker-{os.getpid()}.prof"))


class ProfiledServer(Server):
    def load_config(self) -> None:
        self.options["worker_class"] = "benchmarks.profiled_service.ProfiledWorker"
        super().load_config()


def main(argv: list[str]) -> None:
    bind, workers = argv
    settings = load_settings()
    migrate(settings.store_settings())
    ProfiledServer(settings, bind, int(workers)).run()


if __name__ == "__main__":
    main(sys.argv[1:])
