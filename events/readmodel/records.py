"""The records of one consortium, answered from the read model: its memberships (those that
ended included), role grants, pledge revisions, contributions with their reversals,
expenditures, replans, evaluations and reminders.

The consortium's aggregate keeps only its present; these are the lists of its past. Each query
takes the consortium version to answer as of (``None``: everything recorded), so that a read
shows the records as they stood at the version of the aggregate it is shown with.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final
from uuid import UUID

from consortium.access import Grant, Role
from consortium.figures import ContributionKind, NeedCategory
from consortium.ledger import Commitment, Contribution, Expenditure, Reversal
from consortium.members import Member, MemberRole, Sector
from consortium.milestones import Answer, AnswerValue, Decision, Evaluation, Replan
from consortium.money import Money
from consortium.provinces import Province
from consortium.reminders import FINANCING_WARNING, Reminder
from events.readmodel.recorders import Tx

# A version above any real one: "everything recorded".
_ALL: Final = 2**62
# Ids bound in one query at most (SQLite allows 32,766 parameters; PostgreSQL 65,535).
_IDS_PER_QUERY: Final = 500


def _money(cents: int) -> Money:
    return Money(Decimal(cents) / 100)


def _instant(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _up_to(version: int | None) -> int:
    return _ALL if version is None else version


# -- memberships ---------------------------------------------------------------------------------


def _member(row: dict[str, Any], version: int) -> Member:
    left = row["left_version"] is not None and row["left_version"] <= version
    return Member(
        id=UUID(row["member_id"]),
        party=row["party"],
        sector=Sector(row["sector"]),
        role=MemberRole(row["role"]),
        contact_email=row["contact_email"],
        population=row["population"],
        joined_at=_at(row["joined_at"]),
        left_at=_instant(row["left_at"]) if left else None,
        leave_reason=row["leave_reason"] if left else None,
        joined_on=date.fromisoformat(row["joined_on"]),
        left_on=date.fromisoformat(row["left_on"]) if left and row["left_on"] else None,
        province=Province(row["province"]) if row["province"] else None,
    )


def memberships(tx: Tx, consortium_id: UUID, version: int | None = None) -> list[Member]:
    """Every membership begun by that version, in the order they began."""
    up_to = _up_to(version)
    rows = tx.rows(
        """SELECT * FROM {t}rm_members WHERE consortium_id = :c AND admitted_version <= :v
           ORDER BY admitted_version""",
        {"c": str(consortium_id), "v": up_to},
    )
    return [_member(r, up_to) for r in rows]


def membership(
    tx: Tx, consortium_id: UUID, member_id: UUID, version: int | None = None
) -> Member | None:
    up_to = _up_to(version)
    rows = tx.rows(
        """SELECT * FROM {t}rm_members
           WHERE consortium_id = :c AND member_id = :m AND admitted_version <= :v""",
        {"c": str(consortium_id), "m": str(member_id), "v": up_to},
    )
    return _member(rows[0], up_to) if rows else None


# -- role grants ---------------------------------------------------------------------------------


def _grant(row: dict[str, Any]) -> Grant:
    return Grant(
        id=UUID(row["grant_id"]),
        account=row["account"],
        role=Role(row["role"]),
        member_id=UUID(row["member_id"]) if row["member_id"] else None,
        granted_at=_at(row["granted_at"]),
        granted_by=row["granted_by"],
        revoked_at=_instant(row["revoked_at"]),
        revoked_by=row["revoked_by"],
    )


def grants(tx: Tx, consortium_id: UUID) -> list[Grant]:
    """Every grant, revoked ones included, in the order they were made."""
    rows = tx.rows(
        "SELECT * FROM {t}rm_access WHERE consortium_id = :c ORDER BY granted_version",
        {"c": str(consortium_id)},
    )
    return [_grant(r) for r in rows]


def grant(tx: Tx, consortium_id: UUID, grant_id: UUID) -> Grant | None:
    rows = tx.rows(
        "SELECT * FROM {t}rm_access WHERE consortium_id = :c AND grant_id = :g",
        {"c": str(consortium_id), "g": str(grant_id)},
    )
    return _grant(rows[0]) if rows else None


# -- pledges ---------------------------------------------------------------------------------------


def _commitment(row: dict[str, Any]) -> Commitment:
    return Commitment(
        member_id=UUID(row["member_id"]),
        year=row["year"],
        amount=_money(row["cents"]),
        revision=row["revision"],
        reason=row["reason"],
        recorded_at=_at(row["recorded_at"]),
        recorded_by=row["recorded_by"],
        kind=ContributionKind(row["kind"]),
        pledged_on=date.fromisoformat(row["pledged_on"]),
        key_version=row["key_version"],
    )


def revisions(tx: Tx, consortium_id: UUID) -> list[Commitment]:
    """Every revision of every pledge, by year, member, kind and revision."""
    rows = tx.rows(
        """SELECT * FROM {t}rm_pledges WHERE consortium_id = :c
           ORDER BY year, member_id, kind, revision""",
        {"c": str(consortium_id)},
    )
    return [_commitment(r) for r in rows]


def key_versions(
    tx: Tx, consortium_id: UUID, in_force: Iterable[UUID]
) -> dict[tuple[UUID, int], int]:
    """Per member and year, the version of the cost-sharing key that made the cash pledge in
    force (``in_force``: the ids of the pledges in force, as the consortium knows them at the
    version asked about); pledges made otherwise are left out. Only those rows are read, so
    the answer costs the same however often the pledges were revised."""
    ids = [str(commitment) for commitment in in_force]
    found: dict[tuple[UUID, int], int] = {}
    for start in range(0, len(ids), _IDS_PER_QUERY):
        names = {f"p{n}": i for n, i in enumerate(ids[start : start + _IDS_PER_QUERY])}
        # By the primary key alone: with the consortium in the condition too, SQLite walks
        # the consortium's index through every revision instead.
        rows = tx.rows(
            "SELECT consortium_id, member_id, year, key_version FROM {t}rm_pledges "  # noqa: S608
            f"WHERE commitment_id IN ({', '.join(':' + n for n in names)}) "
            "AND key_version IS NOT NULL",
            names,
        )
        found.update(
            {
                (UUID(r["member_id"]), r["year"]): r["key_version"]
                for r in rows
                if r["consortium_id"] == str(consortium_id)
            }
        )
    return found


def pledge_in_force(
    tx: Tx, consortium_id: UUID, member_id: UUID, year: int, kind: ContributionKind
) -> Commitment | None:
    """The last revision of a member's pledge of a kind for a year, if it pledged one."""
    rows = tx.rows(
        """SELECT * FROM {t}rm_pledges
           WHERE consortium_id = :c AND member_id = :m AND year = :y AND kind = :k
           ORDER BY revision DESC LIMIT 1""",
        {"c": str(consortium_id), "m": str(member_id), "y": year, "k": kind.value},
    )
    return _commitment(rows[0]) if rows else None


