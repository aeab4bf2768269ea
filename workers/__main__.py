"""python -m workers embedded: the reminder scanner for a service without a broker."""

from __future__ import annotations

import logging
import sys

from events import logs
from events.configuration import load_settings
from events.settings import SettingsError
from workers import runtime
from workers.embedded import run_forever

if __name__ == "__main__":
    if sys.argv[1:] != ["embedded"]:
        sys.exit("usage: python -m workers embedded")
    try:
        settings = load_settings()
    except SettingsError as error:
        sys.exit(f"The configuration cannot be used: {error}")
    runtime.use(settings)
    logs.choose(json=settings.log_format == "json")
    logs.configure(logging.INFO)
    run_forever()
