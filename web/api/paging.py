"""Page envelopes with a link to the next page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import request, url_for

from events.consortia import Page


def page_body(
    page: Page[Any], items: Sequence[Any], cursor_param: str, limit: int
) -> dict[str, Any]:
    next_url = None
    if page.next_cursor is not None:
        values: dict[str, Any] = {**(request.view_args or {}), cursor_param: page.next_cursor}
        next_url = url_for(request.endpoint or "", limit=limit, **values)
    return {"items": items, "next_cursor": page.next_cursor, "next": next_url}
