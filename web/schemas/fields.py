"""Fields for our value types: money as text, instants in Europe/Amsterdam, as-of moments."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

import marshmallow as ma

from consortium.errors import InvalidValue
from consortium.money import Money

AMSTERDAM: Final = ZoneInfo("Europe/Amsterdam")
_OFFSET: Final = re.compile(r"\d\d:?\d\d")


class MoneyField(ma.fields.Field[Money]):
    """Money as a JSON string with at most two decimals; a JSON number is refused."""

    default_error_messages: Final = {  # type: ignore[misc]
        "not_text": 'Send an amount as text, such as "1250.00", not as a number.',
    }

    def _serialize(self, value: Money | None, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else str(value)

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> Money:
        if not isinstance(value, str):
            raise self.make_error("not_text")
        try:
            return Money.parse(value)
        except InvalidValue as error:
            raise ma.ValidationError(error.message) from None


class Instant(ma.fields.DateTime):
    """An instant, written in ISO 8601 with the Europe/Amsterdam offset of that moment."""

    def _serialize(self, value: datetime | None, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        return value.astimezone(AMSTERDAM).isoformat()


class AsOf(ma.fields.Field[datetime]):
    """A past moment: an ISO 8601 instant with offset, or a date meaning the end of that day
    in Europe/Amsterdam ("as of 2026-12-31" includes everything recorded on that day)."""

    default_error_messages: Final = {  # type: ignore[misc]
        "invalid": "Use an ISO 8601 instant with offset (2026-05-01T12:00:00+02:00) or a date.",
        "naive": "The instant needs a UTC offset or Z, e.g. 2026-05-01T12:00:00+02:00.",
    }

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> datetime:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        text = value.strip()
        try:
            if len(text) == 10:
                day = date.fromisoformat(text)
                end = datetime.combine(day + timedelta(days=1), time(), AMSTERDAM)
                return (end - timedelta(microseconds=1)).astimezone(UTC)
            moment = datetime.fromisoformat(_restore_plus(text))
            if moment.tzinfo is None:
                raise self.make_error("naive")
            return moment.astimezone(UTC)
        except (ValueError, OverflowError):
            # The very ends of the calendar (year 1, 9999) cannot be moved to UTC or a day on.
            raise self.make_error("invalid") from None


def _restore_plus(text: str) -> str:
    # An unencoded "+02:00" in a query string arrives as " 02:00".
    head, space, tail = text.rpartition(" ")
    if space and "T" in head and _OFFSET.fullmatch(tail):
        return f"{head}+{tail}"
    return text


class StrictSchema(ma.Schema):
    """Unknown fields are refused, never ignored."""

    class Meta:
        unknown = ma.RAISE
