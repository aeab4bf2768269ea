"""Downloads of the books: a consortium's budget and ledger, and those of every consortium you
may read, as CSV or XLSX (``.csv``/``.xlsx`` paths; the budget also by ``Accept``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Final
from uuid import UUID

import marshmallow as ma
from flask import Response
from flask.views import MethodView

from web.arguments import Blueprint
from web.auth import current_caller, store
from web.exports import CSV, FILE_CONTENT, XLSX, exported
from web.problems import PROBLEM_JSON as PROBLEM
from web.schemas.common import Problem
from web.schemas.exports import BudgetExportArgs, ExportArgs

blp = Blueprint(
    "exports",
    __name__,
    url_prefix="/api/v1/consortia",
    description="The budget and the ledger as CSV or XLSX, per consortium and for every "
    "consortium you may read: values only, amounts as exact decimals, headers in Dutch or "
    "English, streamed.",
)

_FILES: Final = (
    ("csv", CSV, "CSV (RFC 4180, UTF-8): amounts as 1250.00, dates and instants in ISO 8601."),
    ("xlsx", XLSX, "XLSX, one sheet: amounts as numbers in a money format, date cells."),
)


def _file_response(media_type: str, description: str) -> dict[str, Any]:
    return {"200": {"description": description, "content": {media_type: FILE_CONTENT[media_type]}}}


def _reading(args: dict[str, Any]) -> str:
    """How the file name says which books it holds."""
    as_of: datetime | None = args["as_of"]
    on: date | None = args["on"]
    if on is not None:
        return f"-on-{on.isoformat()}"
    if as_of is not None:
        return f"-as-of-{as_of.strftime('%Y%m%dT%H%M%SZ')}"
    return ""


def _budget_of(consortium_id: UUID, args: dict[str, Any], extension: str) -> Response:
    table = store().consortia.budget_table(
        consortium_id, current_caller(), as_of=args["as_of"], on=args["on"], year=args["year"]
    )
    return exported(table, extension, f"budget-{consortium_id}{_reading(args)}", args["lang"])


def _views(extension: str, media_type: str, description: str) -> None:
    """The four downloads of one format."""

    @blp.route(f"/<uuid:consortium_id>/budget.{extension}", endpoint=f"Budget_{extension}")
    class ConsortiumBudget(MethodView):
        @blp.arguments(BudgetExportArgs, location="query", unknown=ma.RAISE)
        @blp.response(200, content_type=media_type, description=description)
        @blp.doc(responses=_file_response(media_type, description))
        @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
        @blp.alt_response(422, schema=Problem, content_type=PROBLEM)
        def get(self, args: dict[str, Any], consortium_id: UUID) -> Response:
            """The budget: a row of the totals, one per year, one per member and one per member
            and year (a blank member or year: all of them), each with every figure of the
            budget view; `as_of` and `on` as for the budget."""
            return _budget_of(consortium_id, args, extension)

    @blp.route(f"/<uuid:consortium_id>/ledger.{extension}", endpoint=f"Ledger_{extension}")
    class ConsortiumLedger(MethodView):
        @blp.arguments(ExportArgs, location="query", unknown=ma.RAISE)
        @blp.response(200, content_type=media_type, description=description)
        @blp.doc(responses=_file_response(media_type, description))
        @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
        @blp.alt_response(422, schema=Problem, content_type=PROBLEM)
        def get(self, args: dict[str, Any], consortium_id: UUID) -> Response:
            """The ledger: every money fact in the order recorded, with who recorded it, in
            which request and when (entry: pledge, contribution, reversal, expenditure, need,
            tranche_planned, tranche_released; a reversal's amount is below zero)."""
            table = store().consortia.ledger_table(
                consortium_id, current_caller(), as_of=args["as_of"], on=args["on"]
            )
            name = f"ledger-{consortium_id}{_reading(args)}"
            return exported(table, extension, name, args["lang"])

    @blp.route(f"/budget.{extension}", endpoint=f"PortfolioBudget_{extension}")
    class PortfolioBudget(MethodView):
        @blp.arguments(BudgetExportArgs, location="query", unknown=ma.RAISE)
        @blp.response(200, content_type=media_type, description=description)
        @blp.doc(responses=_file_response(media_type, description))
        @blp.alt_response(422, schema=Problem, content_type=PROBLEM)
        def get(self, args: dict[str, Any]) -> Response:
            """The budget of every consortium you may read (as of `as_of`: those that existed
            then), in the rows of a consortium's budget."""
            table = store().consortia.portfolio_budget_table(
                current_caller(), as_of=args["as_of"], on=args["on"], year=args["year"]
            )
            return exported(table, extension, f"budget{_reading(args)}", args["lang"])

    @blp.route(f"/ledger.{extension}", endpoint=f"PortfolioLedger_{extension}")
    class PortfolioLedger(MethodView):
        @blp.arguments(ExportArgs, location="query", unknown=ma.RAISE)
        @blp.response(200, content_type=media_type, description=description)
        @blp.doc(responses=_file_response(media_type, description))
        @blp.alt_response(422, schema=Problem, content_type=PROBLEM)
        def get(self, args: dict[str, Any]) -> Response:
            """The ledger of every consortium you may read, one after the other."""
            table = store().consortia.portfolio_ledger_table(
                current_caller(), as_of=args["as_of"], on=args["on"]
            )
            return exported(table, extension, f"ledger{_reading(args)}", args["lang"])


for _extension, _media_type, _description in _FILES:
    _views(_extension, _media_type, _description)


def budget_download(consortium_id: UUID, args: dict[str, Any], extension: str) -> Response:
    """The budget's file, for ``GET /budget`` asked for CSV or XLSX by its Accept header."""
    return _budget_of(consortium_id, {**args, "year": None, "lang": None}, extension)