def commitment(tx: Tx, consortium_id: UUID, commitment_id: UUID) -> Commitment | None:
    rows = tx.rows(
        "SELECT * FROM {t}rm_pledges WHERE consortium_id = :c AND commitment_id = :id",
        {"c": str(consortium_id), "id": str(commitment_id)},
    )
    return _commitment(rows[0]) if rows else None


# -- contributions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Booked:
    """A contribution, with its reversal if it was reversed, and the consortium version that
    logged it."""

    contribution: Contribution
    reversal: Reversal | None
    version: int


def _booked(row: dict[str, Any]) -> Booked:
    contribution = Contribution(
        id=UUID(row["contribution_id"]),
        member_id=UUID(row["member_id"]),
        kind=ContributionKind(row["kind"]),
        amount=_money(row["cents"]),
        date=date.fromisoformat(row["booked_on"]),
        year=row["year"],
        reference=row["reference"],
        hours=None if row["hours"] is None else Decimal(row["hours"]),
        rate=None if row["rate_cents"] is None else _money(row["rate_cents"]),
        logged_at=_at(row["logged_at"]),
        logged_by=row["logged_by"],
    )
    reversal = None
    if row["reversed"]:
        reversal = Reversal(
            contribution_id=contribution.id,
            reason=row["reversal_reason"],
            reversed_at=_at(row["reversed_at"]),
            reversed_by=row["reversed_by"],
        )
    return Booked(contribution, reversal, row["version"])


