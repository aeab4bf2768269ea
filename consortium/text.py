"""Free text entered by users: trimmed, bounded, and required where it must be."""

from __future__ import annotations

from typing import Final

from consortium.errors import InvalidValue

MAX_NAME: Final = 200
MAX_CHALLENGE: Final = 1000
MAX_DESCRIPTION: Final = 10_000
MAX_REASON: Final = 2000
MAX_REFERENCE: Final = 200


def required_text(value: str | None, field: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidValue(f"The {field} may not be empty.", field=field)
    return _bounded(text, field, limit)


def optional_text(value: str | None, field: str, limit: int) -> str | None:
    text = (value or "").strip()
    return _bounded(text, field, limit) if text else None


def _bounded(text: str, field: str, limit: int) -> str:
    if len(text) > limit:
        raise InvalidValue(f"The {field} is longer than {limit} characters.", field=field)
    return text
