"""Inviting a colleague, on each backend: a programme manager invites an officer by e-mail; the
mail lands in the outbox; the officer sets a password with its one-time address, makes a token
with that password, finds their member on /me and pledges for it. The secret is never in the
store, the history or the logs."""

from __future__ import annotations

import base64
import logging
import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Final
from uuid import UUID

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from consortium.invitations import VALIDITY
from events.bootstrap import Store
from events.caller import Caller
from tests.api.support import CONSORTIA, admit, field_errors, found, problem_of
from tests.clock import StepClock
from tests.conftest import Api
from tests.http import json_of
from workers.invitation_delivery import send_invitations
from workers.mail import OutboxMailer

PM: Final = "pm@utrecht.example"
OFFICER: Final = "Officer@Zeist.example"
PASSWORD: Final = "correct horse battery staple"
LINK: Final = re.compile(r"https?://\S+/api/v1/invitations/(inv_[A-Za-z0-9_-]+)")


@pytest.fixture
def manager(client: FlaskClient, store: Store) -> Api:
    """A programme manager (not an administrator), who founds the consortium."""
    system = Caller.system("cli:test", "setup")
    account = store.accounts.open_account(email=PM, name="Petra", may_found=True, caller=system)
    secret = store.accounts.issue_token(account, name="t", expires_at=None, caller=system).secret
    return Api(client, secret)


@pytest.fixture
def consortium_id(manager: Api) -> str:
    identifier: str = found(manager)["id"]
    return identifier


@pytest.fixture
def zeist(manager: Api, consortium_id: str) -> str:
    """The member the officer is to represent."""
    member_id: str = admit(manager, consortium_id, "Gemeente Zeist", "municipality", "partner")[
        "id"
    ]
    return member_id


@pytest.fixture
def outbox(tmp_path: Path) -> OutboxMailer:
    return OutboxMailer(tmp_path / "outbox")


def invite(api: Api, consortium_id: str, **fields: Any) -> TestResponse:
    response: TestResponse = api.post(f"{CONSORTIA}/{consortium_id}/invitations", json=fields)
    return response


