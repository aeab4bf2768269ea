"""Background work (Celery on Redis): the reminder scan and deliveries.

``celery -A workers worker`` and ``celery -A workers beat`` find the app here: ``workers.app``
is made when Celery first asks for it, from the settings read then (never at import). Without
a broker, ``python -m workers embedded`` runs the same scan and deliveries in one process.
"""

from __future__ import annotations

import sys
from typing import Any


def __getattr__(name: str) -> Any:
    if name != "app":
        raise AttributeError(f"module 'workers' has no attribute {name!r}")
    from events.configuration import load_settings  # noqa: PLC0415 - at start, not import
    from events.settings import SettingsError  # noqa: PLC0415
    from workers.celery_app import make_celery  # noqa: PLC0415

    try:
        settings = load_settings()
    except SettingsError as error:
        # `celery -A workers ...`: one line saying what is wrong, not a traceback.
        sys.exit(f"The configuration cannot be used: {error}")
    from events import logs  # noqa: PLC0415
    from workers import runtime  # noqa: PLC0415

    runtime.use(settings)  # the worker's processes open their store with these
    logs.choose(json=settings.log_format == "json")
    made = make_celery(settings)
    globals()["app"] = made
    return made
