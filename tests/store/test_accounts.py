"""Accounts and API tokens in the store: one account per email address, tokens found by the
digest of their secret, and the secret itself never stored."""

from __future__ import annotations

from datetime import timedelta
from typing import Final

import pytest

import events.accounts
from consortium.accounts import Account, ApiToken
from events.accounts import (
    AUTH_CACHE_SECONDS,
    TOKEN_PREFIX,
    AccountExists,
    IssuedToken,
    digest_of,
)
from events.bootstrap import Store
from events.caller import Caller
from tests.clock import StepClock
from tests.store.conftest import OpenStore

EMAIL: Final = "Programmamanager@Utrecht.example"
ADMIN: Final = Caller.system(actor="admin@consortium.example", request_id="req-admin")


@pytest.fixture
def account(store: Store) -> Account:
    return store.accounts.open_account(email=EMAIL, name="Programmamanager", caller=ADMIN)


@pytest.fixture
def issued(store: Store, account: Account) -> IssuedToken:
    return store.accounts.issue_token(account, name="laptop", expires_at=None, caller=ADMIN)


# -- accounts --------------------------------------------------------------------------------------


def test_an_opened_account_is_found_by_its_email_in_another_store(
    account: Account, open_another_store: OpenStore
) -> None:
    found = open_another_store().accounts.find_account(EMAIL)

    assert found is not None
    assert found.id == account.id


def test_an_account_is_found_by_its_email_in_any_case(store: Store, account: Account) -> None:
    found = store.accounts.find_account(EMAIL.upper())

    assert found is not None
    assert found.id == account.id


def test_an_email_is_kept_in_lower_case(account: Account) -> None:
    assert account.email == EMAIL.casefold()


def test_a_second_account_for_the_same_email_in_another_case_is_refused(
    store: Store, account: Account
) -> None:
    with pytest.raises(AccountExists):
        store.accounts.open_account(email=EMAIL.lower(), name=None, caller=ADMIN)


def test_a_second_account_for_the_same_email_is_refused_by_another_store(
    account: Account, open_another_store: OpenStore
) -> None:
    with pytest.raises(AccountExists):
        open_another_store().accounts.open_account(email=EMAIL, name=None, caller=ADMIN)


