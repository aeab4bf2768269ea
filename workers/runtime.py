"""What a worker process holds: its own store and mailer, opened on first use (after fork)."""

from __future__ import annotations

import atexit
import threading

from events.bootstrap import Store, open_store
from events.readmodel.side import follows_elsewhere
from workers.mail import Mailer, mailer_from_environ

_lock = threading.Lock()
_store: Store | None = None
_mailer: Mailer | None = None


def store() -> Store:
    global _store  # noqa: PLW0603 - one store per worker process
    with _lock:
        if _store is None:
            # Workers read the checkpoint index; where a projection process follows the log,
            # they never take that over, and wait for it when they need fresh rows. Otherwise
            # they may lead, and so follow as the web does: a process that took the lead to
            # read (when no web worker held it) keeps the read model current for the others.
            may_lead = not follows_elsewhere()
            _store = open_store(may_lead=may_lead)
            atexit.register(_store.close)
            if may_lead:
                _store.read.start_following()
        return _store


def mailer() -> Mailer:
    global _mailer  # noqa: PLW0603
    with _lock:
        if _mailer is None:
            _mailer = mailer_from_environ()
        return _mailer