def invite_officer(api: Api, consortium_id: str, member_id: str, **fields: Any) -> dict[str, Any]:
    response = invite(
        api,
        consortium_id,
        email=OFFICER,
        role="member_representative",
        member_id=member_id,
        **fields,
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    body: dict[str, Any] = json_of(response)
    return body


def mails(outbox: OutboxMailer) -> list[EmailMessage]:
    found_mails = []
    for path in sorted(outbox.folder.glob("*.eml")):
        parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        found_mails.append(parsed)
    return found_mails


def body_of(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def secret_from(message: EmailMessage) -> str:
    found_link = LINK.search(body_of(message))
    assert found_link is not None, body_of(message)
    return found_link.group(1)


def mailed_secret(store: Store, outbox: OutboxMailer) -> str:
    """Send the invitation mails, as a worker would, and answer the secret in the only one."""
    send_invitations(store, outbox)
    (message,) = mails(outbox)
    return secret_from(message)


def accept(client: FlaskClient, secret: str, password: str = PASSWORD) -> TestResponse:
    return client.post(f"/api/v1/invitations/{secret}/accept", json={"password": password})


def basic(email: str, password: str) -> dict[str, str]:
    pair = base64.b64encode(f"{email}:{password}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


def new_token(client: FlaskClient, email: str = OFFICER, password: str = PASSWORD) -> TestResponse:
    return client.post("/api/v1/tokens", json={"name": "laptop"}, headers=basic(email, password))


# -- the whole way ------------------------------------------------------------------------------


def test_an_invited_officer_sets_a_password_finds_their_member_and_pledges(
    client: FlaskClient,
    store: Store,
    manager: Api,
    consortium_id: str,
    zeist: str,
    outbox: OutboxMailer,
) -> None:
    invite_officer(manager, consortium_id, zeist, name="Olga Officier")
    secret = mailed_secret(store, outbox)

    accepted = accept(client, secret)
    issued = new_token(client)
    officer = Api(client, json_of(issued)["token"])
    me = officer.get("/api/v1/me").json
    pledge = officer.post(
        f"{CONSORTIA}/{consortium_id}/commitments",
        json={"member_id": me["roles"][0]["member_id"], "year": 2026, "amount": "5000.00"},
    )

    assert accepted.status_code == 200, accepted.get_data(as_text=True)
    assert json_of(accepted)["has_password"] is True
    assert issued.status_code == 201, issued.get_data(as_text=True)
    assert me["email"] == "officer@zeist.example"
    assert me["roles"] == [
        {
            "consortium_id": consortium_id,
            "consortium_name": "Langer thuis in de wijk",
            "role": "member_representative",
            "member_id": zeist,
            "party": "Gemeente Zeist",
        }
    ]
    assert pledge.status_code == 201, pledge.get_data(as_text=True)


def test_the_invitation_answers_without_its_secret(
    manager: Api, consortium_id: str, zeist: str
) -> None:
    body = invite_officer(manager, consortium_id, zeist)

    assert set(body) == {
        "id", "email", "role", "member_id", "party", "status", "invited_at", "invited_by",
        "expires_at", "accepted_at", "mail_sent_at", "mail_error",
    }  # fmt: skip
    assert (body["email"], body["party"], body["status"]) == (
        "officer@zeist.example",
        "Gemeente Zeist",
        "pending",
    )


def test_an_invitation_grants_the_role_at_once(
    manager: Api, consortium_id: str, zeist: str
) -> None:
    invite_officer(manager, consortium_id, zeist)

    grants = manager.get(f"{CONSORTIA}/{consortium_id}/roles").json["items"]

    assert ("officer@zeist.example", "member_representative", zeist) in {
        (g["account"], g["role"], g["member_id"]) for g in grants
    }


def test_an_invitation_opens_the_account_with_the_name_given(
    store: Store, manager: Api, consortium_id: str, zeist: str
) -> None:
    invite_officer(manager, consortium_id, zeist, name="Olga Officier", language="en")

    account = store.accounts.find_account(OFFICER)

    assert account is not None
    assert (account.name, account.language.value, account.password_hash) == (
        "Olga Officier",
        "en",
        None,
    )


def test_the_list_shows_the_invitation_used_and_its_mail_sent(
    client: FlaskClient,
    store: Store,
    manager: Api,
    consortium_id: str,
    zeist: str,
    outbox: OutboxMailer,
) -> None:
    made = invite_officer(manager, consortium_id, zeist)
    accept(client, mailed_secret(store, outbox))

    (listed,) = manager.get(f"{CONSORTIA}/{consortium_id}/invitations").json["items"]
    one = manager.get(f"{CONSORTIA}/{consortium_id}/invitations/{made['id']}").json

    assert listed == one
    assert listed["status"] == "accepted"
    assert listed["mail_sent_at"] is not None
    assert listed["accepted_at"] is not None


def test_the_address_in_the_mail_shows_the_invitation_without_a_token(
    client: FlaskClient,
    store: Store,
    manager: Api,
    consortium_id: str,
    zeist: str,
    outbox: OutboxMailer,
) -> None:
    invite_officer(manager, consortium_id, zeist)
    secret = mailed_secret(store, outbox)

    shown = client.get(f"/api/v1/invitations/{secret}")

    assert shown.status_code == 200, shown.get_data(as_text=True)
    assert json_of(shown)["consortium_name"] == "Langer thuis in de wijk"
    assert (json_of(shown)["party"], json_of(shown)["status"]) == ("Gemeente Zeist", "pending")
    assert json_of(shown)["accept"].endswith(f"/api/v1/invitations/{secret}/accept")


# -- used once, for seven days ------------------------------------------------------------------


def test_a_second_accept_is_gone(
    client: FlaskClient,
    store: Store,
    manager: Api,
    consortium_id: str,
    zeist: str,
    outbox: OutboxMailer,
) -> None:
    invite_officer(manager, consortium_id, zeist)
    secret = mailed_secret(store, outbox)
    accept(client, secret)

    again = accept(client, secret, "another long password")

    assert again.status_code == 410
    assert "used already" in problem_of(again)["detail"]
    assert store.accounts.check_password(OFFICER, PASSWORD) is not None


def test_an_expired_invitation_is_gone(
    client: FlaskClient,
    store: Store,
    clock: StepClock,
    manager: Api,
    consortium_id: str,
    zeist: str,
    outbox: OutboxMailer,
) -> None:
    invite_officer(manager, consortium_id, zeist)
    secret = mailed_secret(store, outbox)
    clock.advance(VALIDITY)

    late = accept(client, secret)

    assert late.status_code == 410
    assert "expired" in problem_of(late)["detail"]


def test_an_invitation_whose_role_was_revoked_is_gone_and_not_mailed(
    client: FlaskClient,
    store: Store,
    manager: Api,
    consortium_id: str,
    zeist: str,
    outbox: OutboxMailer,
) -> None:
    invite_officer(manager, consortium_id, zeist)
    grants = manager.get(f"{CONSORTIA}/{consortium_id}/roles").json["items"]
    (grant,) = [g for g in grants if g["account"] == "officer@zeist.example"]
    manager.post(f"{CONSORTIA}/{consortium_id}/roles/{grant['id']}/revoke")

    sent = send_invitations(store, outbox)
    (listed,) = manager.get(f"{CONSORTIA}/{consortium_id}/invitations").json["items"]

    assert (sent, mails(outbox)) == ([], [])
    assert listed["status"] == "withdrawn"


def test_an_unknown_invitation_is_not_found(client: FlaskClient) -> None:
    response = accept(client, "inv_" + "0" * 32 + "A" * 43)

    assert response.status_code == 404
    assert "inv_" not in problem_of(response)["detail"]


def test_a_forged_secret_for_a_real_invitation_is_not_found(
    client: FlaskClient, manager: Api, consortium_id: str, zeist: str
) -> None:
    made = invite_officer(manager, consortium_id, zeist)

    forged = accept(client, "inv_" + UUID(made["id"]).hex + "A" * 43)

    assert forged.status_code == 404


def test_a_short_password_is_refused_and_leaves_the_invitation_usable(
    client: FlaskClient,
    store: Store,
    manager: Api,
    consortium_id: str,
    zeist: str,
    outbox: OutboxMailer,
) -> None:
    invite_officer(manager, consortium_id, zeist)
    secret = mailed_secret(store, outbox)

    short = accept(client, secret, "kort")

    assert "password" in field_errors(short)
    assert accept(client, secret).status_code == 200


# -- who may invite, and what ------------------------------------------------------------------


def test_a_member_representative_may_not_invite(
    client: FlaskClient,
    store: Store,
    manager: Api,
    consortium_id: str,
    zeist: str,
    outbox: OutboxMailer,
) -> None:
    invite_officer(manager, consortium_id, zeist)
    accept(client, mailed_secret(store, outbox))
    officer = Api(client, json_of(new_token(client))["token"])

    response = invite(officer, consortium_id, email="colleague@zeist.example", role="funder")

    assert response.status_code == 403
    assert store.accounts.find_account("colleague@zeist.example") is None


def test_inviting_someone_to_a_role_they_hold_is_a_conflict(
    manager: Api, consortium_id: str, zeist: str
) -> None:
    invite_officer(manager, consortium_id, zeist)

    again = invite(
        manager, consortium_id, email=OFFICER, role="member_representative", member_id=zeist
    )

    assert again.status_code == 409
    assert "revoke the role" in problem_of(again)["detail"]


def test_a_representative_without_a_member_is_refused_and_no_account_is_opened(
    store: Store, manager: Api, consortium_id: str
) -> None:
    response = invite(manager, consortium_id, email=OFFICER, role="member_representative")

    assert "member_id" in field_errors(response)
    assert store.accounts.find_account(OFFICER) is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"email": "not an address", "role": "funder"}, "email"),
        ({"email": OFFICER, "role": "chair"}, "role"),
        ({"email": OFFICER, "role": "funder", "password": "x"}, "password"),
    ],
    ids=["email", "role", "unknown field"],
)
def test_invalid_invitations_are_refused_field_by_field(
    manager: Api, consortium_id: str, fields: dict[str, Any], field: str
) -> None:
    assert field in field_errors(invite(manager, consortium_id, **fields))