@dataclass(frozen=True)
class ContributionFilter:
    member_id: UUID | None = None
    year: int | None = None
    kind: ContributionKind | None = None


def contributions(
    tx: Tx, consortium_id: UUID, where: ContributionFilter, *, start: int, limit: int
) -> tuple[list[Booked], bool]:
    """A page of contributions in the order they were logged, from the ``start``-th match;
    and whether more follow."""
    conditions = ["consortium_id = :c"]
    params: dict[str, Any] = {"c": str(consortium_id), "limit": limit + 1, "start": start}
    if where.member_id is not None:
        conditions.append("member_id = :m")
        params["m"] = str(where.member_id)
    if where.year is not None:
        conditions.append("year = :year")
        params["year"] = where.year
    if where.kind is not None:
        conditions.append("kind = :kind")
        params["kind"] = where.kind.value
    rows = tx.rows(
        f"SELECT * FROM {{t}}rm_contributions WHERE {' AND '.join(conditions)} "  # noqa: S608
        "ORDER BY version LIMIT :limit OFFSET :start",
        params,
    )
    return [_booked(r) for r in rows[:limit]], len(rows) > limit


def contribution(tx: Tx, consortium_id: UUID, contribution_id: UUID) -> Booked | None:
    rows = tx.rows(
        "SELECT * FROM {t}rm_contributions WHERE consortium_id = :c AND contribution_id = :id",
        {"c": str(consortium_id), "id": str(contribution_id)},
    )
    return _booked(rows[0]) if rows else None


# -- expenditures ----------------------------------------------------------------------------------


def _expenditure(row: dict[str, Any]) -> Expenditure:
    return Expenditure(
        id=UUID(row["expenditure_id"]),
        amount=_money(row["cents"]),
        date=date.fromisoformat(row["spent_on"]),
        year=row["year"],
        description=row["description"],
        milestone_id=UUID(row["milestone_id"]) if row["milestone_id"] else None,
        recorded_at=_at(row["recorded_at"]),
        recorded_by=row["recorded_by"],
    )


def expenditures(tx: Tx, consortium_id: UUID) -> list[Expenditure]:
    rows = tx.rows(
        "SELECT * FROM {t}rm_expenditures WHERE consortium_id = :c ORDER BY version",
        {"c": str(consortium_id)},
    )
    return [_expenditure(r) for r in rows]


def expenditure(tx: Tx, consortium_id: UUID, expenditure_id: UUID) -> Expenditure | None:
    rows = tx.rows(
        "SELECT * FROM {t}rm_expenditures WHERE consortium_id = :c AND expenditure_id = :id",
        {"c": str(consortium_id), "id": str(expenditure_id)},
    )
    return _expenditure(rows[0]) if rows else None


# -- milestones ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MilestoneHistory:
    replans: tuple[Replan, ...] = ()
    evaluations: tuple[Evaluation, ...] = ()


