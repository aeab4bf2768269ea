"""Downloads for funders: the budget and the ledger of a consortium, as CSV or XLSX, for the day
and reading the budget page shows; and those of every consortium one may see (linked from the
portfolio). Column headers in the page's language, and the codes of a ledger's entries and
kinds in its words (the API's files keep the codes); the files are streamed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Final
from uuid import UUID

from flask import Response

from consortium.errors import InvalidValue
from events.exports.tables import Row, Table
from web.auth import current_caller, store
from web.exports import exported
from web.pages.blueprint import bp
from web.pages.reading import Reading, reading_asked, reading_typed
from web.pages.words import LABELS, word

BOOKS: Final = ("budget", "ledger")
FORMATS: Final = ("csv", "xlsx")


def _consortium_books(consortium_id: UUID, what: str, extension: str) -> Response:
    caller = current_caller()
    consortia = store().consortia
    consortium = consortia.consortium(consortium_id, caller)
    reading = reading_asked(consortium, consortia.today())
    if reading.error is not None:
        raise InvalidValue(reading.error, field="as_of")
    table: Table
    if what == "budget":
        table = consortia.budget_table(consortium_id, caller, as_of=reading.as_of, on=reading.on)
    else:
        table = consortia.ledger_table(consortium_id, caller, as_of=reading.as_of, on=reading.on)
    return exported(_worded(table), extension, f"{what}-{consortium_id}{_books_of(reading)}")


def _portfolio_books(what: str, extension: str) -> Response:
    """Every consortium one may see, as the portfolio's day and reading ask (today's books
    when none is asked; as of a day, those that existed then)."""
    caller = current_caller()
    consortia = store().consortia
    reading = reading_typed(consortia.today())
    if reading.error is not None:
        raise InvalidValue(reading.error, field="as_of")
    if what == "budget":
        table = consortia.portfolio_budget_table(caller, as_of=reading.as_of, on=reading.on)
    else:
        table = consortia.portfolio_ledger_table(caller, as_of=reading.as_of, on=reading.on)
    books = _books_of(reading) or f"-{consortia.today().isoformat()}"
    return exported(_worded(table), extension, f"{what}{books}")


# The columns whose cells are codes (a ledger's entry, a kind of money): the page's files
# give them in the page's words, the API's keep the codes.
_CODED: Final = ("entry", "kind")


def _worded(table: Table) -> Table:
    """The table with its coded cells in the page's words (looked up now, in the request: the
    rows are read while the file is sent)."""
    coded = [i for i, column in enumerate(table.columns) if column.key in _CODED]
    if not coded:
        return table
    words = {code: word(code) for code in LABELS}

    def rows() -> Iterator[Row]:
        for row in table.rows:
            cells = list(row)
            for i in coded:
                cell = cells[i]
                if isinstance(cell, str):
                    cells[i] = words.get(cell, cell)
            yield cells

    return replace(table, rows=rows())


def _books_of(reading: Reading) -> str:
    """How a file's name says which books it holds (nothing for today's)."""
    if reading.day is None:
        return ""
    return f"-{'booked-' if reading.booked else ''}{reading.day.isoformat()}"


def _register() -> None:
    """A route per book and format: /consortia/<id>/budget.csv, ..., /ledger.xlsx."""
    for what in BOOKS:
        for extension in FORMATS:

            def one(consortium_id: UUID, what: str = what, extension: str = extension) -> Response:
                return _consortium_books(consortium_id, what, extension)

            def every(what: str = what, extension: str = extension) -> Response:
                return _portfolio_books(what, extension)

            bp.add_url_rule(
                f"/consortia/<uuid:consortium_id>/{what}.{extension}",
                endpoint=f"{what}_{extension}",
                view_func=one,
            )
            bp.add_url_rule(
                f"/{what}.{extension}", endpoint=f"portfolio_{what}_{extension}", view_func=every
            )


_register()
