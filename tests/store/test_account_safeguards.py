"""Safeguards of the account use cases: the service never loses its last active administrator,
not even to two changes at once, and an over-long password is never hashed."""

from __future__ import annotations

from typing import Any, Final

import pytest

import events.accounts
from consortium.accounts import Account, LastAdministrator
from consortium.errors import InvalidValue
from events.accounts import MAX_PASSWORD_LENGTH
from events.bootstrap import Store
from events.caller import Caller

SYSTEM: Final = Caller.system(actor="cli:test", request_id="req-test")


def admin(store: Store, email: str) -> Account:
    return store.accounts.open_account(email=email, name=None, is_admin=True, caller=SYSTEM)


def test_the_last_active_administrator_cannot_be_deactivated(store: Store) -> None:
    only = admin(store, "beheer@utrecht.example")

    with pytest.raises(LastAdministrator):
        store.accounts.change_account(only.id, active=False, caller=SYSTEM)
    assert store.accounts.account(only.id).is_active


def test_two_administrators_giving_up_the_flag_at_once_leave_one(
    store: Store, other_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = admin(store, "a@utrecht.example"), admin(store, "b@utrecht.example")
    save = store.accounts.save
    saves = 0

    def save_after_the_other(*objects: Any) -> Any:
        nonlocal saves
        saves += 1
        if saves == 1:  # both checked that the other is still an administrator
            other_store.accounts.change_account(second.id, is_admin=False, caller=SYSTEM)
        return save(*objects)

    monkeypatch.setattr(store.accounts, "save", save_after_the_other)

    with pytest.raises(LastAdministrator):
        store.accounts.change_account(first.id, is_admin=False, caller=SYSTEM)
    assert store.accounts.account(first.id).is_admin


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
