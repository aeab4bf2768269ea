"""Form fields that read amounts and days the Dutch way (``1.250,00``, ``31-12-2026``) and
refuse anything else with a message in the page's language."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import StringField

from web.pages.dutch import (
    day_field_text,
    parse_amount,
    parse_day,
    parse_hours,
    parse_whole_number,
)


class AmountField(StringField):  # type: ignore[misc]
    """An amount in euro: ``1.250,00``, ``1250`` or ``1250.00``."""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.raw = valuelist[0].strip() if valuelist else ""
        self.data: Decimal | None = None
        if self.raw:
            self.data = parse_amount(self.raw)
            if self.data is None:
                raise ValueError(_l("Enter an amount in euro, such as 1.250,00."))

    def _value(self) -> str:
        return getattr(self, "raw", "") or ""


class HoursField(StringField):  # type: ignore[misc]
    """A number of hours: ``12`` or ``12,5``."""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.raw = valuelist[0].strip() if valuelist else ""
        self.data: Decimal | None = None
        if self.raw:
            self.data = parse_hours(self.raw)
            if self.data is None:
                raise ValueError(_l("Enter a number of hours, such as 12,5."))

    def _value(self) -> str:
        return getattr(self, "raw", "") or ""


class WholeNumberField(StringField):  # type: ignore[misc]
    """A whole number, such as a population: ``65.000`` or ``65000``."""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.raw = valuelist[0].strip() if valuelist else ""
        self.data: int | None = None
        if self.raw:
            self.data = parse_whole_number(self.raw)
            if self.data is None:
                raise ValueError(_l("Enter a whole number, such as 65.000."))

    def _value(self) -> str:
        return getattr(self, "raw", "") or ""


class DayField(StringField):  # type: ignore[misc]
    """A day: ``31-12-2026`` (or ``2026-12-31``)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        self.raw = valuelist[0].strip() if valuelist else ""
        self.data: date | None = None
        if self.raw:
            self.data = parse_day(self.raw)
            if self.data is None:
                raise ValueError(_l("Enter a date as day-month-year, such as 31-12-2026."))

    def process_data(self, value: Any) -> None:
        self.data = value
        self.raw = day_field_text(value) if isinstance(value, date) else ""

    def _value(self) -> str:
        return getattr(self, "raw", "") or ""