# -- the mail -----------------------------------------------------------------------------------


def test_the_mail_is_dutch_and_dated_and_sent_once(
    store: Store, manager: Api, consortium_id: str, zeist: str, outbox: OutboxMailer
) -> None:
    invite_officer(manager, consortium_id, zeist)

    first = send_invitations(store, outbox)
    second = send_invitations(store, outbox)
    (message,) = mails(outbox)

    assert [sent for _, sent in first] == [True]
    assert second == []
    assert message["To"] == "officer@zeist.example"
    assert message["Subject"] == "Uitnodiging: Langer thuis in de wijk"
    assert message["Date"] is not None
    assert message["Message-ID"] is not None
    assert "vertegenwoordiger van Gemeente Zeist" in body_of(message)
    assert "curl -X POST" in body_of(message)


def test_the_mail_is_english_for_an_account_that_reads_english(
    store: Store, manager: Api, consortium_id: str, zeist: str, outbox: OutboxMailer
) -> None:
    invite_officer(manager, consortium_id, zeist, language="en")

    send_invitations(store, outbox)
    (message,) = mails(outbox)

    assert message["Subject"] == "Invitation: Langer thuis in de wijk"
    assert "representative of Gemeente Zeist" in body_of(message)


# -- the secret stays secret -------------------------------------------------------------------


