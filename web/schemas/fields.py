"""Fields for our value types (money as text, instants in Europe/Amsterdam, as-of moments) and
the base of every request schema, which refuses unknown fields and unprintable text."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

import marshmallow as ma

from consortium.errors import InvalidValue
from consortium.money import Money
from consortium.text import code_point, control_character, kind_of, line_break

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


class StrictBoolean(ma.fields.Boolean):
    """A JSON true or false. marshmallow's Boolean also takes 1, 0, "yes", "off" and the like,
    which a body documented as boolean does not hold (a query string, all text, keeps Boolean)."""

    default_error_messages: Final = {"invalid": "Send true or false."}  # type: ignore[misc]

    def _deserialize(
        self, value: Any, attr: str | None, data: Mapping[str, Any] | None, **kwargs: Any
    ) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


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
            moment.astimezone(AMSTERDAM)  # as answers write it (Instant): must be a moment too
            return moment.astimezone(UTC)
        except (ValueError, OverflowError):
            # The very ends of the calendar (year 1, 9999) cannot be moved to UTC, to
            # Amsterdam's time or a day on.
            raise self.make_error("invalid") from None


def _restore_plus(text: str) -> str:
    # An unencoded "+02:00" in a query string arrives as " 02:00".
    head, space, tail = text.rpartition(" ")
    if space and "T" in head and _OFFSET.fullmatch(tail):
        return f"{head}+{tail}"
    return text


class LongText(ma.fields.String):
    """Text written at length (a description, a reason, a note): it may hold tabs and line
    breaks, which any other text of a request may not (see StrictSchema)."""


class Printable(ma.validate.Validator):
    """Text holds no control character (consortium.text); outside long text, it stays on one
    line too. A value that is no text (a UUID parsed) has passed its own field already."""

    def __init__(self, *, multiline: bool) -> None:
        self.multiline = multiline

    def __call__(self, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        found = control_character(value)
        if found is not None:
            raise ma.ValidationError(f"Text may not hold {kind_of(found)}.")
        found = None if self.multiline else line_break(value)
        if found is not None:
            raise ma.ValidationError(
                f"Keep this on one line: no tab or line break ({code_point(found)})."
            )
        return value


def _text_fields(field: ma.fields.Field[Any]) -> Iterator[ma.fields.Field[Any]]:
    """The text fields in a field: itself, or the items, keys and values it holds."""
    if isinstance(field, ma.fields.String):
        yield field
    elif isinstance(field, ma.fields.List):
        yield from _text_fields(field.inner)
    elif isinstance(field, ma.fields.Tuple):
        for item in field.tuple_fields:
            yield from _text_fields(item)
    elif isinstance(field, ma.fields.Mapping):
        for part in (field.key_field, field.value_field):
            if part is not None:
                yield from _text_fields(part)


class StrictSchema(ma.Schema):
    """The base of every request schema (bodies, query strings): unknown fields are refused,
    never ignored, and every text in it is printable (Printable), whatever its field."""

    class Meta:
        unknown = ma.RAISE

    def on_bind_field(self, field_name: str, field_obj: ma.fields.Field[Any]) -> None:
        # Bound fields (and the items of bound lists and maps) are this schema's own copies, so
        # giving them a new list of validators leaves the class's declared fields alone.
        for field in _text_fields(field_obj):
            printable = Printable(multiline=isinstance(field, LongText))
            field.validators = [*field.validators, printable]


# What a request's fields read, as JSON Schema patterns (ECMA 262), so that the OpenAPI
# document says what the API accepts: an amount as Money.parse reads it, text as Printable lets
# it through (tests/api/test_documented_contract.py keeps them in step with those two).
# Responses are left without: totals may run longer than one amount may be.
MONEY_PATTERN: Final = r"^-?[0-9]{1,15}(\.[0-9]{1,2})?$"
LONG_TEXT_PATTERN: Final = r"^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]*$"
ONE_LINE_PATTERN: Final = r"^[^\u0000-\u001F\u007F-\u009F\u2028\u2029]*$"


def _in_request(field: ma.fields.Field[Any]) -> bool:
    parent: Any = field.parent
    while isinstance(parent, ma.fields.Field):
        parent = parent.parent
    return isinstance(parent, StrictSchema)


def documented_pattern(
    converter: Any, field: ma.fields.Field[Any], ret: Mapping[str, Any], **kwargs: Any
) -> dict[str, str]:
    """An apispec attribute function: the pattern of a request's amount or text field."""
    if "pattern" in ret or "enum" in ret or not _in_request(field):
        return {}
    if isinstance(field, MoneyField):
        return {"pattern": MONEY_PATTERN}
    for validator in field.validators:
        if isinstance(validator, Printable):
            return {"pattern": LONG_TEXT_PATTERN if validator.multiline else ONE_LINE_PATTERN}
    return {}


def decimal_as_text(
    converter: Any, field: ma.fields.Field[Any], ret: Mapping[str, Any], **kwargs: Any
) -> dict[str, Any]:
    """An apispec attribute function: a Decimal sent as text (as_string) is documented as a
    string in decimal format, as money is, not as the number apispec makes of every Decimal."""
    if not (isinstance(field, ma.fields.Decimal) and field.as_string):
        return {}
    kind = ret.get("type", "number")
    if isinstance(kind, str):
        return {"type": "string", "format": "decimal"}
    return {"type": ["string" if k == "number" else k for k in kind], "format": "decimal"}
