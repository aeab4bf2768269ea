"""Accounts and API tokens: who may call the service.

An account's id is derived from its email address and a token's id from the digest of its
secret, so both are found with one read and can never be created twice: the event store's
uniqueness is the index. The secret itself is never seen here, only its digest.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate

from consortium.cause import Cause
from consortium.errors import InvalidValue
from consortium.members import check_contact_email

_ACCOUNTS: Final = UUID("5d0f3a9e-6c51-4bb4-9d27-2f7f1e0c4a11")
_TOKENS: Final = UUID("9b3c2e71-0f0a-4e5e-8a36-6f4d8f1a2b07")


def normalise_email(email: str) -> str:
    checked = check_contact_email(email.strip())
    if checked is None:  # pragma: no cover - check_contact_email only passes None through
        raise InvalidValue("An account needs an email address.", field="email")
    return checked.casefold()


class Account(Aggregate):
    class Event(Aggregate.Event):
        class_version = 1
        actor: str
        request_id: str

    class Opened(Aggregate.Created, Event):
        email: str
        name: str
        is_admin: bool

    def __init__(self, email: str, name: str, is_admin: bool) -> None:
        self.email = email
        self.name = name
        self.is_admin = is_admin
        self.is_active = True

    @staticmethod
    def id_for(email: str) -> UUID:
        return uuid5(_ACCOUNTS, normalise_email(email))

    @classmethod
    def open(cls, *, email: str, name: str | None, is_admin: bool, cause: Cause) -> Account:
        email = normalise_email(email)
        return cls._create(
            cls.Opened,
            id=cls.id_for(email),
            email=email,
            name=(name or "").strip() or email,
            is_admin=is_admin,
            actor=cause.actor,
            request_id=cause.request_id,
            timestamp=cause.at,
        )


class ApiToken(Aggregate):
    """A bearer token of an account, known by the digest of its secret."""

    class Event(Aggregate.Event):
        class_version = 1
        actor: str
        request_id: str

    class Issued(Aggregate.Created, Event):
        account_id: UUID
        prefix: str
        name: str
        expires_at: datetime | None

    class Revoked(Event):
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
            name=name,
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
            self.trigger_event(
                self.Revoked,
                actor=cause.actor,
                request_id=cause.request_id,
                timestamp=max(cause.at, self.modified_on),
            )
