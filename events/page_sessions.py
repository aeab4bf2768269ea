"""Use cases of page sessions (consortium/page_sessions.py): start one at a log-in, end it at
the log-out, and tell on each request whether the session in a cookie still logs someone in."""

from __future__ import annotations

from uuid import UUID

from consortium.accounts import Account
from consortium.errors import NotFound
from consortium.page_sessions import PageSession
from events.application import StoreApplication
from events.caller import Caller


class PageSessionNotFound(NotFound):
    def __init__(self, session_id: object) -> None:
        super().__init__(f"There is no page session {session_id}.")


class PageSessionUseCases(StoreApplication):
    """Page-session use cases of :class:`~events.accounts.AccountsApplication`."""

    def start_session(self, account: Account, *, caller: Caller) -> PageSession:
        """A new session for the account as its password was checked: a password set since
        that check has moved the generation on, and the session never counts."""
        session = PageSession.start(account, self.cause(caller))
        self.save(session)
        return session

    def end_session(self, session_id: UUID, *, caller: Caller) -> None:
        if self._find(session_id, PageSession) is None:
            return  # nothing to end: a cookie naming no session logs nobody in
        self._update(
            session_id,
            PageSession,
            PageSessionNotFound,
            caller,
            lambda session, cause: session.end(cause),
        )

    def session_account(self, session_id: UUID) -> Account | None:
        """The account this session logs in now, or None (ended, expired, outdated by a new
        password or a deactivation, or no session at all)."""
        session = self._find(session_id, PageSession)
        if session is None:
            return None
        account = self._find(session.account_id, Account)
        if account is None or not session.counts_for(account, self.clock()):
            return None
        return account
