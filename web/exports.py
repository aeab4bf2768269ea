"""Exported tables as HTTP responses: CSV or XLSX, streamed a chunk at a time (the rows are
read while the body is sent), with column headers in Dutch or English.

Everything that needs the request (the caller's rights, the language) is settled before the
response is made; the rows are read by the store alone, so the body needs no request context
while it is sent."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Final

from flask import Response, request
from flask_babel import force_locale

from events.exports import csv_file, xlsx_file
from events.exports.tables import Table
from web.i18n import language, translate

CSV: Final = "text/csv"
XLSX: Final = xlsx_file.MEDIA_TYPE
JSON: Final = "application/json"
FORMATS: Final[dict[str, tuple[str, Callable[[Table, Sequence[str]], Iterator[bytes]]]]] = {
    "csv": (csv_file.MEDIA_TYPE, csv_file.csv_chunks),
    "xlsx": (xlsx_file.MEDIA_TYPE, xlsx_file.xlsx_chunks),
}
_ACCEPTED: Final = {CSV: "csv", XLSX: "xlsx"}
# How the OpenAPI document describes the files' bodies.
FILE_CONTENT: Final = {
    CSV: {"schema": {"type": "string"}},
    XLSX: {"schema": {"type": "string", "format": "binary"}},
}


def labels(table: Table, lang: str | None) -> list[str]:
    """The column headers in ``lang``, or in the language of this request's answer."""
    if lang is None:
        return [translate(column.label) for column in table.columns]
    with force_locale(lang):
        return [translate(column.label) for column in table.columns]


def exported(table: Table, extension: str, filename: str, lang: str | None = None) -> Response:
    """The table as a download; its rows are read while the response is sent."""
    media_type, chunks = FORMATS[extension]
    headers = labels(table, lang)
    return Response(
        chunks(table, headers),
        content_type=media_type,  # as is: mimetype= would add a second charset to text/csv
        headers={
            "Content-Disposition": f'attachment; filename="{filename}.{extension}"',
            "Content-Language": lang or language(),
        },
    )


def asked_format() -> str | None:
    """csv or xlsx when the Accept header prefers them to JSON; None for JSON."""
    best = request.accept_mimetypes.best_match([JSON, CSV, XLSX], default=JSON)
    return _ACCEPTED.get(best or JSON)
