"""The roles an account holds, across consortia, with the names that make them readable: the
consortium's, and for a member representative the member's (its party)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from consortium.access import Role
from events.readmodel.recorders import Tx


@dataclass(frozen=True)
class HeldRole:
    consortium_id: UUID
    consortium_name: str
    role: Role
    member_id: UUID | None
    party: str | None


def held_roles(tx: Tx, account: str) -> list[HeldRole]:
    """The grants in force of that account (by email), in the order the consortia were
    founded and the roles granted."""
    rows = tx.rows(
        """SELECT a.consortium_id, c.name, a.role, a.member_id, m.party FROM {t}rm_access a
           JOIN {t}rm_consortia c ON c.consortium_id = a.consortium_id
           LEFT JOIN {t}rm_members m ON m.member_id = a.member_id
           WHERE a.account = :account AND a.active = 1
           ORDER BY c.position, a.granted_version""",
        {"account": account.strip().casefold()},
    )
    return [
        HeldRole(
            consortium_id=UUID(r["consortium_id"]),
            consortium_name=r["name"],
            role=Role(r["role"]),
            member_id=UUID(r["member_id"]) if r["member_id"] else None,
            party=r["party"],
        )
        for r in rows
    ]


@dataclass(frozen=True)
class GrantRecord:
    """A role granted to an account, in force or revoked since: where and at which version of
    its consortium it was granted and revoked."""

    consortium_id: UUID
    consortium_name: str
    role: Role
    member_id: UUID | None
    party: str | None
    granted_version: int
    revoked_version: int | None


def grants_of(tx: Tx, account: str) -> list[GrantRecord]:
    """Every grant of that account (by email), in force or revoked, oldest first per
    consortium."""
    rows = tx.rows(
        """SELECT a.consortium_id, c.name, a.role, a.member_id, m.party, a.granted_version,
                  a.revoked_version FROM {t}rm_access a
           JOIN {t}rm_consortia c ON c.consortium_id = a.consortium_id
           LEFT JOIN {t}rm_members m ON m.member_id = a.member_id
           WHERE a.account = :account
           ORDER BY c.position, a.granted_version""",
        {"account": account.strip().casefold()},
    )
    return [
        GrantRecord(
            consortium_id=UUID(r["consortium_id"]),
            consortium_name=r["name"],
            role=Role(r["role"]),
            member_id=UUID(r["member_id"]) if r["member_id"] else None,
            party=r["party"],
            granted_version=int(r["granted_version"]),
            revoked_version=None if r["revoked_version"] is None else int(r["revoked_version"]),
        )
        for r in rows
    ]
