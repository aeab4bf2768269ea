"""Use cases of accounts and tokens: open an account, issue a token, authenticate a request."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from consortium.accounts import Account, ApiToken
from consortium.errors import AlreadyMember, NotFound
from events.application import StoreApplication
from events.caller import Caller

TOKEN_PREFIX: Final = "cst_"  # noqa: S105 - a marker, not a secret


def digest_of(secret: str) -> str:
    # Tokens carry 256 random bits, so a fast digest is as safe as a slow password hash.
    return hashlib.sha256(secret.encode()).hexdigest()


class AccountNotFound(NotFound):
    def __init__(self, account: object) -> None:
        super().__init__(f"There is no account {account}.")


class AccountExists(AlreadyMember):
    pass


@dataclass(frozen=True)
class IssuedToken:
    """A new token: the secret is shown once, here, and never stored."""

    secret: str
    token: ApiToken


class AccountsApplication(StoreApplication):
    name = "Accounts"

    def open_account(
        self, *, email: str, name: str | None, is_admin: bool, caller: Caller
    ) -> Account:
        if self.find_account(email) is not None:
            raise AccountExists(f"An account for {email} exists already.", email=email)
        account = Account.open(email=email, name=name, is_admin=is_admin, cause=self.cause(caller))
        self.save(account)
        return account

    def find_account(self, email: str) -> Account | None:
        return self._find(Account.id_for(email), Account)

    def issue_token(
        self, account: Account, *, name: str, expires_at: datetime | None, caller: Caller
    ) -> IssuedToken:
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken.issue(
            digest=digest_of(secret),
            account_id=account.id,
            prefix=secret[: len(TOKEN_PREFIX) + 6],
            name=name,
            expires_at=expires_at,
            cause=self.cause(caller),
        )
        self.save(token)
        return IssuedToken(secret, token)

    def authenticate(self, secret: str) -> Account | None:
        """The active account a bearer token belongs to, or None for any bad token."""
        if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
            return None
        token = self._find(ApiToken.id_for(digest_of(secret)), ApiToken)
        if token is None or not token.is_valid_at(self.clock()):
            return None
        account = self._find(token.account_id, Account)
        return account if account is not None and account.is_active else None
