"""Safeguards of the account use cases: an over-long password is never hashed."""

from __future__ import annotations

from typing import Final

import pytest

import events.accounts
from consortium.accounts import Account
from consortium.errors import InvalidValue
from events.accounts import MAX_PASSWORD_LENGTH
from events.bootstrap import Store
from events.caller import Caller

SYSTEM: Final = Caller.system(actor="cli:test", request_id="req-test")


def admin(store: Store, email: str) -> Account:
    return store.accounts.open_account(email=email, name=None, is_admin=True, caller=SYSTEM)


def test_an_overlong_password_is_refused_before_hashing(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = admin(store, "beheer@utrecht.example")
    monkeypatch.setattr(events.accounts, "_HASHER", None)  # any hashing would fail loudly

    with pytest.raises(InvalidValue) as refused:
        store.accounts.set_password(account.id, "p" * (MAX_PASSWORD_LENGTH + 1), caller=SYSTEM)
    assert refused.value.field == "password"


def test_an_overlong_password_is_never_checked_against_the_hash(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    account = admin(store, "beheer@utrecht.example")
    store.accounts.set_password(account.id, "correct horse battery staple", caller=SYSTEM)
    monkeypatch.setattr(events.accounts, "_HASHER", None)  # any hashing would fail loudly

    assert store.accounts.check_password(account.email, "p" * 200_000) is None
