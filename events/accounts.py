"""Use cases of accounts and tokens: open and change accounts, issue and revoke tokens,
set passwords, and authenticate a request's bearer token."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Final
from uuid import UUID

from argon2 import PasswordHasher
from argon2.exceptions import VerificationError
from eventsourcing.persistence import IntegrityError
from eventsourcing.utils import get_topic

from consortium.accounts import (
    Account,
    AdministratorRemovals,
    ApiToken,
    Language,
    check_an_administrator_remains,
)
from consortium.cause import Cause
from consortium.errors import InvalidValue, NotFound, RuleViolation
from events import calendar_feeds
from events.caller import Caller, Clock, utc_now
from events.consortia import Page
from events.page_sessions import PageSessionUseCases
from events.settings import StoreSettings

TOKEN_PREFIX: Final = "cst_"  # noqa: S105 - a marker, not a secret
# The first characters of a token, kept and shown to recognise it.
TOKEN_PREFIX_LENGTH: Final = len(TOKEN_PREFIX) + 6
MIN_PASSWORD_LENGTH: Final = 12
# argon2 hashes any length, but a megabyte of "password" is only a way to burn our CPU.
MAX_PASSWORD_LENGTH: Final = 1024
AUTH_CACHE_SECONDS: Final = 2.0
AUTH_CACHE_SIZE: Final = 10_000
_OPENED_TOPIC: Final = get_topic(Account.Opened)
_HASHER: Final = PasswordHasher()  # argon2id with the library's current recommended parameters


def digest_of(secret: str) -> str:
    # Tokens carry 256 random bits, so a fast digest is as safe as a slow password hash.
    return hashlib.sha256(secret.encode()).hexdigest()


def token_prefix(secret: str) -> str | None:
    """The recognisable start of what is shaped like a token, or None."""
    if secret.startswith(TOKEN_PREFIX) and len(secret) >= TOKEN_PREFIX_LENGTH:
        return secret[:TOKEN_PREFIX_LENGTH]
    return None


def check_password_length(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidValue(
            f"A password has at least {MIN_PASSWORD_LENGTH} characters.", field="password"
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidValue(
            f"A password has at most {MAX_PASSWORD_LENGTH} characters.", field="password"
        )


class AccountNotFound(NotFound):
    def __init__(self, account: object) -> None:
        super().__init__(f"There is no account {account}.")


class AccountExists(RuleViolation):
    pass


@dataclass(frozen=True)
class IssuedToken:
    """A new token: the secret is shown once, here, and never stored."""

    secret: str
    token: ApiToken


class AccountsApplication(PageSessionUseCases):
    name = "Accounts"

    def __init__(self, settings: StoreSettings, clock: Clock = utc_now) -> None:
        super().__init__(settings, clock)
        self._authenticated: dict[str, tuple[float, ApiToken, Account]] = {}

    # -- accounts -----------------------------------------------------------------------------

    def open_account(
        self,
        *,
        email: str,
        name: str | None,
        caller: Caller,
        language: Language = Language.NL,
        is_admin: bool = False,
        may_found: bool = False,
    ) -> Account:
        if self.find_account(email) is not None:
            raise AccountExists(f"An account for {email} exists already.", email=email)
        account = Account.open(
            email=email,
            name=name,
            language=language,
            is_admin=is_admin,
            may_found=may_found,
            cause=self.cause(caller),
        )
        try:
            self.save(account)
        except IntegrityError:  # opened at the same moment by another request
            raise AccountExists(f"An account for {email} exists already.", email=email) from None
        return account

    def find_account(self, email: str) -> Account | None:
        return self._find(Account.id_for(email), Account)

    def account(self, account_id: UUID) -> Account:
        return self._load(account_id, Account, AccountNotFound)

    def accounts(self, *, after: int | None = None, limit: int = 50) -> Page[Account]:
        notifications = self.recorder.select_notifications(
            start=after,
            limit=limit + 1,
            topics=[_OPENED_TOPIC],
            inclusive_of_start=after is None,
        )
        more = len(notifications) > limit
        notifications = notifications[:limit]
        items = [self.account(UUID(str(n.originator_id))) for n in notifications]
        return Page(items, notifications[-1].id if more else None)

    def change_account(
        self,
        account_id: UUID,
        *,
        caller: Caller,
        name: str | None = None,
        language: Language | None = None,
        active: bool | None = None,
        is_admin: bool | None = None,
        may_found: bool | None = None,
    ) -> Account:
        def change(account: Account, cause: Cause) -> list[AdministratorRemovals]:
            was_admin = account.is_active_admin
            account.change_profile(name=name, language=language, cause=cause)
            account.change_capabilities(is_admin=is_admin, may_found=may_found, cause=cause)
            if active is True:
                account.reactivate(cause)
            elif active is False:
                account.deactivate(cause)
            if was_admin and not account.is_active_admin:
                return [self._note_administrator_removed(account, cause)]
            return []

        account, _ = self._update(
            account_id, Account, AccountNotFound, caller, change, also_save=lambda saved: saved
        )
        self.forget_authentications()
        return account

    def _note_administrator_removed(self, account: Account, cause: Cause) -> AdministratorRemovals:
        # Read the removals first: any removal saved after this read makes our save collide
        # (and the command run again), any saved before it is seen by the search below.
        removals = self._find(AdministratorRemovals.id_for(), AdministratorRemovals)
        if removals is None:
            removals = AdministratorRemovals.start(cause)
        check_an_administrator_remains(self._another_active_administrator(account.id))
        removals.note(account.id, cause)
        return removals

    def _another_active_administrator(self, account_id: UUID) -> bool:
        after: int | None = None
        while True:
            page = self.accounts(after=after, limit=200)
            if any(a.is_active_admin and a.id != account_id for a in page.items):
                return True
            if page.next_cursor is None:
                return False
            after = page.next_cursor

    def set_password(self, account_id: UUID, password: str, *, caller: Caller) -> None:
        check_password_length(password)
        password_hash = _HASHER.hash(password)
        self._update(
            account_id,
            Account,
            AccountNotFound,
            caller,
            lambda account, cause: account.set_password_hash(password_hash, cause),
        )

    def check_password(self, email: str, password: str) -> Account | None:
        """The active account with that email and password, or None."""
        if len(password) > MAX_PASSWORD_LENGTH:
            return None  # could never have been set; and is not worth hashing
        account = self.find_account(email)
        if account is None or not account.is_active or account.password_hash is None:
            return None
        try:
            _HASHER.verify(account.password_hash, password)
        except VerificationError:
            return None
        return account

    # -- calendar feed ------------------------------------------------------------------------

    def renew_calendar_feed(self, account_id: UUID, *, caller: Caller) -> Account:
        """A new secret calendar address for the account (the old one, if any, stops)."""
        nonce = calendar_feeds.new_nonce()
        account, _ = self._update(
            account_id,
            Account,
            AccountNotFound,
            caller,
            lambda account, cause: account.renew_calendar_feed(nonce, cause),
        )
        return account

    def close_calendar_feed(self, account_id: UUID, *, caller: Caller) -> Account:
        account, _ = self._update(
            account_id,
            Account,
            AccountNotFound,
            caller,
            lambda account, cause: account.close_calendar_feed(cause),
        )
        return account

    def calendar_feed_account(self, secret: str, key: str) -> Account | None:
        """The active account whose current calendar address this secret is, or None."""
        account_id = calendar_feeds.account_id_in(secret)
        account = self._find(account_id, Account) if account_id is not None else None
        if account is None or not account.is_active:
            return None
        return account if calendar_feeds.is_current(secret, account, key) else None

    # -- tokens -------------------------------------------------------------------------------

    def issue_token(
        self, account: Account, *, name: str, expires_at: datetime | None, caller: Caller
    ) -> IssuedToken:
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)

        def issue(current: Account, cause: Cause) -> ApiToken:
            token = ApiToken.issue(
                digest=digest_of(secret),
                account_id=current.id,
                prefix=secret[:TOKEN_PREFIX_LENGTH],
                name=name,
                expires_at=expires_at,
                cause=cause,
            )
            current.note_token(token.id, cause)
            return token

        _, token = self._update(
            account.id, Account, AccountNotFound, caller, issue, also_save=lambda t: [t]
        )
        return IssuedToken(secret, token)

    def tokens(self, account_id: UUID) -> list[ApiToken]:
        account = self.account(account_id)
        return [self._load(t, ApiToken, AccountNotFound) for t in account.token_ids]

    def token(self, account_id: UUID, token_id: UUID) -> ApiToken:
        account = self.account(account_id)
        if token_id not in account.token_ids:
            raise NotFound(f"Account {account.email} has no token {token_id}.")
        return self._load(token_id, ApiToken, AccountNotFound)

    def revoke_token(self, account_id: UUID, token_id: UUID, *, caller: Caller) -> ApiToken:
        self.token(account_id, token_id)
        token, _ = self._update(
            token_id,
            ApiToken,
            AccountNotFound,
            caller,
            lambda token, cause: token.revoke(cause),
        )
        self.forget_authentications()
        return token

    def authenticate(self, secret: str) -> Account | None:
        """The active account a bearer token belongs to, or None for any bad token.

        A good token is remembered for AUTH_CACHE_SECONDS, so a busy client costs no store reads
        per request; a revocation or deactivation in this process takes effect at once, one in
        another process within those seconds. Expiry is checked on every use."""
        if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
            return None
        digest = digest_of(secret)
        now = time.monotonic()
        remembered = self._authenticated.get(digest)
        if remembered is not None and remembered[0] > now:
            _, token, account = remembered
        else:
            found = self._find(ApiToken.id_for(digest), ApiToken)
            owner = self._find(found.account_id, Account) if found is not None else None
            if found is None or owner is None:
                return None
            token, account = found, owner
            if len(self._authenticated) > AUTH_CACHE_SIZE:
                self._authenticated.clear()
            self._authenticated[digest] = (now + AUTH_CACHE_SECONDS, token, account)
        if not token.is_valid_at(self.clock()) or not account.is_active:
            return None
        return account

    def forget_authentications(self) -> None:
        """After a token or an account changed: check every token against the store again."""
        self._authenticated.clear()
