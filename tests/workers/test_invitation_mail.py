"""Sending invitation mails, through the real store (SQLite and PostgreSQL) and a real SMTP
server: sent once, a failure recorded and retried by the same claim while others wait, nothing
sent for a mail another worker holds; and by real Celery workers, from the beat's scan task."""

from __future__ import annotations

import smtplib
from uuid import UUID

import pytest
import redis

from consortium.access import Role
from consortium.invitations import MAIL_LEASE
from events.bootstrap import Store, open_store
from events.caller import Caller
from events.readmodel.side import StaleReadModel
from events.settings import StoreSettings
from tests.clock import StepClock
from tests.workers.celery_support import REDIS_URL, Workers, settled
from tests.workers.support import (
    RecordingMailer,
    SmtpSink,
    found_with_people,
    text_parts,
    wait_until,
)
from workers.invitation_delivery import deliver_invitation, send_invitations
from workers.mail import SmtpMailer
from workers.tasks import scan_invitation_mails

OFFICER = "officer@hu.example"


def invite(store: Store, caller: Caller) -> UUID:
    """Invite an officer to represent the partner (a university) of a new consortium."""
    consortium_id, _, partner_id = found_with_people(store, caller)
    invitation = store.invitations.invite(
        consortium_id,
        email=OFFICER,
        role=Role.MEMBER_REPRESENTATIVE,
        member_id=partner_id,
        caller=caller,
    )
    return invitation.id


@pytest.fixture
def invitation_id(store: Store, caller: Caller) -> UUID:
    return invite(store, caller)


def test_a_scan_finds_a_new_invitation_and_sends_its_mail_once(
    store: Store, invitation_id: UUID
) -> None:
    mailer = RecordingMailer()

    first = send_invitations(store, mailer)
    second = send_invitations(store, mailer)

    assert first == [(invitation_id, True)]
    assert second == []
    assert [m["To"] for m in mailer.sent] == [OFFICER]
    assert store.consortia.invitation(invitation_id).mail_sent_at is not None


def test_a_refused_mail_is_recorded_and_sent_by_the_same_claim_next_time(
    store: Store, invitation_id: UUID, sink: SmtpSink, smtp_port: int
) -> None:
    sink.refuse = 1
    mailer = SmtpMailer(f"smtp://127.0.0.1:{smtp_port}")

    with pytest.raises(smtplib.SMTPException):
        deliver_invitation(store, mailer, invitation_id, claim="task-1")
    failed = store.consortia.invitation(invitation_id)
    retried = deliver_invitation(store, mailer, invitation_id, claim="task-1")

    assert failed.mail_error == "mail server refused (451)"
    assert retried is True
    assert [m["To"] for m in sink.accepted] == [OFFICER]


def test_a_mail_another_worker_holds_is_not_sent_again(store: Store, invitation_id: UUID) -> None:
    mailer = RecordingMailer()
    store.invitations.claim_mail(invitation_id, "worker-1")

    sent = deliver_invitation(store, mailer, invitation_id, claim="worker-2")

    assert sent is False
    assert mailer.sent == []


def test_a_worker_that_finds_the_read_model_behind_claims_nothing(
    store: Store, clock: StepClock, invitation_id: UUID
) -> None:
    """Its retry finds the log as it was: no claim was recorded for the read model to apply."""
    # A worker beside a projection process that is not running: the invitation's last event
    # (written by ``store``, which read nothing since) is not in the read model.
    worker = open_store(store.settings, clock, may_lead=False)
    try:
        head = worker.read.follower.head()
        with pytest.raises(StaleReadModel):
            deliver_invitation(worker, RecordingMailer(), invitation_id, claim="task-1")
        head_after = worker.read.follower.head()
    finally:
        worker.close()

    assert head_after == head
    assert store.consortia.invitation(invitation_id).mail_claim is None


def test_a_mail_another_worker_lost_is_sent_after_its_lease(
    store: Store, clock: StepClock, invitation_id: UUID
) -> None:
    mailer = RecordingMailer()
    store.invitations.claim_mail(invitation_id, "worker-1")
    clock.advance(MAIL_LEASE)

    found = send_invitations(store, mailer)

    assert found == [(invitation_id, True)]


def test_the_mail_names_the_member_and_the_inviter(store: Store, invitation_id: UUID) -> None:
    mailer = RecordingMailer()

    send_invitations(store, mailer)
    (message,) = mailer.sent

    assert "vertegenwoordiger van Hogeschool Utrecht" in text_parts(message)["text/plain"]
    assert "pm@utrecht.example nodigt u uit" in text_parts(message)["text/plain"]


# -- real Celery workers --------------------------------------------------------------------------


def test_the_beat_scan_hands_an_invitation_to_a_worker_that_sends_it(
    workers: Workers,
    queue: str,
    sink: SmtpSink,
    redis_client: redis.Redis,
    worker_database: StoreSettings,
    caller: Caller,
) -> None:
    store = open_store(worker_database)
    try:
        invitation_id = invite(store, caller)
    finally:
        store.close()
    worker = workers.start()

    with scan_invitation_mails.app.connection_for_write(REDIS_URL) as connection:
        scan_invitation_mails.apply_async(queue=queue, connection=connection)

    assert wait_until(lambda: len(sink.accepted) >= 1), worker.log
    assert wait_until(lambda: settled(redis_client, queue)), worker.log
    assert [m["To"] for m in sink.accepted] == [OFFICER]
    store = open_store(worker_database)
    try:
        assert store.consortia.invitation(invitation_id).mail_sent_at is not None
    finally:
        store.close()
