"""Secrets that travel in a request's path, kept out of every log line.

An invitation's secret is its address (``/api/v1/invitations/<secret>``): a log names it as
``/api/v1/invitations/***``.
"""

from __future__ import annotations

import re
from typing import Final

REDACTED: Final = "***"
_INVITATION: Final = re.compile(r"(/invitations/)[^/?#]+")


def loggable_path(path: str) -> str:
    """The path with the secrets it may carry replaced by ***."""
    return _INVITATION.sub(rf"\g<1>{REDACTED}", path)