def test_the_secret_and_password_are_in_no_log_history_or_stored_event(
    client: FlaskClient,
    store: Store,
    manager: Api,
    consortium_id: str,
    zeist: str,
    outbox: OutboxMailer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    invite_officer(manager, consortium_id, zeist)
    secret = mailed_secret(store, outbox)
    accept(client, secret)
    accept(client, secret)  # refused, and logged as anything is
    new_token(client)
    history = manager.get(f"{CONSORTIA}/{consortium_id}/events?limit=100")
    stored = [
        n.state
        for app in (store.consortia, store.accounts)
        for n in app.recorder.select_notifications(start=None, limit=10_000)
    ]

    assert "RoleGranted" in {e["type"] for e in history.json["items"]}
    assert secret not in history.get_data(as_text=True)
    assert secret not in caplog.text
    assert PASSWORD not in caplog.text
    assert any(b"officer@zeist.example" in state for state in stored)  # the states are legible
    assert not any(secret.encode() in state or PASSWORD.encode() in state for state in stored)


# -- a token by password -----------------------------------------------------------------------


def test_a_wrong_password_makes_no_token(
    client: FlaskClient,
    store: Store,
    manager: Api,
    consortium_id: str,
    zeist: str,
    outbox: OutboxMailer,
) -> None:
    invite_officer(manager, consortium_id, zeist)
    accept(client, mailed_secret(store, outbox))

    response = new_token(client, password="not the password")

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_a_bearer_token_makes_no_token_by_password(manager: Api) -> None:
    response = manager.post("/api/v1/tokens", json={})

    assert response.status_code == 401


def test_an_account_that_failed_too_often_is_refused_even_with_its_password(
    client: FlaskClient,
    store: Store,
    manager: Api,
    consortium_id: str,
    zeist: str,
    outbox: OutboxMailer,
) -> None:
    invite_officer(manager, consortium_id, zeist)
    accept(client, mailed_secret(store, outbox))
    failures = [new_token(client, password=f"guess number {n}").status_code for n in range(21)]

    right = new_token(client)

    assert failures[:20] == [401] * 20
    assert failures[20] == 429
    assert right.status_code == 429
    assert int(right.headers["Retry-After"]) >= 1


def test_a_token_is_made_without_a_body(
    client: FlaskClient,
    store: Store,
    manager: Api,
    consortium_id: str,
    zeist: str,
    outbox: OutboxMailer,
) -> None:
    invite_officer(manager, consortium_id, zeist)
    accept(client, mailed_secret(store, outbox))

    response = client.post("/api/v1/tokens", headers=basic(OFFICER, PASSWORD))

    assert response.status_code == 201, response.get_data(as_text=True)
    assert json_of(response)["token"].startswith("cst_")


# -- deactivated accounts -----------------------------------------------------------------------


def deactivate(store: Store, email: str) -> None:
    account = store.accounts.find_account(email)
    assert account is not None
    store.accounts.change_account(
        account.id, caller=Caller.system("cli:test", "setup"), active=False
    )


def test_a_deactivated_account_is_not_invited(
    store: Store, manager: Api, consortium_id: str, zeist: str
) -> None:
    store.accounts.open_account(email=OFFICER, name=None, caller=Caller.system("cli:test", "setup"))
    deactivate(store, OFFICER)

    response = invite(manager, consortium_id, email=OFFICER, role="funder")

    assert response.status_code == 409
    assert "deactivated" in problem_of(response)["detail"]


def test_an_invitation_of_an_account_deactivated_since_is_gone(
    client: FlaskClient,
    store: Store,
    manager: Api,
    consortium_id: str,
    zeist: str,
    outbox: OutboxMailer,
) -> None:
    invite_officer(manager, consortium_id, zeist)
    secret = mailed_secret(store, outbox)
    deactivate(store, OFFICER)

    assert accept(client, secret).status_code == 410
