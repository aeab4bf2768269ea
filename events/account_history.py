"""What happened to an account, from its own events and its tokens' (for administrators).

Only what an administrator needs to see is shown, field by field: never a password hash, a
token's digest or the nonce of a calendar feed's address. Roles in consortia are granted and
revoked in each consortium (its history shows them); an account's own capabilities
(administrator, may found consortia) are here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, Final
from uuid import UUID

from consortium.accounts import Account, ApiToken
from events.accounts import AccountsApplication

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


def account_history(accounts: AccountsApplication, account_id: UUID) -> list[AccountChange]:
    """The account's changes and its tokens', oldest first."""
    account = accounts.account(account_id)
    streams = [account_id, *account.token_ids]
    changes = [change for stream in streams for change in _changes(accounts.events.get(stream))]
    return sorted(changes, key=lambda c: (c.recorded_at, c.originator_version))


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
