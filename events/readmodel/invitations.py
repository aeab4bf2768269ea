"""Invitations as the read model lists them: those of a consortium, and those whose mail is
still to be sent (the workers' scan)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from consortium.access import Role
from consortium.invitations import InvitationStatus, status_of
from events.readmodel.recorders import Tx


@dataclass(frozen=True)
class ListedInvitation:
    id: UUID
    consortium_id: UUID
    email: str
    role: Role
    member_id: UUID | None
    party: str | None
    invited_at: datetime
    invited_by: str
    expires_at: datetime
    accepted_at: datetime | None
    role_in_force: bool
    mail_sent_at: datetime | None
    mail_attempts: int
    mail_error: str | None

    def status_at(self, now: datetime) -> InvitationStatus:
        return status_of(self.accepted_at, self.expires_at, now, role_in_force=self.role_in_force)


_SELECT = """SELECT i.*, m.party, a.active AS role_in_force FROM {t}rm_invitations i
    LEFT JOIN {t}rm_members m ON m.member_id = i.member_id
    LEFT JOIN {t}rm_access a ON a.grant_id = i.grant_id"""


def _instant(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _listed(row: dict[str, Any]) -> ListedInvitation:
    return ListedInvitation(
        id=UUID(row["invitation_id"]),
        consortium_id=UUID(row["consortium_id"]),
        email=row["email"],
        role=Role(row["role"]),
        member_id=UUID(row["member_id"]) if row["member_id"] else None,
        party=row["party"],
        invited_at=datetime.fromisoformat(row["invited_at"]),
        invited_by=row["invited_by"],
        expires_at=datetime.fromisoformat(row["expires_at"]),
        accepted_at=_instant(row["accepted_at"]),
        role_in_force=bool(row["role_in_force"]),
        mail_sent_at=_instant(row["mail_sent_at"]),
        mail_attempts=int(row["mail_attempts"]),
        mail_error=row["mail_error"],
    )


def of_consortium(tx: Tx, consortium_id: UUID) -> list[ListedInvitation]:
    """Every invitation to the consortium, newest first."""
    rows = tx.rows(
        f"{_SELECT} WHERE i.consortium_id = :c ORDER BY i.position DESC",
        {"c": str(consortium_id)},
    )
    return [_listed(r) for r in rows]


def one(tx: Tx, consortium_id: UUID, invitation_id: UUID) -> ListedInvitation | None:
    rows = tx.rows(
        f"{_SELECT} WHERE i.consortium_id = :c AND i.invitation_id = :i",
        {"c": str(consortium_id), "i": str(invitation_id)},
    )
    return _listed(rows[0]) if rows else None


def mails_to_send(tx: Tx, now: datetime, claimed_before: datetime) -> list[UUID]:
    """Invitations whose mail is still to be sent: not sent, not used, not expired, their role
    in force, and not claimed by a worker since ``claimed_before`` (that one is still at it)."""
    rows = tx.rows(
        """SELECT i.invitation_id FROM {t}rm_invitations i
           JOIN {t}rm_access a ON a.grant_id = i.grant_id
           WHERE i.mail_pending = 1 AND i.expires_at > :now AND a.active = 1
             AND (i.mail_claimed_at IS NULL OR i.mail_claimed_at < :claimed_before)
           ORDER BY i.position""",
        # Instants are kept as ISO text in UTC, whose order is time order.
        {
            "now": now.astimezone(UTC).isoformat(),
            "claimed_before": claimed_before.astimezone(UTC).isoformat(),
        },
    )
    return [UUID(r["invitation_id"]) for r in rows]
