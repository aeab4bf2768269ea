"""The secret address of an account's calendar feed, which calendar apps fetch without a header.

The secret is derived, not stored: ``cal_`` + the account's id + an HMAC-SHA256 of the account
id and the account's current feed nonce under the service's secret key. So /me can show the
address again at any time (a stored digest could be shown only once), renewing it is one
``CalendarFeedRenewed`` event with a new random nonce (every older address stops matching at
once), closing it removes the nonce, and no lookup table is needed: the id in the address says
which account to read, the HMAC (compared in constant time) whether the address is its current
one. Whoever holds the service's key could compute the addresses, but that key signs the page
sessions too, which already grant more than reading checkpoints.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Final
from uuid import UUID

from consortium.accounts import Account

PREFIX: Final = "cal_"
_ID_LENGTH: Final = 32  # the account id as 32 hex digits
_MAC_LENGTH: Final = 43  # 32 bytes in unpadded base64url


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


def feed_secret(account: Account, key: str) -> str | None:
    """The account's current calendar secret, or None when it has no feed."""
    if account.calendar_nonce is None:
        return None
    return PREFIX + account.id.hex + _mac(account.id, account.calendar_nonce, key)


def account_id_in(secret: str) -> UUID | None:
    """The account id a secret names, if it is shaped like one (it is not yet checked)."""
    if not secret.startswith(PREFIX) or len(secret) != len(PREFIX) + _ID_LENGTH + _MAC_LENGTH:
        return None
    try:
        return UUID(hex=secret[len(PREFIX) : len(PREFIX) + _ID_LENGTH])
    except ValueError:
        return None


def is_current(secret: str, account: Account, key: str) -> bool:
    expected = feed_secret(account, key)
    return expected is not None and hmac.compare_digest(secret.encode(), expected.encode())


def _mac(account_id: UUID, nonce: str, key: str) -> str:
    message = f"calendar-feed:{account_id}:{nonce}".encode()
    digest = hmac.new(key.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
