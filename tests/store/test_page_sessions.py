"""Page sessions in the store (SQLite and PostgreSQL): a session started in one process counts
in another until it is ended there, expires, or its account's password is set."""

from __future__ import annotations

from datetime import timedelta
from typing import Final
from uuid import uuid4

import pytest

from consortium.accounts import Account
from consortium.page_sessions import SESSION_HOURS
from events.bootstrap import Store
from events.caller import Caller
from tests.clock import StepClock
from tests.store.conftest import OpenStore

ADMIN: Final = Caller.system(actor="admin@consortium.example", request_id="req-admin")
OWN: Final = Caller(actor="ambtenaar@utrecht.example", request_id="req-login")


@pytest.fixture
def account(store: Store) -> Account:
    return store.accounts.open_account(email=OWN.actor, name=None, caller=ADMIN)


def test_a_session_counts_in_another_process_until_it_is_ended_there(
    store: Store, account: Account, open_another_store: OpenStore
) -> None:
    session = store.accounts.start_session(account, caller=OWN)
    other = open_another_store()
    found = other.accounts.session_account(session.id)
    assert found is not None
    assert found.id == account.id

    other.accounts.end_session(session.id, caller=OWN)

    assert store.accounts.session_account(session.id) is None


def test_a_session_expires_after_its_hours(
    store: Store, account: Account, clock: StepClock
) -> None:
    session = store.accounts.start_session(account, caller=OWN)

    clock.advance(timedelta(hours=SESSION_HOURS))

    assert store.accounts.session_account(session.id) is None


def test_setting_the_password_ends_the_accounts_sessions(store: Store, account: Account) -> None:
    session = store.accounts.start_session(account, caller=OWN)

    store.accounts.set_password(account.id, "een-nieuw-lang-wachtwoord", caller=ADMIN)

    assert store.accounts.session_account(session.id) is None


def test_an_unknown_session_logs_nobody_in_and_ending_it_does_nothing(store: Store) -> None:
    unknown = uuid4()

    store.accounts.end_session(unknown, caller=OWN)

    assert store.accounts.session_account(unknown) is None
