"""The welcome mail of an approved adopter, through the real store (SQLite and PostgreSQL):
sent once to the account that asked, saying its first checkpoint and the first year it shares;
a failure recorded and tried again by a later scan; a request still pending gets none."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from consortium.adoption import AdoptionRequest
from events.bootstrap import Store
from tests.adoption.support import PM, Pilot, officer, pilot
from tests.clock import StepClock
from tests.workers.support import RecordingMailer, text_parts
from workers.welcome_delivery import deliver_welcome, send_welcomes

OFFICER = "officer@houten.example"


@pytest.fixture
def solution(store: Store, clock: StepClock) -> Pilot:
    made = pilot(store.consortia)
    clock.advance(datetime(2026, 9, 1, 9, tzinfo=UTC) - clock.peek())
    return made


def ask(store: Store, solution: Pilot) -> AdoptionRequest:
    return store.consortia.ask_to_adopt(
        solution.consortium_id,
        party="Gemeente Houten",
        population=50_000,
        contact_email=OFFICER,
        caller=officer("houten"),
    )


def test_an_approved_adopter_is_welcomed_once(store: Store, solution: Pilot) -> None:
    request = ask(store, solution)
    store.consortia.approve_adoption(solution.consortium_id, request.id, caller=PM)
    mailer = RecordingMailer()

    first = send_welcomes(store, mailer)
    second = send_welcomes(store, mailer)

    assert (first, second) == ([(request.id, True)], [])
    assert [m["To"] for m in mailer.sent] == [OFFICER]


def test_the_welcome_says_the_first_checkpoint_and_the_first_year_of_sharing(
    store: Store, solution: Pilot
) -> None:
    request = ask(store, solution)
    store.consortia.approve_adoption(solution.consortium_id, request.id, caller=PM)
    mailer = RecordingMailer()
    send_welcomes(store, mailer)
    text = text_parts(mailer.sent[0])["text/plain"]
    assert mailer.sent[0]["Subject"] == "Welkom bij Digitaal ondernemersloket"
    assert "Het loket werkt (Gemeente Houten), op 01-12-2026" in text
    assert "Vanaf 2027 deelt Gemeente Houten mee in de kosten" in text
    assert "Your first validation checkpoint" in text


def test_a_pending_request_gets_no_welcome(store: Store, solution: Pilot) -> None:
    ask(store, solution)
    assert send_welcomes(store, RecordingMailer()) == []


class Refusing:
    def send(self, message: object) -> None:
        raise ConnectionRefusedError("the mail server is down")


def test_a_failed_welcome_is_recorded_and_sent_by_a_later_scan(
    store: Store, solution: Pilot
) -> None:
    request = ask(store, solution)
    store.consortia.approve_adoption(solution.consortium_id, request.id, caller=PM)
    with pytest.raises(ConnectionRefusedError):
        deliver_welcome(store, Refusing(), request.id, claim="first")
    again = deliver_welcome(store, RecordingMailer(), request.id, claim="first")
    assert again is True
    assert store.consortia.welcomes_to_send() == []
