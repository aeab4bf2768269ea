"""A table as CSV (RFC 4180, UTF-8, comma-separated), written and handed out a few rows at a
time: amounts as plain decimals (``1250.00``, ``-80.00``), dates as ``2026-03-01``, instants as
ISO 8601 in Dutch time with their offset, nothing for a value that is not there. Text that a
spreadsheet would read as a formula (beginning with ``=``, ``+``, ``-``, ``@``) is preceded by an
apostrophe, as OWASP advises against CSV injection: an export holds values only."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Final

from consortium.cause import AMSTERDAM
from events.exports.tables import Cell, Column, Table, Value

MEDIA_TYPE: Final = "text/csv; charset=utf-8"
_ROWS_PER_CHUNK: Final = 200
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")


def csv_chunks(table: Table, labels: Sequence[str]) -> Iterator[bytes]:
    """The header (``labels``, one per column) and the rows, encoded, in chunks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(labels)
    for count, row in enumerate(table.rows, start=1):
        writer.writerow(
            [text(value, column) for value, column in zip(row, table.columns, strict=True)]
        )
        if count % _ROWS_PER_CHUNK == 0:
            yield _drained(buffer)
    yield _drained(buffer)


def _drained(buffer: io.StringIO) -> bytes:
    chunk = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return chunk


def text(value: Value, column: Column) -> str:
    """A value as CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(AMSTERDAM).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if column.cell is Cell.TEXT:
        written = str(value)
        return f"'{written}" if written.startswith(_FORMULA_START) else written
    return str(value)
