"""Page sessions: a log-in counts until it is ended, expires, or its account's password is set
or the account deactivated (the account's session generation moves on)."""

from __future__ import annotations

from datetime import timedelta

from consortium.accounts import Account
from consortium.page_sessions import SESSION_HOURS, PageSession
from tests.domain.support import START, cause

HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"


def open_account(email: str = "ambtenaar@utrecht.example") -> Account:
    return Account.open(email=email, name=None, cause=cause())


def test_a_new_session_logs_its_account_in() -> None:
    account = open_account()
    session = PageSession.start(account, cause(1))

    assert session.counts_for(account, START + timedelta(minutes=2))


def test_an_ended_session_logs_nobody_in() -> None:
    account = open_account()
    session = PageSession.start(account, cause(1))
    session.end(cause(2))

    assert not session.counts_for(account, START + timedelta(minutes=3))


def test_a_session_expires_after_its_hours() -> None:
    account = open_account()
    session = PageSession.start(account, cause(0))

    assert not session.counts_for(account, START + timedelta(hours=SESSION_HOURS))


def test_setting_the_password_ends_the_sessions_started_before() -> None:
    account = open_account()
    before = PageSession.start(account, cause(1))
    account.set_password_hash(HASH, cause(2))
    after = PageSession.start(account, cause(3))

    assert not before.counts_for(account, START + timedelta(minutes=4))
    assert after.counts_for(account, START + timedelta(minutes=4))


def test_deactivating_ends_the_sessions_and_reactivating_does_not_revive_them() -> None:
    account = open_account()
    session = PageSession.start(account, cause(1))
    account.deactivate(cause(2))
    account.reactivate(cause(3))

    assert account.is_active
    assert not session.counts_for(account, START + timedelta(minutes=4))


def test_a_session_never_logs_in_another_account() -> None:
    session = PageSession.start(open_account(), cause(1))

    assert not session.counts_for(open_account("ander@utrecht.example"), START)
