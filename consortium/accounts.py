"""Accounts and API tokens: who may call the service.

An account's id is derived from its email address and a token's id from the digest of its
secret, so both are found with one read and can never be created twice: the event store's
uniqueness is the index. The secret itself is never seen here, only its digest; a password
only as its argon2id hash.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Final
from uuid import UUID, uuid5

from consortium.cause import Cause
from consortium.errors import InvalidValue, RuleViolation
from consortium.members import folded_email
from consortium.recording import ConsortiumEvent, RecordingAggregate
from consortium.text import MAX_NAME, optional_text

_ACCOUNTS: Final = UUID("5d0f3a9e-6c51-4bb4-9d27-2f7f1e0c4a11")
_TOKENS: Final = UUID("9b3c2e71-0f0a-4e5e-8a36-6f4d8f1a2b07")
_ADMINISTRATORS: Final = UUID("3e8a6f0c-52b1-4c7d-9a0e-7d4b1c2f6e95")


class Language(Enum):
    NL = "nl"
    EN = "en"


def normalise_email(email: str) -> str:
    return folded_email(email, "email")


class LastAdministrator(RuleViolation):
    pass


def check_an_administrator_remains(another_active_administrator: bool) -> None:
    """An account may stop being an active administrator only while another one is."""
    if not another_active_administrator:
        raise LastAdministrator(
            "This is the last active administrator: the service needs one to manage accounts. "
            "Make another account an administrator first."
        )


class Account(RecordingAggregate):
    """A person who uses the service: programme manager, member representative, funder or
    administrator. Roles per consortium are granted in the consortium itself."""

    class Opened(RecordingAggregate.Created, ConsortiumEvent):
        email: str
        name: str
        language: Language
        is_admin: bool
        may_found: bool

    class ProfileChanged(ConsortiumEvent):
        name: str
        language: Language

        def apply(self, account: Account) -> None:
            account.name = self.name
            account.language = self.language

    class CapabilitiesChanged(ConsortiumEvent):
        is_admin: bool
        may_found: bool

        def apply(self, account: Account) -> None:
            account.is_admin = self.is_admin
            account.may_found = self.may_found

    class Deactivated(ConsortiumEvent):
        def apply(self, account: Account) -> None:
            account.is_active = False
            account.session_generation += 1

    class Reactivated(ConsortiumEvent):
        def apply(self, account: Account) -> None:
            account.is_active = True

    class PasswordSet(ConsortiumEvent):
        password_hash: str

        def apply(self, account: Account) -> None:
            account.password_hash = self.password_hash
            account.session_generation += 1

    class TokenIssued(ConsortiumEvent):
        token_id: UUID

        def apply(self, account: Account) -> None:
            account.token_ids = (*account.token_ids, self.token_id)

    class CalendarFeedRenewed(ConsortiumEvent):
        nonce: str

        def apply(self, account: Account) -> None:
            account.calendar_nonce = self.nonce

    class CalendarFeedClosed(ConsortiumEvent):
        def apply(self, account: Account) -> None:
            account.calendar_nonce = None

    # The nonce of the account's calendar-feed address (None: it has none). The address is
    # derived from the service's secret and this nonce (events/calendar_feeds.py), so a new
    # nonce is a new address and the old one answers nothing. A class default: accounts
    # snapshotted before feeds existed have none.
    calendar_nonce: str | None = None
    # Moves on when the password is set or the account deactivated: every page session started
    # under an earlier generation ends (consortium/page_sessions.py). A class default, as above.
    session_generation: int = 0

    def __init__(
        self, email: str, name: str, language: Language, is_admin: bool, may_found: bool
    ) -> None:
        self.email = email
        self.name = name
        self.language = language
        self.is_admin = is_admin
        self.may_found = may_found
        self.is_active = True
        self.password_hash: str | None = None
        self.token_ids: tuple[UUID, ...] = ()

    @staticmethod
    def id_for(email: str) -> UUID:
        return uuid5(_ACCOUNTS, normalise_email(email))

    @classmethod
    def open(
        cls,
        *,
        email: str,
        name: str | None,
        language: Language = Language.NL,
        is_admin: bool = False,
        may_found: bool = False,
        cause: Cause,
    ) -> Account:
        email = normalise_email(email)
        return cls._create(
            cls.Opened,
            id=cls.id_for(email),
            email=email,
            name=optional_text(name, "name", MAX_NAME) or email,
            language=language,
            is_admin=is_admin,
            may_found=may_found,
            actor=cause.actor,
            request_id=cause.request_id,
            timestamp=cause.at,
        )

    def change_profile(self, *, name: str | None, language: Language | None, cause: Cause) -> None:
        new_name = optional_text(name, "name", MAX_NAME) or self.name
        new_language = language or self.language
        if (new_name, new_language) != (self.name, self.language):
            self._record(self.ProfileChanged, cause, name=new_name, language=new_language)

    def change_capabilities(
        self, *, is_admin: bool | None, may_found: bool | None, cause: Cause
    ) -> None:
        admin = self.is_admin if is_admin is None else is_admin
        found = self.may_found if may_found is None else may_found
        if (admin, found) != (self.is_admin, self.may_found):
            self._record(self.CapabilitiesChanged, cause, is_admin=admin, may_found=found)

    @property
    def is_active_admin(self) -> bool:
        return self.is_admin and self.is_active

    def deactivate(self, cause: Cause) -> None:
        if self.is_active:
            self._record(self.Deactivated, cause)

    def reactivate(self, cause: Cause) -> None:
        if not self.is_active:
            self._record(self.Reactivated, cause)

    def set_password_hash(self, password_hash: str, cause: Cause) -> None:
        if not password_hash.startswith("$argon2id$"):
            raise RuleViolation("Passwords are kept as argon2id hashes only.")
        self._record(self.PasswordSet, cause, password_hash=password_hash)

    def note_token(self, token_id: UUID, cause: Cause) -> None:
        self._record(self.TokenIssued, cause, token_id=token_id)

    def renew_calendar_feed(self, nonce: str, cause: Cause) -> None:
        """A new calendar-feed address; the previous one (if any) stops answering."""
        if not nonce or nonce == self.calendar_nonce:
            raise RuleViolation("A new calendar address needs a new nonce.")
        self._record(self.CalendarFeedRenewed, cause, nonce=nonce)

    def close_calendar_feed(self, cause: Cause) -> None:
        if self.calendar_nonce is not None:
            self._record(self.CalendarFeedClosed, cause)


class AdministratorRemovals(RecordingAggregate):
    """One event for every account that stops being an active administrator.

    It holds no state: its version is what matters. Each such change is saved together with an
    event here, so two at the same moment collide on its version and the later one is checked
    again on fresh state; two administrators demoting themselves at once cannot leave none.
    """

    class Started(RecordingAggregate.Created, ConsortiumEvent):
        pass

    class Removed(ConsortiumEvent):
        account_id: UUID

    @staticmethod
    def id_for() -> UUID:
        return _ADMINISTRATORS

    @classmethod
    def start(cls, cause: Cause) -> AdministratorRemovals:
        return cls._create(
            cls.Started,
            id=cls.id_for(),
            actor=cause.actor,
            request_id=cause.request_id,
            timestamp=cause.at,
        )

    def note(self, account_id: UUID, cause: Cause) -> None:
        self._record(self.Removed, cause, account_id=account_id)


class ApiToken(RecordingAggregate):
    """A bearer token of an account, known by the digest of its secret."""

    class Issued(RecordingAggregate.Created, ConsortiumEvent):
        account_id: UUID
        prefix: str
        name: str
        expires_at: datetime | None

    class Revoked(ConsortiumEvent):
        def apply(self, token: ApiToken) -> None:
            token.revoked_at = self.timestamp

    def __init__(
        self, account_id: UUID, prefix: str, name: str, expires_at: datetime | None
    ) -> None:
        self.account_id = account_id
        self.prefix = prefix
        self.name = name
        self.expires_at = expires_at
        self.revoked_at: datetime | None = None

    @staticmethod
    def id_for(digest: str) -> UUID:
        return uuid5(_TOKENS, digest)

    @classmethod
    def issue(
        cls,
        *,
        digest: str,
        account_id: UUID,
        prefix: str,
        name: str,
        expires_at: datetime | None,
        cause: Cause,
    ) -> ApiToken:
        if expires_at is not None and expires_at <= cause.at:
            raise InvalidValue("A token must expire in the future.", field="expires_at")
        return cls._create(
            cls.Issued,
            id=cls.id_for(digest),
            account_id=account_id,
            prefix=prefix,
            name=optional_text(name, "name", MAX_NAME) or "token",
            expires_at=expires_at,
            actor=cause.actor,
            request_id=cause.request_id,
            timestamp=cause.at,
        )

    def is_valid_at(self, now: datetime) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or now < self.expires_at

    def revoke(self, cause: Cause) -> None:
        if self.revoked_at is None:
            self._record(self.Revoked, cause)
