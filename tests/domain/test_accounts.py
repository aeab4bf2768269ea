"""Accounts and API tokens: who may call the service, and until when."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from consortium.accounts import (
    Account,
    AdministratorRemovals,
    ApiToken,
    Language,
    LastAdministrator,
    check_an_administrator_remains,
)
from consortium.cause import Cause
from consortium.errors import InvalidValue, RuleViolation
from tests.domain.support import START, cause, recorded

DIGEST = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
LATER = START + timedelta(days=30)


def open_account(email: str = "pm@utrecht.example", name: str | None = None) -> Account:
    return Account.open(email=email, name=name, cause=cause())


def issue(expires_at: datetime | None = LATER, at: Cause | None = None) -> ApiToken:
    return ApiToken.issue(
        digest=DIGEST,
        account_id=Account.id_for("pm@utrecht.example"),
        prefix="cst_abcd",
        name="laptop",
        expires_at=expires_at,
        cause=at or cause(),
    )


# -- accounts -----------------------------------------------------------------------------------


def test_an_account_id_does_not_depend_on_the_case_of_the_email() -> None:
    assert Account.id_for("PM@Utrecht.Example") == Account.id_for("pm@utrecht.example")


def test_an_account_id_does_not_depend_on_surrounding_whitespace() -> None:
    assert Account.id_for("  pm@utrecht.example \n") == Account.id_for("pm@utrecht.example")


def test_different_emails_give_different_account_ids() -> None:
    assert Account.id_for("pm@utrecht.example") != Account.id_for("pm@zeist.example")


def test_an_account_is_opened_under_the_id_of_its_email() -> None:
    assert open_account("PM@Utrecht.Example").id == Account.id_for("pm@utrecht.example")


def test_an_account_keeps_its_email_in_lower_case() -> None:
    assert open_account("PM@Utrecht.Example").email == "pm@utrecht.example"


def test_an_account_without_a_name_is_named_after_its_email() -> None:
    assert open_account(name="  ").name == "pm@utrecht.example"


def test_a_new_account_is_active_with_dutch_and_no_powers() -> None:
    account = open_account()
    powers = (account.is_active, account.language, account.is_admin, account.may_found)
    assert powers == (True, Language.NL, False, False)


def test_an_account_needs_an_email_address() -> None:
    with pytest.raises(InvalidValue, match="is not an email address"):
        open_account("pm at utrecht")


def test_a_malformed_account_email_names_the_email_field() -> None:
    with pytest.raises(InvalidValue) as refused:
        open_account("pm at utrecht")
    assert refused.value.field == "email"


# -- administrators -----------------------------------------------------------------------------


def open_admin() -> Account:
    return Account.open(email="beheer@utrecht.example", name=None, is_admin=True, cause=cause())


def test_an_active_administrator_is_one() -> None:
    assert open_admin().is_active_admin


def test_a_deactivated_administrator_is_no_active_administrator() -> None:
    account = open_admin()
    account.deactivate(cause())
    assert not account.is_active_admin


def test_an_account_without_the_flag_is_no_active_administrator() -> None:
    assert not open_account().is_active_admin


def test_the_last_active_administrator_must_remain_one() -> None:
    with pytest.raises(LastAdministrator, match="last active administrator"):
        check_an_administrator_remains(another_active_administrator=False)


def test_an_administrator_may_go_while_another_remains() -> None:
    check_an_administrator_remains(another_active_administrator=True)


def test_a_removal_of_an_administrator_is_recorded_with_its_cause() -> None:
    removals = AdministratorRemovals.start(cause())
    removals.note(Account.id_for("beheer@utrecht.example"), cause(actor="admin@x.example"))
    removed = recorded(removals)[-1]
    assert isinstance(removed, AdministratorRemovals.Removed)
    assert (removed.account_id, removed.actor) == (
        Account.id_for("beheer@utrecht.example"),
        "admin@x.example",
    )


# -- tokens -------------------------------------------------------------------------------------


def test_a_token_id_is_derived_from_the_digest_of_its_secret() -> None:
    assert issue().id == ApiToken.id_for(DIGEST)


def test_a_token_is_valid_before_it_expires() -> None:
    assert issue(expires_at=LATER).is_valid_at(LATER - timedelta(seconds=1))


def test_a_token_is_no_longer_valid_at_the_instant_it_expires() -> None:
    assert not issue(expires_at=LATER).is_valid_at(LATER)


def test_a_token_is_not_valid_after_it_expired() -> None:
    assert not issue(expires_at=LATER).is_valid_at(LATER + timedelta(days=1))


def test_a_token_without_an_expiry_stays_valid() -> None:
    assert issue(expires_at=None).is_valid_at(START + timedelta(days=100 * 365))


def test_a_revoked_token_is_not_valid() -> None:
    token = issue(expires_at=None)
    token.revoke(cause(10))
    assert not token.is_valid_at(START + timedelta(minutes=11))


def test_revoking_records_when_the_token_was_revoked() -> None:
    token = issue()
    token.revoke(cause(10))
    assert token.revoked_at == cause(10).at


def test_revoking_twice_records_one_revocation() -> None:
    token = issue()
    token.revoke(cause(10))
    token.revoke(cause(20))
    assert [type(e).__name__ for e in token.collect_events()] == ["Issued", "Revoked"]


def test_revoking_again_keeps_the_first_revocation_time() -> None:
    token = issue()
    token.revoke(cause(10))
    token.revoke(cause(20))
    assert token.revoked_at == cause(10).at


@pytest.mark.parametrize("expires_at", [START - timedelta(days=1), START])
def test_a_token_that_would_expire_by_the_time_it_is_issued_is_refused(
    expires_at: datetime,
) -> None:
    with pytest.raises(InvalidValue) as refused:
        issue(expires_at=expires_at)
    assert refused.value.field == "expires_at"


def test_a_token_without_a_name_is_called_token() -> None:
    token = ApiToken.issue(
        digest=DIGEST,
        account_id=Account.id_for("pm@utrecht.example"),
        prefix="cst_abcd",
        name=" ",
        expires_at=None,
        cause=cause(),
    )
    assert token.name == "token"


def test_issuing_a_token_records_who_issued_it() -> None:
    token = issue(at=cause(actor="admin@consortium.example", request_id="req-9"))
    issued = recorded(token)[0]
    assert (issued.actor, issued.request_id) == ("admin@consortium.example", "req-9")


# -- calendar feed ------------------------------------------------------------------------------


def test_a_new_account_has_no_calendar_address() -> None:
    assert open_account().calendar_nonce is None


def test_renewing_the_calendar_address_keeps_the_new_nonce() -> None:
    account = open_account()
    account.renew_calendar_feed("first", cause())
    account.renew_calendar_feed("second", cause())

    assert account.calendar_nonce == "second"


def test_a_calendar_address_is_never_renewed_to_the_same_nonce() -> None:
    account = open_account()
    account.renew_calendar_feed("first", cause())

    with pytest.raises(RuleViolation):
        account.renew_calendar_feed("first", cause())


def test_closing_the_calendar_address_forgets_its_nonce() -> None:
    account = open_account()
    account.renew_calendar_feed("first", cause())
    account.close_calendar_feed(cause())

    assert account.calendar_nonce is None
