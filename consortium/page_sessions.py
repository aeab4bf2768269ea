"""A page session: one log-in on the pages, recorded so that it can end for real.

The session cookie only names the session; whether it still counts is decided here, on every
request: a session ends when its person logs out, when it expires, and (all of an account's
sessions at once) when the account's password is set or the account is deactivated, which
moves the account's session generation on. A copied cookie is then worth nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final
from uuid import UUID, uuid4

from consortium.accounts import Account
from consortium.cause import Cause
from consortium.recording import ConsortiumEvent, RecordingAggregate

SESSION_HOURS: Final = 8


class PageSession(RecordingAggregate):
    """One log-in: whose it is, the account's session generation then, and until when."""

    class Started(RecordingAggregate.Created, ConsortiumEvent):
        account_id: UUID
        generation: int
        expires_at: datetime

    class Ended(ConsortiumEvent):
        def apply(self, session: PageSession) -> None:
            session.ended = True

    def __init__(self, account_id: UUID, generation: int, expires_at: datetime) -> None:
        self.account_id = account_id
        self.generation = generation
        self.expires_at = expires_at
        self.ended = False

    @classmethod
    def start(cls, account: Account, cause: Cause) -> PageSession:
        return cls._create(
            cls.Started,
            id=uuid4(),
            account_id=account.id,
            generation=account.session_generation,
            expires_at=cause.at + timedelta(hours=SESSION_HOURS),
            actor=cause.actor,
            request_id=cause.request_id,
            timestamp=cause.at,
        )

    def end(self, cause: Cause) -> None:
        if not self.ended:
            self._record(self.Ended, cause)

    def counts_for(self, account: Account, now: datetime) -> bool:
        """Whether this session still logs ``account`` in at ``now``."""
        return (
            not self.ended
            and now < self.expires_at
            and account.id == self.account_id
            and account.is_active
            and account.session_generation == self.generation
        )
