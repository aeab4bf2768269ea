"""Free text entered by users: trimmed, bounded, printable, and required where it must be.

No text holds a control character or a lone surrogate: PostgreSQL cannot store NUL, no UTF-8
encodes a lone surrogate, and the others (escape, backspace, ...) have no place in a name or a
note. Tab and line breaks are the exception: long text (a description, a reason) may hold them.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

from consortium.errors import InvalidValue

MAX_NAME: Final = 200
MAX_CHALLENGE: Final = 1000
MAX_DESCRIPTION: Final = 10_000
MAX_REASON: Final = 2000
MAX_REFERENCE: Final = 200

# C0 and C1 controls and DEL, but tab, LF and CR; and the surrogate code points.
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# What breaks a line or lays it out: tab, LF, CR, and Unicode's line and paragraph separators.
_LAYOUT: Final = re.compile(r"[\t\n\r\u2028\u2029]")


def control_character(text: str) -> str | None:
    """The first character of ``text`` that no text may hold, or None."""
    found = _CONTROL.search(text)
    return found.group() if found else None


def line_break(text: str) -> str | None:
    """The first tab or line break in ``text`` (text on one line holds none), or None."""
    found = _LAYOUT.search(text)
    return found.group() if found else None


def code_point(character: str) -> str:
    """A character as people look it up: U+000A."""
    return f"U+{ord(character):04X}"


def kind_of(character: str) -> str:
    """What a character that ``control_character`` found is, in words: "a control character
    (U+0000)" or "a lone surrogate (U+D800)"."""
    kind = "a lone surrogate" if "\ud800" <= character <= "\udfff" else "a control character"
    return f"{kind} ({code_point(character)})"


def check_printable(text: str, field: str, name: str | None = None) -> str:
    """``text`` itself, unless it holds a control character; ``name`` says what it is to people
    (by default the field's name)."""
    found = control_character(text)
    if found is not None:
        raise InvalidValue(
            f"The {name or field} holds {kind_of(found)}, which text may not.",
            field=field,
        )
    return text


# Characters that show nothing of their own: format characters (zero-width space and joiners,
# soft hyphen, byte order mark) and marks that only combine with the character before them.
_SHOWS_NOTHING: Final = frozenset({"Cf", "Mn", "Me"})


def shows_something(text: str) -> bool:
    """Whether ``text`` has a character one can see (not only spaces and invisible ones)."""
    return any(not c.isspace() and unicodedata.category(c) not in _SHOWS_NOTHING for c in text)


def without_format_characters(text: str) -> str:
    """``text`` without its format characters (zero-width space, joiners, soft hyphen, byte
    order mark): invisible, they only make two equal-looking names differ."""
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def required_text(value: str | None, field: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidValue(f"The {field} may not be empty.", field=field)
    if not shows_something(text):
        raise InvalidValue(f"The {field} holds no visible character.", field=field)
    return _bounded(text, field, limit)


def optional_text(value: str | None, field: str, limit: int) -> str | None:
    text = (value or "").strip()
    return _bounded(text, field, limit) if text else None


def _bounded(text: str, field: str, limit: int) -> str:
    if len(text) > limit:
        raise InvalidValue(f"The {field} is longer than {limit} characters.", field=field)
    return check_printable(text, field)
