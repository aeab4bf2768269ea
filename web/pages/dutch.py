"""Amounts and dates as people type and read them on the pages: ``1.250,00`` and ``31-12-2026``
in Dutch, ``1,250.00`` and ``2026-12-31`` understood too; shown with babel in the page's
language (€ 1.250,00; 23 november 2026)."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Final

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from consortium.money import Money

# 1250 · 1250,5 · 1.250,00 · 1250.00 (a point followed by one or two digits is a decimal point)
_DUTCH_AMOUNT: Final = re.compile(r"(?P<whole>\d{1,3}(?:\.\d{3})+|\d+)(?:,(?P<cents>\d{1,2}))?")
_POINT_AMOUNT: Final = re.compile(r"(?P<whole>\d{1,3}(?:,\d{3})+|\d+)\.(?P<cents>\d{1,2})")
_DUTCH_DATE: Final = re.compile(r"(?P<day>\d{1,2})[-/.](?P<month>\d{1,2})[-/.](?P<year>\d{4})")
_ISO_DATE: Final = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})")


def parse_amount(text: str) -> Decimal | None:
    """The amount typed, in euro (``€`` and spaces allowed); None when it is no amount."""
    cleaned = text.replace("€", "").replace("\u00a0", "").replace(" ", "").strip()
    for pattern, separator in ((_POINT_AMOUNT, ","), (_DUTCH_AMOUNT, ".")):
        found = pattern.fullmatch(cleaned)
        if found is not None:
            whole = found.group("whole").replace(separator, "")
            cents = (found.group("cents") or "").ljust(2, "0")
            try:
                return Decimal(f"{whole}.{cents}")
            except InvalidOperation:  # pragma: no cover - the patterns admit digits only
                return None
    return None


def parse_hours(text: str) -> Decimal | None:
    """A number of hours, with a decimal comma or point (``12,5``); None when it is none."""
    cleaned = text.strip().replace(",", ".")
    if not re.fullmatch(r"\d{1,6}(?:\.\d{1,2})?", cleaned):
        return None
    return Decimal(cleaned)


def parse_whole_number(text: str) -> int | None:
    """A whole number typed with or without thousands separators (``65.000``, ``65 000``,
    ``65,000``); None when it is none."""
    cleaned = text.strip().replace("\u00a0", " ")
    if re.fullmatch(r"\d{1,3}(?:([. ,])\d{3})?(?:\1\d{3})*|\d+", cleaned) is None:
        return None
    return int(re.sub(r"[. ,]", "", cleaned))


def parse_day(text: str) -> date | None:
    """The day typed as ``31-12-2026`` (also with / or .) or ``2026-12-31``; None otherwise."""
    cleaned = text.strip()
    found = _DUTCH_DATE.fullmatch(cleaned) or _ISO_DATE.fullmatch(cleaned)
    if found is None:
        return None
    try:
        return date(int(found.group("year")), int(found.group("month")), int(found.group("day")))
    except ValueError:
        return None


def amount_text(money: Money | Decimal, locale: str, *, places: int = 2) -> str:
    """``€ 1.250,00`` in Dutch, ``€1,250.00`` in English; ``places`` other than 2 keep the
    language's way of writing money with that many decimals (``€ 0,0943``)."""
    value = money.amount if isinstance(money, Money) else money
    if places == 2:
        return str(format_currency(value, "EUR", locale=locale))
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    pattern = pattern.replace("0.00", "0." + "0" * places)
    return str(format_currency(value, "EUR", format=pattern, locale=locale, currency_digits=False))


def number_text(value: Decimal | int, locale: str) -> str:
    return str(format_decimal(value, locale=locale))


def day_text(day: date | datetime | None, locale: str) -> str:
    """``23 november 2026`` in Dutch, ``23 November 2026`` in English; empty for no day."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = day.date()
    return str(format_date(day, format="d MMMM y", locale=locale))


def day_field_text(day: date | None) -> str:
    """A day as the forms show it for editing: ``31-12-2026``."""
    return "" if day is None else day.strftime("%d-%m-%Y")
