"""The public catalogue of proven solutions (catalogus), readable without logging in: the list
with the API's search and filters (one solution's page, with the form to adopt it, is in
web/pages/adopting.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Final

from flask import render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from consortium.catalogue import BANDS
from consortium.members import Sector
from consortium.phases import Phase
from consortium.provinces import NAMES, Province
from events.catalogue import CatalogueFilter
from web.auth import store
from web.i18n import language
from web.pages.blueprint import bp
from web.pages.dutch import amount_text

PAGE_SIZE: Final = 20
_TEXT_LIMIT: Final = 200


def per_inhabitant(value: Decimal | None) -> str:
    """Euros per inhabitant to a hundredth of a cent, written as the language writes money
    elsewhere on the pages: ``€ 0,0943`` in Dutch, ``€0.0943`` in English."""
    if value is None:
        return ""
    return amount_text(value, language(), places=4)


@bp.route("/catalogus")
def catalogue() -> ResponseReturnValue:
    errors: dict[str, str] = {}
    shown = {
        k: request.args.get(k, "").strip() for k in ("q", "phase", "sector", "band", "province")
    }
    allowed = {
        "phase": {p.value for p in Phase},
        "sector": {s.value for s in Sector},
        "band": {name for name, _low, _high in BANDS},
        "province": {p.value for p in Province},
    }
    for name, values in allowed.items():
        if shown[name] and shown[name] not in values:
            errors[name] = _("Choose one of the options.")
    if len(shown["q"]) > _TEXT_LIMIT:
        errors["q"] = _("Use at most %(count)s characters.", count=_TEXT_LIMIT)
    entries: list[Any] = []
    next_url = None
    if not errors:
        where = CatalogueFilter(
            text=shown["q"] or None,
            sector=Sector(shown["sector"]) if shown["sector"] else None,
            phase=Phase(shown["phase"]) if shown["phase"] else None,
            band=shown["band"] or None,
            province=Province(shown["province"]) if shown["province"] else None,
        )
        cursor = request.args.get("cursor", "")
        page = store().consortia.catalogue(
            where, cursor=int(cursor) if cursor.isdigit() else None, limit=PAGE_SIZE
        )
        entries = list(page.items)
        if page.next_cursor is not None:
            query: dict[str, Any] = {k: v for k, v in shown.items() if v}
            next_url = url_for("pages.catalogue", **{**query, "cursor": page.next_cursor})
    return render_template(
        "pages/catalogue.html",
        entries=entries,
        errors=errors,
        shown=shown,
        phases=list(Phase),
        sectors=list(Sector),
        bands=BANDS,
        provinces=[(p.value, NAMES[p]) for p in Province],
        next_url=next_url,
        per_inhabitant=per_inhabitant,
    )
