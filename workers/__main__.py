"""python -m workers embedded: the reminder scanner for a service without a broker."""

from __future__ import annotations

import logging
import sys

from events import logs
from workers.embedded import run_forever

if __name__ == "__main__":
    logs.configure(logging.INFO)
    if sys.argv[1:] != ["embedded"]:
        sys.exit("usage: python -m workers embedded")
    run_forever()
