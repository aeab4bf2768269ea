"""What happened to an account, from its own events and its tokens', and the roles it was
granted and revoked in consortia (for administrators).

Only what an administrator needs to see is shown, field by field: never a password hash, a
token's digest or the nonce of a calendar feed's address. Roles are granted and revoked in each
consortium's own stream: the read model says which consortia and versions concern the account,
and each change is read from that consortium's event (its time, who, which request).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, Final, cast
from uuid import UUID

from consortium.accounts import Account, ApiToken
from consortium.recording import ConsortiumEvent
from events.accounts import AccountsApplication
from events.consortia import ConsortiumApplication
from events.readmodel.roles import GrantRecord
from events.readmodel.side import ReadSide

# Per event class: what it is called in the history, and the fields shown.
SHOWN: Final[Mapping[type[Any], tuple[str, tuple[str, ...]]]] = {
    Account.Opened: ("account_opened", ("email", "name", "language", "is_admin", "may_found")),
    Account.ProfileChanged: ("profile_changed", ("name", "language")),
    Account.CapabilitiesChanged: ("capabilities_changed", ("is_admin", "may_found")),
    Account.Deactivated: ("deactivated", ()),
    Account.Reactivated: ("reactivated", ()),
    Account.PasswordSet: ("password_changed", ()),
    Account.CalendarFeedRenewed: ("calendar_feed_renewed", ()),
    Account.CalendarFeedClosed: ("calendar_feed_closed", ()),
    ApiToken.Issued: ("token_issued", ("name", "prefix", "expires_at")),
    ApiToken.Revoked: ("token_revoked", ()),
}


@dataclass(frozen=True)
class AccountChange:
    change: str
    recorded_at: datetime
    actor: str
    request_id: str
    originator_id: UUID
    originator_version: int
    details: dict[str, Any]


def account_history(
    accounts: AccountsApplication,
    account_id: UUID,
    *,
    read: ReadSide,
    consortia: ConsortiumApplication,
) -> list[AccountChange]:
    """The account's changes, its tokens' and its roles', oldest first."""
    account = accounts.account(account_id)
    streams = [account_id, *account.token_ids]
    changes = [change for stream in streams for change in _changes(accounts.events.get(stream))]
    for grant in read.grants_of(account.email):
        changes.append(_role_change(consortia, grant, "role_granted", grant.granted_version))
        if grant.revoked_version is not None:
            changes.append(_role_change(consortia, grant, "role_revoked", grant.revoked_version))
    return sorted(changes, key=lambda c: (c.recorded_at, c.originator_version))


def _role_change(
    consortia: ConsortiumApplication, grant: GrantRecord, change: str, version: int
) -> AccountChange:
    (stored,) = consortia.events.get(grant.consortium_id, gt=version - 1, lte=version)
    event = cast(ConsortiumEvent, stored)
    return AccountChange(
        change=change,
        recorded_at=event.timestamp,
        actor=event.actor,
        request_id=event.request_id,
        originator_id=grant.consortium_id,
        originator_version=version,
        details={
            "consortium": grant.consortium_name,
            "role": grant.role.value,
            "member_id": None if grant.member_id is None else str(grant.member_id),
            "party": grant.party,
        },
    )


def _changes(events: Iterable[Any]) -> Iterable[AccountChange]:
    for event in events:
        shown = SHOWN.get(type(event))
        if shown is None:
            continue  # e.g. Account.TokenIssued: the token's own Issued says more
        name, fields = shown
        yield AccountChange(
            change=name,
            recorded_at=event.timestamp,
            actor=event.actor,
            request_id=event.request_id,
            originator_id=event.originator_id,
            originator_version=event.originator_version,
            details={field: _plain(getattr(event, field)) for field in fields},
        )


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    return value
