"""The portfolio: the consortia one may see, with the API's filters, sorting and paging, and
the books of all of them to download, as they stood on a day one may choose."""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from flask import render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from consortium.members import Sector
from consortium.phases import Phase
from events.readmodel import queries
from events.readmodel.queries import SORTS, PortfolioFilter
from web.auth import current_caller, store
from web.pages.blueprint import bp
from web.pages.dutch import day_field_text, parse_day
from web.pages.reading import reading_typed

PAGE_SIZE: Final = 20
_TEXT_LIMIT: Final = 200


def _choice(name: str, allowed: set[str], errors: dict[str, str]) -> str | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    if value not in allowed:
        errors[name] = _("Choose one of the options.")
        return None
    return value


def _text(name: str, errors: dict[str, str]) -> str | None:
    value = request.args.get(name, "").strip()
    if len(value) > _TEXT_LIMIT:
        errors[name] = _("Use at most %(count)s characters.", count=_TEXT_LIMIT)
        return None
    return value or None


def _day(name: str, errors: dict[str, str]) -> date | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    day = parse_day(value)
    if day is None:
        errors[name] = _("Enter a date as day-month-year, such as 31-12-2026.")
    return day


@bp.route("/")
def portfolio() -> ResponseReturnValue:
    errors: dict[str, str] = {}
    phase = _choice("phase", {p.value for p in Phase}, errors)
    sector = _choice("sector", {s.value for s in Sector}, errors)
    sort = _choice("sort", set(SORTS), errors) or "founded"
    where = PortfolioFilter(
        phase=phase,
        sector=sector,
        party=_text("party", errors),
        text=_text("q", errors),
        checkpoint_before=_day("checkpoint_before", errors),
    )
    rows: list[Any] = []
    next_url = None
    if not errors:
        rows, next_cursor = store().read.portfolio(
            current_caller().principal,
            where,
            sort=sort,
            cursor=request.args.get("cursor") or None,
            limit=PAGE_SIZE,
        )
        if next_cursor is not None:
            query: dict[str, Any] = {k: v for k, v in request.args.items() if k != "cursor" and v}
            next_url = url_for("pages.portfolio", **{**query, "cursor": next_cursor})
    # The downloads' books: today's, or as of the day asked (a form of their own below the list).
    books = reading_typed(store().consortia.today())
    as_of = books.as_of
    none_then = as_of is not None and (
        store().read.read(lambda tx: queries.entered_by(tx, current_caller().principal, as_of)) == 0
    )
    shown = {k: request.args.get(k, "") for k in ("phase", "sector", "party", "q", "sort")}
    shown["checkpoint_before"] = (
        day_field_text(where.checkpoint_before)
        if where.checkpoint_before
        else request.args.get("checkpoint_before", "")
    )
    return render_template(
        "pages/portfolio.html",
        rows=rows,
        next_url=next_url,
        errors=errors,
        shown=shown,
        phases=list(Phase),
        sectors=list(Sector),
        sorts=sorted(SORTS),
        books=books,
        none_then=none_then,
        downloads=books.query,
    ), (422 if errors or books.error else 200)
