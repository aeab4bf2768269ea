"""The secret of a calendar-feed address: derived from the account's id, its nonce and the
service's key; it names its account and matches only while that nonce is current (no I/O)."""

from __future__ import annotations

from consortium.accounts import Account
from events.calendar_feeds import account_id_in, feed_secret, is_current
from tests.domain.support import cause

KEY = "the-service-key"


def account_with_feed(nonce: str = "n1") -> Account:
    account = Account.open(email="pm@utrecht.example", name=None, cause=cause())
    account.renew_calendar_feed(nonce, cause())
    return account


def test_the_secret_names_its_account() -> None:
    account = account_with_feed()
    secret = feed_secret(account, KEY)
    assert secret is not None

    assert account_id_in(secret) == account.id


def test_the_secret_matches_while_its_nonce_is_current() -> None:
    account = account_with_feed()
    secret = feed_secret(account, KEY)
    assert secret is not None

    assert is_current(secret, account, KEY)
    account.renew_calendar_feed("n2", cause())
    assert not is_current(secret, account, KEY)


def test_another_service_key_gives_another_secret() -> None:
    account = account_with_feed()

    assert feed_secret(account, KEY) != feed_secret(account, "another-key")


def test_an_account_without_a_feed_has_no_secret() -> None:
    account = Account.open(email="pm@utrecht.example", name=None, cause=cause())

    assert feed_secret(account, KEY) is None


def test_what_is_not_shaped_like_a_secret_names_no_account() -> None:
    for secret in ("", "cal_", "cst_" + "0" * 75, "cal_" + "z" * 75):
        assert account_id_in(secret) is None
