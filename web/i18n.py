"""The API's words in the caller's language, Dutch or English.

The service writes its messages in English (the domain raises its refusals in English, and so do
marshmallow and the web layer); a problem's title and details are put into the caller's
language on the way out: the language of the caller's account or, for a caller without a valid
token, the better of ``Accept-Language`` (English when it names neither). Field names, values
and extension members stay as they are.

The catalogue (``translations/nl/LC_MESSAGES/messages.po``, compiled to the ``.mo`` beside it)
holds each English message as its msgid. A fixed message is looked up as it is. A message with
values in it is a template whose ``{name}`` stands for any text ("The amount may not exceed
{maximum} euro."): the message is matched against it and the values go into the Dutch, a
figure the service wrote (an amount, a limit, a day) the Dutch way (1.250,00; 31 december
2026), anything else (titles, names, text sent) as it is; a value that is itself a message
("a control character (U+0000)") is translated too.
A message the catalogue lacks is answered in English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Final

from babel.dates import format_date
from babel.messages.mofile import read_mo
from babel.numbers import format_decimal
from flask import Flask, g, request
from flask_babel import Babel, get_locale, gettext

LANGUAGES: Final = ("en", "nl")
WRITTEN_IN: Final = "en"  # the language of the messages as the service writes them
DIRECTORY: Final = Path(__file__).parent / "translations"
_PLACEHOLDER: Final = re.compile(r"\{(\w+)\}")


def init_i18n(app: Flask) -> None:
    Babel(app, locale_selector=_language, default_translation_directories=str(DIRECTORY))


def _language() -> str:
    chosen = g.get("language")  # the pages' choice (web/pages), Dutch unless chosen otherwise
    if chosen in LANGUAGES:
        return str(chosen)
    account = g.get("account")
    if account is not None:
        return str(account.language.value)
    return request.accept_languages.best_match(LANGUAGES, default=WRITTEN_IN) or WRITTEN_IN


def language() -> str:
    """The language of this request's answer."""
    locale = get_locale()
    return WRITTEN_IN if locale is None else str(locale.language)


def translate(message: str) -> str:
    """The message in the language of this request's answer."""
    chosen = language()
    if chosen == WRITTEN_IN or not message:
        return message  # (gettext of "" is the catalogue's header)
    return _translated(message, _templates(chosen), nested=True, locale=chosen)


@dataclass(frozen=True)
class _Template:
    msgid: str
    pattern: re.Pattern[str]


def _translated(
    message: str, templates: tuple[_Template, ...], *, nested: bool, locale: str
) -> str:
    fixed = str(gettext(message))
    if fixed != message:
        return fixed
    for template in templates:
        found = template.pattern.fullmatch(message)
        if found is None:
            continue
        values = found.groupdict()
        if nested:
            values = {
                k: _translated(v, templates, nested=False, locale=locale) for k, v in values.items()
            }
            values |= {k: _written_for(v, locale) for k, v in values.items() if k in _FIGURES}
        return str(gettext(template.msgid)).format(**values)
    return message


# The placeholders whose values are figures the service wrote (amounts, limits, days): only
# these are written the language's way. Any other value (a title, a party, text sent, an id)
# stays as it is, however much it looks like a number or a day.
_FIGURES: Final = frozenset(
    {"amount", "available", "current", "date", "expected", "left", "maximum", "minimum",
     "max", "min", "today"}
)  # fmt: skip
# Figures as the service writes them in its (English) messages: amounts (1250.00, 1,000.00),
# large whole numbers (1,000,000) and days (2026-12-31).
_AMOUNT: Final = re.compile(r"-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)\.[0-9]{2}")
_GROUPED: Final = re.compile(r"-?[0-9]{1,3}(?:,[0-9]{3})+")
_DAY: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _written_for(value: str, locale: str) -> str:
    """A value of a message as the language writes it: an amount 1.250,00 and a day
    31 december 2026 in Dutch; anything else as it is (names, years, ids)."""
    try:
        if _AMOUNT.fullmatch(value):
            return str(format_decimal(Decimal(value.replace(",", "")), "#,##0.00", locale=locale))
        if _GROUPED.fullmatch(value):
            return str(format_decimal(Decimal(value.replace(",", "")), "#,##0", locale=locale))
        if _DAY.fullmatch(value):
            return str(format_date(date.fromisoformat(value), "long", locale=locale))
    except ValueError:  # such as 2026-02-30: not a day after all
        pass
    return value


@cache
def _templates(chosen: str) -> tuple[_Template, ...]:
    """The catalogue's messages with values in them, as patterns: those with the most fixed
    text first, so that the most specific template wins."""
    path = DIRECTORY / chosen / "LC_MESSAGES" / "messages.mo"
    if not path.exists():
        return ()
    with path.open("rb") as file:
        catalogue = read_mo(file)
    msgids = [m.id for m in catalogue if isinstance(m.id, str) and _PLACEHOLDER.search(m.id)]
    msgids.sort(key=lambda msgid: -len(_PLACEHOLDER.sub("", msgid)))
    return tuple(_Template(msgid, _pattern(msgid)) for msgid in msgids)


def _pattern(template: str) -> re.Pattern[str]:
    parts = []
    position = 0
    for placeholder in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[position : placeholder.start()]))
        parts.append(f"(?P<{placeholder.group(1)}>.+?)")
        position = placeholder.end()
    parts.append(re.escape(template[position:]))
    return re.compile("".join(parts), re.DOTALL)
