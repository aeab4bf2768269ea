"""Questions across consortia, answered from the read model: the portfolio with filters,
sorting and cursor paging; checkpoints; a party's money. Every query sees only the consortia
the caller may see."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Final
from uuid import UUID

from consortium.access import Principal
from consortium.errors import InvalidValue
from consortium.figures import Figures, member_key
from consortium.milestones import CheckpointStatus, Question, checkpoint_status
from consortium.money import Money
from consortium.party_names import party_key
from consortium.text import control_character
from events.readmodel.recorders import Tx

_VISIBLE: Final = """(:admin = 1 OR EXISTS (
    SELECT 1 FROM {t}rm_access a
    WHERE a.consortium_id = c.consortium_id AND a.account = :account AND a.active = 1))"""

_IDS_PER_QUERY: Final = 500

# At risk by the last judgement recorded, and still running (a finished consortium never is).
_AT_RISK: Final = "(c.financing_at_risk = 1 AND c.phase NOT IN ('stopped', 'closed'))"
FINANCING_FILTERS: Final = ("at_risk", "secured")

# sort name → (SQL expression, descending)
SORTS: Final = {
    "founded": ("c.position", False),
    "-founded": ("c.position", True),
    "name": ("c.name", False),
    "-name": ("c.name", True),
    "next_checkpoint": ("COALESCE(c.next_checkpoint, '9999-12-31')", False),
    "updated": ("c.updated_at", False),
    "-updated": ("c.updated_at", True),
}


def money(cents: int) -> Money:
    return Money(Decimal(cents) / 100)


def _access(who: Principal) -> dict[str, Any]:
    return {"admin": 1 if who.is_admin else 0, "account": who.email.casefold()}


@dataclass(frozen=True)
class PortfolioRow:
    id: UUID
    name: str
    challenge: str
    phase: str
    founded_at: datetime
    updated_at: datetime
    active_members: int
    next_checkpoint: date | None
    figures: Figures = field(default_factory=Figures)
    financing_at_risk: bool = False

    @property
    def committed(self) -> Money:
        return self.figures.committed

    @property
    def received(self) -> Money:
        return self.figures.received

    @property
    def spent(self) -> Money:
        return self.figures.spent

    @property
    def available(self) -> Money:
        return self.figures.available


@dataclass(frozen=True)
class PortfolioFilter:
    phase: str | None = None
    sector: str | None = None
    party: str | None = None
    text: str | None = None
    checkpoint_before: date | None = None
    financing: str | None = None  # "at_risk" or "secured" (every other consortium)


def _encode(sort: str, key: Any, position: int) -> str:
    text = json.dumps([sort, key, position])
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(cursor: str, sort: str) -> tuple[Any, int]:
    """The position a cursor stands for; only a cursor of this very sort is accepted."""
    try:
        made_for, key, position = json.loads(
            base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        )
    except (ValueError, TypeError) as error:
        raise InvalidValue("This cursor was not made by this list.", field="cursor") from error
    key_type = int if sort.endswith("founded") else str
    if made_for != sort or not _comparable(key, key_type) or not _comparable(position, int):
        raise InvalidValue(
            "This cursor was made for another list or order; start again without it.",
            field="cursor",
        )
    return key, position


def _comparable(value: Any, kind: type) -> bool:
    """Whether a cursor's value is of its kind and one both databases can compare: an integer
    of 64 bits (a client can forge a cursor) or text they can hold."""
    if kind is int:
        return type(value) is int and -(2**63) <= value < 2**63
    return isinstance(value, str) and control_character(value) is None


def entered_by(tx: Tx, who: Principal, instant: datetime) -> int:
    """How many of the consortia one may see had been entered (founded in the service) by
    that instant."""
    rows = tx.rows(
        f"SELECT COUNT(*) AS n FROM {{t}}rm_consortia c WHERE {_VISIBLE} "  # noqa: S608
        "AND c.founded_at <= :at",
        {**_access(who), "at": instant.astimezone(UTC).isoformat()},
    )
    return int(rows[0]["n"])


def portfolio(
    tx: Tx,
    who: Principal,
    where: PortfolioFilter,
    *,
    sort: str = "founded",
    cursor: str | None = None,
    limit: int = 50,
) -> tuple[list[PortfolioRow], str | None]:
    key_sql, descending = SORTS[sort]
    params: dict[str, Any] = {**_access(who), "limit": limit + 1}
    conditions = [_VISIBLE]
    if where.phase:
        conditions.append("c.phase = :phase")
        params["phase"] = where.phase
    if where.sector:
        conditions.append(
            "EXISTS (SELECT 1 FROM {t}rm_members m WHERE m.consortium_id = c.consortium_id"
            " AND m.sector = :sector AND m.active = 1)"
        )
        params["sector"] = where.sector
    if where.party:
        conditions.append(
            "EXISTS (SELECT 1 FROM {t}rm_members m WHERE m.consortium_id = c.consortium_id"
            " AND m.party_key = :party)"
        )
        params["party"] = party_key(where.party)
    if where.text:
        escaped = (
            where.text.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        )
        conditions.append("c.search LIKE :text ESCAPE '\\'")
        params["text"] = f"%{escaped}%"
    if where.checkpoint_before:
        conditions.append("c.next_checkpoint < :before")
        params["before"] = where.checkpoint_before.isoformat()
    if where.financing == "at_risk":
        conditions.append(_AT_RISK)
    elif where.financing == "secured":
        conditions.append(f"NOT {_AT_RISK}")
    if cursor:
        after_key, after_position = _decode(cursor, sort)
        op = "<" if descending else ">"
        conditions.append(
            f"({key_sql} {op} :after_key OR ({key_sql} = :after_key AND c.position {op} :after))"
        )
        params["after_key"], params["after"] = after_key, after_position
    direction = "DESC" if descending else "ASC"
    rows = tx.rows(
        f"SELECT c.*, {key_sql} AS sort_key, {_AT_RISK} AS at_risk "  # noqa: S608 - fixed parts
        "FROM {t}rm_consortia c "
        f"WHERE {' AND '.join(conditions)} "
        f"ORDER BY sort_key {direction}, c.position {direction} LIMIT :limit",
        params,
    )
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = _encode(sort, rows[-1]["sort_key"], rows[-1]["position"]) if more else None
    money_of = _figures_of(tx, [r["consortium_id"] for r in rows])
    return [
        _portfolio_row(r, money_of.get(r["consortium_id"], Figures())) for r in rows
    ], next_cursor


def _figures_of(tx: Tx, consortium_ids: list[str]) -> dict[str, Figures]:
    """The figures of each consortium as a whole, from its money rows."""
    if not consortium_ids:
        return {}
    names = {f"c{n}": c for n, c in enumerate(consortium_ids)}
    rows = tx.rows(
        "SELECT consortium_id, kind, SUM(cents) AS cents FROM {t}rm_money "  # noqa: S608
        f"WHERE consortium_id IN ({', '.join(':' + n for n in names)}) "
        "GROUP BY consortium_id, kind",
        names,
    )
    found: dict[str, list[tuple[str, Money]]] = {}
    for r in rows:
        found.setdefault(r["consortium_id"], []).append((r["kind"], money(int(r["cents"]))))
    return {c: Figures.of_rows(kinds) for c, kinds in found.items()}


def _portfolio_row(r: dict[str, Any], figures: Figures) -> PortfolioRow:
    return PortfolioRow(
        id=UUID(r["consortium_id"]),
        name=r["name"],
        challenge=r["challenge"],
        phase=r["phase"],
        founded_at=datetime.fromisoformat(r["founded_at"]),
        updated_at=datetime.fromisoformat(r["updated_at"]),
        active_members=r["active_members"],
        next_checkpoint=date.fromisoformat(r["next_checkpoint"]) if r["next_checkpoint"] else None,
        figures=figures,
        financing_at_risk=bool(r["at_risk"]),
    )


@dataclass(frozen=True)
class ResponsibleMember:
    member_id: UUID
    party: str


@dataclass(frozen=True)
class CheckpointRow:
    consortium_id: UUID
    consortium_name: str
    milestone_id: UUID
    title: str
    due_date: date
    status: CheckpointStatus
    days_left: int
    questions: tuple[Question, ...]
    responsible_member_ids: tuple[UUID, ...]
    replans: int
    reminder_offsets: tuple[int, ...] = (14, 3, 0)
    escalate_to_funders: bool = False
    webhook: bool = False
    # The responsible members with their names, in the order of responsible_member_ids.
    responsible: tuple[ResponsibleMember, ...] = ()
    financing_at_risk: bool = False


def checkpoints(
    tx: Tx,
    who: Principal | None,
    *,
    today: date,
    due_within_days: int,
    soon_days: int,
    include_closed: bool = False,
    consortium_id: UUID | None = None,
) -> list[CheckpointRow]:
    """Open checkpoints due by today + days (overdue ones always), of consortia still running;
    with ``include_closed`` also passed and stopped ones in that window. ``who=None``: all."""
    horizon = date.fromordinal(today.toordinal() + due_within_days).isoformat()
    params: dict[str, Any] = {"horizon": horizon}
    conditions = ["k.due_date <= :horizon"]
    if not include_closed:
        conditions.append("k.is_open = 1 AND c.phase NOT IN ('stopped', 'closed')")
    if who is not None:
        conditions.append(_VISIBLE)
        params.update(_access(who))
    if consortium_id is not None:
        conditions.append("c.consortium_id = :c")
        params["c"] = str(consortium_id)
    rows = tx.rows(
        "SELECT k.*, c.name AS consortium_name, c.phase, c.reminder_offsets, "  # noqa: S608
        f"c.escalate_to_funders, c.webhook, {_AT_RISK} AS at_risk FROM {{t}}rm_checkpoints k "
        "JOIN {t}rm_consortia c ON c.consortium_id = k.consortium_id "
        f"WHERE {' AND '.join(conditions)} ORDER BY k.due_date, c.name, k.milestone_id",
        params,
    )
    found = []
    parties = _parties(tx, {m for r in rows for m in r["responsible"].split(",") if m})
    for r in rows:
        due = date.fromisoformat(r["due_date"])
        responsible = tuple(UUID(m) for m in r["responsible"].split(",") if m)
        found.append(
            CheckpointRow(
                consortium_id=UUID(r["consortium_id"]),
                consortium_name=r["consortium_name"],
                milestone_id=UUID(r["milestone_id"]),
                title=r["title"],
                due_date=due,
                status=checkpoint_status(
                    is_open=bool(r["is_open"]),
                    decision=r["decision"],
                    consortium_finished=r["phase"] in ("stopped", "closed"),
                    due=due,
                    today=today,
                    soon_days=soon_days,
                ),
                days_left=(due - today).days,
                questions=tuple(Question(k, t) for k, t in json.loads(r["questions"])),
                responsible_member_ids=responsible,
                replans=r["replans"],
                reminder_offsets=tuple(int(o) for o in r["reminder_offsets"].split(",") if o),
                escalate_to_funders=bool(r["escalate_to_funders"]),
                webhook=bool(r["webhook"]),
                responsible=tuple(
                    ResponsibleMember(m, parties[str(m)]) for m in responsible if str(m) in parties
                ),
                financing_at_risk=bool(r["at_risk"]),
            )
        )
    return found


def _parties(tx: Tx, member_ids: set[str]) -> dict[str, str]:
    """The party of each of these members (by id as text)."""
    found: dict[str, str] = {}
    ordered = sorted(member_ids)
    # In slices: a database takes only so many parameters in one statement.
    for start in range(0, len(ordered), _IDS_PER_QUERY):
        names = {f"m{n}": m for n, m in enumerate(ordered[start : start + _IDS_PER_QUERY])}
        rows = tx.rows(
            "SELECT member_id, party FROM {t}rm_members "  # noqa: S608 - only parameter names
            f"WHERE member_id IN ({', '.join(':' + n for n in names)})",
            names,
        )
        found.update((r["member_id"], r["party"]) for r in rows)
    return found


@dataclass(frozen=True)
class Membership:
    consortium_id: UUID
    consortium_name: str
    member_id: UUID
    active: bool


@dataclass(frozen=True)
class PartyLine:
    """What one membership of a party pledged and contributed for one year."""

    member_id: UUID
    year: int
    figures: Figures


def party_money(tx: Tx, who: Principal, party: str) -> tuple[list[Membership], list[PartyLine]]:
    """A party's memberships, and its pledges and contributions per member and year (a year
    shows when there is a pledge for it, even of zero, or money received)."""
    params = {**_access(who), "party": party_key(party)}
    members = tx.rows(
        "SELECT m.member_id, m.consortium_id, m.active, c.name FROM {t}rm_members m "  # noqa: S608
        "JOIN {t}rm_consortia c ON c.consortium_id = m.consortium_id "
        f"WHERE m.party_key = :party AND {_VISIBLE} ORDER BY c.position, m.member_id",
        params,
    )
    lines: dict[tuple[UUID, int], list[tuple[str, Money]]] = {}
    for m in members:
        member_id = UUID(m["member_id"])
        for r in tx.rows(
            "SELECT year, kind, cents FROM {t}rm_money WHERE member = :m",
            {"m": member_key(member_id)},
        ):
            lines.setdefault((member_id, r["year"]), []).append((r["kind"], money(r["cents"])))
    memberships = [
        Membership(UUID(m["consortium_id"]), m["name"], UUID(m["member_id"]), bool(m["active"]))
        for m in members
    ]
    found = [PartyLine(m, y, Figures.of_rows(kinds)) for (m, y), kinds in lines.items()]
    return memberships, sorted(
        (line for line in found if line.figures.has_pledge or _received(line)),
        key=lambda line: (str(line.member_id), line.year),
    )


def visible_parties(tx: Tx, who: Principal) -> list[str]:
    """The names of every party that is or was a member of a consortium the caller may see
    (to suggest when a name matches none)."""
    rows = tx.rows(
        "SELECT DISTINCT m.party FROM {t}rm_members m "  # noqa: S608
        "JOIN {t}rm_consortia c ON c.consortium_id = m.consortium_id "
        f"WHERE {_VISIBLE} ORDER BY m.party",
        _access(who),
    )
    return [r["party"] for r in rows]


def _received(line: PartyLine) -> bool:
    return line.figures.received != Money.zero()


def contact_addresses(tx: Tx, member_ids: tuple[UUID, ...]) -> list[str]:
    """The contact addresses of those members that still take part and gave one."""
    addresses = []
    for member_id in member_ids:
        for row in tx.rows(
            "SELECT contact_email FROM {t}rm_members WHERE member_id = :m AND active = 1",
            {"m": str(member_id)},
        ):
            if row["contact_email"]:
                addresses.append(row["contact_email"])
    return addresses


def accounts_with_role(tx: Tx, consortium_id: UUID, role: str) -> list[str]:
    rows = tx.rows(
        "SELECT DISTINCT account FROM {t}rm_access "
        "WHERE consortium_id = :c AND role = :role AND active = 1 ORDER BY account",
        {"c": str(consortium_id), "role": role},
    )
    return [r["account"] for r in rows]


def scheduled_keys(tx: Tx, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for key in keys:
        if tx.rows("SELECT 1 AS x FROM {t}rm_reminders WHERE reminder_key = :k", {"k": key}):
            found.add(key)
    return found


def undelivered(tx: Tx, scheduled_before: str) -> list[tuple[UUID, str]]:
    """Reminders scheduled before then and not delivered, whose checkpoint is still open on
    the same date in a running consortium (the others are not sent any more)."""
    rows = tx.rows(
        "SELECT r.consortium_id, r.reminder_key FROM {t}rm_reminders r "
        "JOIN {t}rm_checkpoints k ON k.milestone_id = r.milestone_id "
        "JOIN {t}rm_consortia c ON c.consortium_id = r.consortium_id "
        "WHERE r.settled = 0 AND r.scheduled_at < :before AND k.is_open = 1 "
        "AND k.due_date = r.due_date AND c.phase NOT IN ('stopped', 'closed') "
        "ORDER BY r.scheduled_at",
        {"before": scheduled_before},
    )
    return [(UUID(r["consortium_id"]), r["reminder_key"]) for r in rows]
