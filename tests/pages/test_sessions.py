"""Page sessions end for real on the server: after logging out, a copy of the cookie logs
nobody in; setting the password or deactivating the account ends every session it has."""

from __future__ import annotations

from flask import Flask

from events.bootstrap import Store
from events.caller import Caller
from tests.pages.conftest import Visitor
from tests.pages.world import FUNDER, OFFICER, PASSWORD, World

SYSTEM = Caller.system(actor="cli:test", request_id="t")


def copy_of(visitor: Visitor, app: Flask) -> Visitor:
    """Another browser holding a copy of the visitor's session cookie."""
    cookie = visitor.cookie()
    assert cookie is not None
    thief = Visitor(app.test_client())
    thief.client.set_cookie("consortium_session", cookie)
    return thief


def test_a_copied_cookie_works_while_the_session_lasts(
    visitor: Visitor, world: World, app: Flask
) -> None:
    visitor.log_in(OFFICER)

    assert copy_of(visitor, app).get("/me").status_code == 200


def test_a_copied_cookie_logs_nobody_in_after_logging_out(
    visitor: Visitor, world: World, app: Flask
) -> None:
    visitor.log_in(OFFICER)
    copy = copy_of(visitor, app)
    assert visitor.send("/logout", {}, form_on="/me").status_code == 302

    assert copy.get("/me").status_code == 302


def test_setting_the_password_ends_every_session_of_the_account(
    visitor: Visitor, world: World, app: Flask, store: Store
) -> None:
    visitor.log_in(OFFICER)
    laptop = Visitor(app.test_client())
    laptop.log_in(OFFICER)
    account = store.accounts.find_account(OFFICER)
    assert account is not None

    store.accounts.set_password(account.id, PASSWORD + "-nieuw", caller=SYSTEM)

    assert visitor.get("/me").status_code == 302
    assert laptop.get("/me").status_code == 302


def test_setting_a_password_leaves_other_accounts_sessions_alone(
    visitor: Visitor, world: World, app: Flask, store: Store
) -> None:
    visitor.log_in(FUNDER)
    account = store.accounts.find_account(OFFICER)
    assert account is not None

    store.accounts.set_password(account.id, PASSWORD + "-nieuw", caller=SYSTEM)

    assert visitor.get("/me").status_code == 200


def test_a_deactivated_account_stays_logged_out_once_reactivated(
    visitor: Visitor, world: World, store: Store
) -> None:
    visitor.log_in(OFFICER)
    account = store.accounts.find_account(OFFICER)
    assert account is not None

    store.accounts.change_account(account.id, active=False, caller=SYSTEM)
    store.accounts.change_account(account.id, active=True, caller=SYSTEM)

    assert visitor.get("/me").status_code == 302
