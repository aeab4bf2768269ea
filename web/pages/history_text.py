"""A consortium's history as people read it: what happened (in the page's language), who did
it and when."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext


@dataclass(frozen=True, slots=True)
class EventLine:
    what: str
    actor: str
    at: datetime


def readable(name: str) -> str:
    """``ContributionLogged`` → ``Contribution logged``."""
    words = re.findall(r"[A-Z][a-z]*", name)
    return " ".join([words[0], *(w.lower() for w in words[1:])]) if words else name


def event_line(event: Any) -> EventLine:
    what = readable(type(event).__name__)
    return EventLine(str(gettext(what)), str(getattr(event, "actor", "")), event.timestamp)
