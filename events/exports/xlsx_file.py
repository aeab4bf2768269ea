"""A table as an XLSX workbook of one sheet, written by XlsxWriter in its constant-memory mode
(each row goes to a temporary file as it is written) and then handed out in chunks: values
only, never formulas; amounts as numbers in a money format, dates and instants (Dutch time) as
date cells, whole numbers as numbers."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Final

import xlsxwriter

from consortium.cause import AMSTERDAM
from consortium.money import Money
from events.exports.tables import Cell, Table, Value

MEDIA_TYPE: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT: Final = "#,##0.00"
DATE_FORMAT: Final = "yyyy-mm-dd"
INSTANT_FORMAT: Final = "yyyy-mm-dd hh:mm:ss"
_CHUNK: Final = 64 * 1024
_SHEET_NAME_MAX: Final = 31


def xlsx_chunks(table: Table, labels: Sequence[str]) -> Iterator[bytes]:
    """The workbook, written to a temporary file when the first chunk is asked for."""
    with tempfile.TemporaryFile() as file:
        _write(file, table, labels)
        file.seek(0)
        while chunk := file.read(_CHUNK):
            yield chunk


def _write(file: Any, table: Table, labels: Sequence[str]) -> None:
    workbook = xlsxwriter.Workbook(
        file,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "remove_timezone": True,
        },
    )
    formats = {
        Cell.MONEY: workbook.add_format({"num_format": MONEY_FORMAT}),
        Cell.DATE: workbook.add_format({"num_format": DATE_FORMAT}),
        Cell.INSTANT: workbook.add_format({"num_format": INSTANT_FORMAT}),
    }
    header = workbook.add_format({"bold": True})
    sheet = workbook.add_worksheet(table.name[:_SHEET_NAME_MAX])
    for at, label in enumerate(labels):
        sheet.write_string(0, at, label, header)
    sheet.freeze_panes(1, 0)
    for number, row in enumerate(table.rows, start=1):
        for at, (value, column) in enumerate(zip(row, table.columns, strict=True)):
            _cell(sheet, number, at, value, column.cell, formats.get(column.cell))
    workbook.close()


def _cell(sheet: Any, row: int, col: int, value: Value, cell: Cell, style: Any) -> None:
    if value is None:
        return
    if isinstance(value, Money):
        sheet.write_number(row, col, float(value.amount), style)
    elif isinstance(value, datetime):
        sheet.write_datetime(row, col, value.astimezone(AMSTERDAM).replace(tzinfo=None), style)
    elif isinstance(value, date):
        sheet.write_datetime(row, col, datetime.combine(value, time()), style)
    elif isinstance(value, int | Decimal) and cell is not Cell.TEXT:
        sheet.write_number(row, col, value, style)
    else:
        sheet.write_string(row, col, str(value))
