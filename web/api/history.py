"""The history of a consortium: every event, with actor and time, a page at a time."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Final
from urllib.parse import urlsplit
from uuid import UUID

import marshmallow as ma
from flask.views import MethodView

from consortium.about import is_backdated
from consortium.aggregate import Consortium
from consortium.money import Money
from web.api.paging import page_body
from web.arguments import Blueprint
from web.auth import current_caller, store
from web.problems import PROBLEM_JSON as PROBLEM
from web.schemas.common import Problem
from web.schemas.consortia import HistoryArgs, HistoryPage
from web.schemas.fields import AMSTERDAM

blp = Blueprint(
    "history",
    __name__,
    url_prefix="/api/v1/consortia/<uuid:consortium_id>/events",
    description="The full, unalterable history of a consortium.",
)

_ENVELOPE: Final = frozenset(
    {"originator_id", "originator_version", "timestamp", "originator_topic", "actor", "request_id"}
)


def origin_only(url: Any) -> str:
    """``https://hooks.example.org/…``: the scheme, host and port of an address, enough to tell
    which receiver it was; its path and query, where receivers keep their secret tokens, are
    hidden. The whole address is for programme managers only (GET /webhook)."""
    try:
        parts = urlsplit(str(url))
        host = parts.hostname
        port = f":{parts.port}" if parts.port is not None else ""
    except ValueError:
        return "(hidden)"
    if not parts.scheme or not host:
        return "(hidden)"
    host = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{host}{port}/…"


# What the history shows in place of a field, per event class and field: everyone who reads a
# consortium reads its history, so a field that may hold a secret is shown in part, or not.
REDACTED: Final[Mapping[type[Any], Mapping[str, Callable[[Any], Any]]]] = {
    Consortium.WebhookSet: {"url": origin_only},
}


# The field that names the day a fact is about, per event class (the other time of a fact
# being the instant it was recorded: occurred_at).
ABOUT: Final[Mapping[type[Any], str]] = {
    Consortium.ContributionLogged: "date",
    Consortium.ExpenditureRecorded: "date",
    Consortium.CommitmentPledged: "pledged_on",
    Consortium.MemberAdmitted: "joined_on",
    Consortium.MemberLeft: "left_on",
    Consortium.MilestonePlanned: "planned_on",
    Consortium.CheckpointEvaluated: "evaluated_on",
    Consortium.FinancingAtRisk: "judged_on",
    Consortium.FinancingSecured: "judged_on",
}


@dataclass(frozen=True)
class HistoryEntry:
    version: int
    type: str
    occurred_at: datetime
    actor: str
    request_id: str
    data: dict[str, Any]
    about: date | None = None
    backdated: bool = False


def to_json(value: Any) -> Any:
    """A domain value as plain JSON: money and decimals as text, times in Amsterdam."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Money | Decimal | UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(AMSTERDAM).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    return value


def entry(event: Any) -> HistoryEntry:
    hidden = REDACTED.get(type(event), {})
    about: date | None = getattr(event, ABOUT[type(event)], None) if type(event) in ABOUT else None
    return HistoryEntry(
        version=event.originator_version,
        type=type(event).__name__,
        occurred_at=event.timestamp,
        actor=event.actor,
        request_id=event.request_id,
        data={
            k: hidden[k](v) if k in hidden else to_json(v)
            for k, v in vars(event).items()
            if k not in _ENVELOPE
        },
        about=about,
        backdated=about is not None and is_backdated(about, event.timestamp),
    )


@blp.route("")
class History(MethodView):
    @blp.arguments(HistoryArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, HistoryPage)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(self, args: dict[str, Any], consortium_id: UUID) -> dict[str, Any]:
        """Events oldest first; follow `next` for more."""
        page = store().consortia.history(
            consortium_id, current_caller(), after_version=args["after"], limit=args["limit"]
        )
        return page_body(page, [entry(e) for e in page.items], "after", args["limit"])
