"""A table to export: its columns (a key, an English label to translate, the kind of value)
and its rows, produced lazily so that no export holds more than a batch of them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from consortium.money import Money


class Cell(Enum):
    """How a column's values are written: CSV writes them as plain text (amounts as
    ``1250.00``, dates and instants in ISO 8601), XLSX as typed cells."""

    TEXT = "text"
    INTEGER = "integer"
    NUMBER = "number"
    MONEY = "money"
    DATE = "date"
    INSTANT = "instant"


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str  # English; the web layer puts it in the caller's language
    cell: Cell = Cell.TEXT


Value = str | int | Decimal | Money | date | datetime | None
Row = Sequence[Value]


@dataclass(frozen=True)
class Table:
    """``name``: the file's and the sheet's name; ``rows``: read once, while being written."""

    name: str
    columns: tuple[Column, ...]
    rows: Iterator[Row]