def milestone_histories(
    tx: Tx, consortium_id: UUID, version: int | None = None
) -> dict[UUID, MilestoneHistory]:
    """The replans and evaluations of each of the consortium's milestones, oldest first."""
    params = {"c": str(consortium_id), "v": _up_to(version)}
    replans: dict[UUID, list[Replan]] = {}
    for r in tx.rows(
        """SELECT * FROM {t}rm_replans WHERE consortium_id = :c AND version <= :v
           ORDER BY version""",
        params,
    ):
        replans.setdefault(UUID(r["milestone_id"]), []).append(
            Replan(
                from_date=date.fromisoformat(r["from_date"]),
                to_date=date.fromisoformat(r["to_date"]),
                reason=r["reason"],
                replanned_at=_at(r["replanned_at"]),
                replanned_by=r["replanned_by"],
            )
        )
    evaluations: dict[UUID, list[Evaluation]] = {}
    for r in tx.rows(
        """SELECT * FROM {t}rm_evaluations WHERE consortium_id = :c AND version <= :v
           ORDER BY version""",
        params,
    ):
        evaluations.setdefault(UUID(r["milestone_id"]), []).append(_evaluation(r))
    return {
        m: MilestoneHistory(tuple(replans.get(m, ())), tuple(evaluations.get(m, ())))
        for m in {*replans, *evaluations}
    }


def _evaluation(row: dict[str, Any]) -> Evaluation:
    return Evaluation(
        number=row["number"],
        answers=tuple(
            Answer(question, AnswerValue(value), note)
            for question, value, note in json.loads(row["answers"])
        ),
        decision=Decision(row["decision"]),
        conditions=row["conditions"],
        new_due_date=date.fromisoformat(row["new_due_date"]) if row["new_due_date"] else None,
        clears_conditions_of=tuple(UUID(m) for m in json.loads(row["clears"])),
        evaluated_at=_at(row["evaluated_at"]),
        evaluated_by=row["evaluated_by"],
        evaluated_on=date.fromisoformat(row["evaluated_on"]),
    )


# -- reminders -------------------------------------------------------------------------------------


def reminders(tx: Tx, consortium_id: UUID) -> list[Reminder]:
    """Every reminder of a checkpoint scheduled for the consortium, in the order they were
    scheduled (financing warnings are about no checkpoint, and not among them)."""
    rows = tx.rows(
        "SELECT * FROM {t}rm_reminders WHERE consortium_id = :c AND kind <> :warning "
        "ORDER BY position",
        {"c": str(consortium_id), "warning": FINANCING_WARNING},
    )
    return [reminder_of(r) for r in rows]


def reminder_of(row: dict[str, Any]) -> Reminder:
    return Reminder(
        key=row["reminder_key"],
        milestone_id=UUID(row["milestone_id"]),
        due_date=date.fromisoformat(row["due_date"]),
        kind=row["kind"],
        step=row["step"],
        recipient=row["recipient"],
        language=row["language"],
        scheduled_at=_at(row["scheduled_at"]),
        claim=row["claim"],
        claimed_at=_instant(row["claimed_at"]),
        delivered_at=_instant(row["delivered_at"]),
        message_id=row["message_id"],
        attempts=row["attempts"],
        last_error=row["last_error"],
        cancelled_at=_instant(row["cancelled_at"]),
        cancel_reason=row["cancel_reason"],
    )


def reminder(tx: Tx, consortium_id: UUID, key: str) -> Reminder | None:
    rows = tx.rows(
        "SELECT * FROM {t}rm_reminders WHERE consortium_id = :c AND reminder_key = :key",
        {"c": str(consortium_id), "key": key},
    )
    return reminder_of(rows[0]) if rows else None


# -- the financing plan ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedNeed:
    """One revision of the plan's need of a year for a purpose, as recorded."""

    year: int
    category: NeedCategory
    amount: Money
    revision: int
    reason: str | None
    recorded_at: datetime
    recorded_by: str


def needs(tx: Tx, consortium_id: UUID, version: int | None = None) -> list[PlannedNeed]:
    """Every revision of the plan, by year, purpose and revision."""
    rows = tx.rows(
        """SELECT * FROM {t}rm_needs WHERE consortium_id = :c AND version <= :v
           ORDER BY year, category, revision""",
        {"c": str(consortium_id), "v": _up_to(version)},
    )
    return [
        PlannedNeed(
            year=r["year"],
            category=NeedCategory(r["category"]),
            amount=_money(r["cents"]),
            revision=r["revision"],
            reason=r["reason"],
            recorded_at=_at(r["recorded_at"]),
            recorded_by=r["recorded_by"],
        )
        for r in rows
    ]
