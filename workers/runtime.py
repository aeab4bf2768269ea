"""What a worker process holds: the settings it started with, and its own store and mailer,
opened on first use (after fork).

The process's start hands the settings over once (:func:`use`): a Celery worker's start
(workers/celery_app.py), the embedded scanner's (``python -m workers embedded``) and the
``consortium reminders`` command's. Without that, they are read from the environment on first
use.
"""

from __future__ import annotations

import atexit
import threading

from events.bootstrap import Store, open_configured
from events.configuration import Settings, load_settings
from workers.mail import Mailer, mailer_for
from workers.messages import Letterhead

_lock = threading.Lock()
_settings: Settings | None = None
_store: Store | None = None
_mailer: Mailer | None = None


def use(settings: Settings) -> None:
    """This process works with these settings (before anything is opened)."""
    global _settings  # noqa: PLW0603 - one set of settings per worker process
    with _lock:
        _settings = settings


def settings() -> Settings:
    global _settings  # noqa: PLW0603
    with _lock:
        if _settings is None:
            _settings = load_settings()
        return _settings


def store() -> Store:
    global _store  # noqa: PLW0603 - one store per worker process
    configured = settings()
    with _lock:
        if _store is None:
            # Workers read the checkpoint index; where a projection process follows the log,
            # they never take that over, and wait for it when they need fresh rows. Otherwise
            # they may lead, and so follow as the web does: a process that took the lead to
            # read (when no web worker held it) keeps the read model current for the others.
            may_lead = not configured.follows_elsewhere
            _store = open_configured(configured, may_lead=may_lead)
            atexit.register(_store.close)
            if may_lead:
                _store.read.start_following()
        return _store


def mailer() -> Mailer:
    global _mailer  # noqa: PLW0603
    configured = settings()
    with _lock:
        if _mailer is None:
            _mailer = mailer_for(configured)
        return _mailer


def letterhead() -> Letterhead:
    return Letterhead.from_settings(settings())
