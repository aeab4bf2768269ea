"""Secrets that travel in a request's path, kept out of every log line.

An invitation's secret is its address (``/api/v1/invitations/<secret>``): a log names it as
``/api/v1/invitations/***`` (the rule lives with the other log rules in ``events.logs``).
"""

from __future__ import annotations

from events.logs import REDACTED, loggable_path

__all__ = ["REDACTED", "loggable_path"]