def test_two_stores_opening_the_same_account_at_once_refuse_the_second_as_existing(
    store: Store, other_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    save = store.accounts.save

    def save_after_the_other(*objects: object) -> object:
        other_store.accounts.open_account(email=EMAIL, name=None, caller=ADMIN)
        return save(*objects)  # type: ignore[arg-type]

    monkeypatch.setattr(store.accounts, "save", save_after_the_other)

    with pytest.raises(AccountExists):
        store.accounts.open_account(email=EMAIL, name=None, caller=ADMIN)


# -- tokens ----------------------------------------------------------------------------------------


def test_a_token_authenticates_its_account(
    store: Store, account: Account, issued: IssuedToken
) -> None:
    authenticated = store.accounts.authenticate(issued.secret)

    assert authenticated is not None
    assert authenticated.id == account.id


def test_a_token_authenticates_in_another_store(
    account: Account, issued: IssuedToken, open_another_store: OpenStore
) -> None:
    authenticated = open_another_store().accounts.authenticate(issued.secret)

    assert authenticated is not None
    assert authenticated.id == account.id


def test_a_token_starts_with_the_prefix(issued: IssuedToken) -> None:
    assert issued.secret.startswith(TOKEN_PREFIX)


def test_an_unknown_token_authenticates_nobody(store: Store, issued: IssuedToken) -> None:
    assert store.accounts.authenticate(TOKEN_PREFIX + "x" * 43) is None


MALFORMED: Final = (
    "",
    " ",
    "cst",
    TOKEN_PREFIX,
    TOKEN_PREFIX + " ",
    TOKEN_PREFIX + "\x00",
    TOKEN_PREFIX + "€" * 10,
    TOKEN_PREFIX + "a" * 500,
)


def test_a_malformed_token_authenticates_nobody(store: Store, issued: IssuedToken) -> None:
    assert [store.accounts.authenticate(m) for m in MALFORMED] == [None] * len(MALFORMED)


def test_the_secret_without_its_prefix_authenticates_nobody(
    store: Store, issued: IssuedToken
) -> None:
    assert store.accounts.authenticate(issued.secret.removeprefix(TOKEN_PREFIX)) is None


def test_the_secret_with_another_prefix_authenticates_nobody(
    store: Store, issued: IssuedToken
) -> None:
    other = "abc_" + issued.secret.removeprefix(TOKEN_PREFIX)

    assert store.accounts.authenticate(other) is None


def test_a_token_authenticates_until_it_expires(
    store: Store, account: Account, clock: StepClock
) -> None:
    expires_at = clock.peek() + timedelta(days=30)
    issued = store.accounts.issue_token(account, name="kort", expires_at=expires_at, caller=ADMIN)
    clock.advance(timedelta(days=29))

    assert store.accounts.authenticate(issued.secret) is not None


def test_an_expired_token_authenticates_nobody(
    store: Store, account: Account, clock: StepClock
) -> None:
    expires_at = clock.peek() + timedelta(days=30)
    issued = store.accounts.issue_token(account, name="kort", expires_at=expires_at, caller=ADMIN)
    clock.advance(timedelta(days=30))

    assert store.accounts.authenticate(issued.secret) is None


def test_a_revoked_token_authenticates_nobody_at_once(
    store: Store, account: Account, issued: IssuedToken
) -> None:
    assert store.accounts.authenticate(issued.secret) is not None  # remembered
    store.accounts.revoke_token(account.id, issued.token.id, caller=ADMIN)

    assert store.accounts.authenticate(issued.secret) is None


class Monotonic:
    """A stand-in for ``time.monotonic`` of events.accounts that moves only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def monotonic(monkeypatch: pytest.MonkeyPatch) -> Monotonic:
    fake = Monotonic()
    monkeypatch.setattr(events.accounts, "time", fake)
    return fake


def test_a_token_revoked_in_another_store_authenticates_nobody_once_remembering_lapses(
    store: Store,
    account: Account,
    issued: IssuedToken,
    open_another_store: OpenStore,
    monotonic: Monotonic,
) -> None:
    another = open_another_store()
    assert another.accounts.authenticate(issued.secret) is not None  # remembered there
    store.accounts.revoke_token(account.id, issued.token.id, caller=ADMIN)

    monotonic.now += AUTH_CACHE_SECONDS + 0.001

    assert another.accounts.authenticate(issued.secret) is None


def test_a_remembered_token_stops_authenticating_when_it_expires(
    store: Store, account: Account, clock: StepClock, monotonic: Monotonic
) -> None:
    expires_at = clock.peek() + timedelta(days=30)
    issued = store.accounts.issue_token(account, name="kort", expires_at=expires_at, caller=ADMIN)
    clock.advance(timedelta(days=29))
    assert store.accounts.authenticate(issued.secret) is not None  # remembered now
    clock.advance(timedelta(days=1))

    assert store.accounts.authenticate(issued.secret) is None


def test_a_token_of_a_deactivated_account_authenticates_nobody_at_once(
    store: Store, account: Account, issued: IssuedToken
) -> None:
    assert store.accounts.authenticate(issued.secret) is not None  # remembered
    store.accounts.change_account(account.id, active=False, caller=ADMIN)

    assert store.accounts.authenticate(issued.secret) is None


def test_the_accounts_tokens_are_listed_with_it(
    store: Store, account: Account, issued: IssuedToken
) -> None:
    assert [t.id for t in store.accounts.tokens(account.id)] == [issued.token.id]


# -- what is stored --------------------------------------------------------------------------------


def every_stored_state(store: Store) -> bytes:
    """The state of every event the accounts application ever stored, as one byte string."""
    notifications = store.accounts.recorder.select_notifications(start=None, limit=10_000)
    assert notifications, "nothing stored"
    return b"\n".join(n.state for n in notifications)


def test_the_secret_of_a_token_is_never_stored(store: Store, issued: IssuedToken) -> None:
    assert issued.secret.removeprefix(TOKEN_PREFIX)[6:].encode() not in every_stored_state(store)


def test_the_digest_of_a_token_is_not_stored_either(store: Store, issued: IssuedToken) -> None:
    assert digest_of(issued.secret).encode() not in every_stored_state(store)


def test_a_token_is_stored_under_the_id_derived_from_its_digest(
    store: Store, issued: IssuedToken
) -> None:
    token_id = ApiToken.id_for(digest_of(issued.secret))

    assert [e.originator_version for e in store.accounts.recorder.select_events(token_id)] == [1]


def test_only_the_first_characters_of_a_secret_are_stored_to_recognise_it(
    store: Store, issued: IssuedToken
) -> None:
    assert issued.token.prefix == issued.secret[: len(TOKEN_PREFIX) + 6]
