"""Invitations: used once, within seven days of the cause that made them, while their role is in
force; their mail claimed by one worker at a time and sent once. No clock, no store."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID, uuid4

import pytest

from consortium.access import Role
from consortium.invitations import (
    MAIL_LEASE,
    VALIDITY,
    Invitation,
    InvitationGone,
    InvitationStatus,
    MailClaimedElsewhere,
)
from tests.domain.support import START, cause, recorded

DIGEST = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
MINUTES_OF_VALIDITY = VALIDITY.total_seconds() / 60
OFFICER = "Officer@Zeist.Example"


def invite(minutes: float = 0, member_id: UUID | None = None) -> Invitation:
    return Invitation.invite(
        invitation_id=uuid4(),
        consortium_id=uuid4(),
        digest=DIGEST,
        email=OFFICER,
        role=Role.MEMBER_REPRESENTATIVE,
        member_id=member_id or uuid4(),
        grant_id=uuid4(),
        cause=cause(minutes),
    )


# -- making one ---------------------------------------------------------------------------------


def test_an_invitation_expires_seven_days_after_the_cause_that_made_it() -> None:
    assert invite(minutes=30).expires_at == START + timedelta(minutes=30) + timedelta(days=7)


def test_an_invitation_keeps_the_email_in_lower_case() -> None:
    assert invite().email == "officer@zeist.example"


def test_an_invitation_records_who_invited() -> None:
    assert invite().invited_by == "pm@utrecht.example"


def test_an_invitation_knows_its_secret_only_by_the_digest_given() -> None:
    invitation = invite()
    (made,) = recorded(invitation)

    assert invitation.digest == DIGEST
    assert isinstance(made, Invitation.Invited)
    assert made.digest == DIGEST


def test_a_new_invitation_is_pending() -> None:
    assert invite().status_at(START, role_in_force=True) is InvitationStatus.PENDING


# -- using it -----------------------------------------------------------------------------------


def test_accepting_records_that_it_was_used() -> None:
    invitation = invite()
    recorded(invitation)

    invitation.accept(role_in_force=True, cause=cause(60))

    assert [type(e) for e in recorded(invitation)] == [Invitation.Accepted]
    assert invitation.status_at(START, role_in_force=True) is InvitationStatus.ACCEPTED


def test_an_invitation_is_used_once() -> None:
    invitation = invite()
    invitation.accept(role_in_force=True, cause=cause(60))
    recorded(invitation)

    with pytest.raises(InvitationGone, match="used already"):
        invitation.accept(role_in_force=True, cause=cause(61))
    assert recorded(invitation) == []


def test_an_invitation_works_until_just_before_it_expires() -> None:
    invitation = invite()

    invitation.accept(role_in_force=True, cause=cause(MINUTES_OF_VALIDITY - 1))

    assert invitation.accepted_at is not None


def test_an_invitation_cannot_be_used_once_seven_days_have_passed() -> None:
    invitation = invite()

    with pytest.raises(InvitationGone, match="expired"):
        invitation.accept(role_in_force=True, cause=cause(MINUTES_OF_VALIDITY))


def test_an_invitation_whose_role_was_revoked_cannot_be_used() -> None:
    invitation = invite()

    with pytest.raises(InvitationGone, match="withdrawn"):
        invitation.accept(role_in_force=False, cause=cause(60))
    assert invitation.status_at(START, role_in_force=False) is InvitationStatus.WITHDRAWN


def test_an_expired_invitation_says_so_until_it_was_used() -> None:
    used, unused = invite(), invite()
    used.accept(role_in_force=True, cause=cause(1))
    later = START + VALIDITY + timedelta(days=1)

    assert used.status_at(later, role_in_force=True) is InvitationStatus.ACCEPTED
    assert unused.status_at(later, role_in_force=True) is InvitationStatus.EXPIRED


# -- its mail -----------------------------------------------------------------------------------


def test_the_first_worker_claims_the_mail() -> None:
    invitation = invite()

    assert invitation.claim_mail("worker-1", role_in_force=True, cause=cause(1)) is True
    assert invitation.mail_claim == "worker-1"


def test_another_worker_cannot_claim_the_mail_within_the_lease() -> None:
    invitation = invite()
    invitation.claim_mail("worker-1", role_in_force=True, cause=cause(1))

    with pytest.raises(MailClaimedElsewhere):
        invitation.claim_mail("worker-2", role_in_force=True, cause=cause(2))


def test_another_worker_takes_the_mail_over_once_the_lease_ran_out() -> None:
    invitation = invite()
    invitation.claim_mail("worker-1", role_in_force=True, cause=cause(1))
    after_lease = 1 + MAIL_LEASE.total_seconds() / 60

    assert invitation.claim_mail("worker-2", role_in_force=True, cause=cause(after_lease))


def test_the_same_worker_may_claim_again_after_a_failure() -> None:
    invitation = invite()
    invitation.claim_mail("task-1", role_in_force=True, cause=cause(1))
    invitation.mail_failed(error="mail server unreachable", cause=cause(2))

    assert invitation.claim_mail("task-1", role_in_force=True, cause=cause(3)) is True
    assert invitation.mail_error == "mail server unreachable"


def test_a_failure_keeps_others_waiting_for_the_lease() -> None:
    invitation = invite()
    invitation.claim_mail("task-1", role_in_force=True, cause=cause(1))
    invitation.mail_failed(error="mail server unreachable", cause=cause(2))

    with pytest.raises(MailClaimedElsewhere):
        invitation.claim_mail("task-2", role_in_force=True, cause=cause(3))


def test_a_mail_sent_is_not_claimed_again() -> None:
    invitation = invite()
    invitation.claim_mail("worker-1", role_in_force=True, cause=cause(1))
    invitation.mail_delivered(message_id="<m@consortium>", cause=cause(2))
    after_lease = 2 + MAIL_LEASE.total_seconds() / 60

    assert invitation.claim_mail("worker-2", role_in_force=True, cause=cause(after_lease)) is False


def test_a_mail_is_recorded_as_sent_once() -> None:
    invitation = invite()
    invitation.mail_delivered(message_id="<m@consortium>", cause=cause(1))
    recorded(invitation)

    invitation.mail_delivered(message_id="<m@consortium>", cause=cause(2))

    assert recorded(invitation) == []


@pytest.mark.parametrize(
    ("minutes", "role_in_force"),
    [(MINUTES_OF_VALIDITY, True), (1, False)],
    ids=["expired", "withdrawn"],
)
def test_no_mail_is_claimed_for_an_invitation_that_cannot_be_used(
    minutes: float, role_in_force: bool
) -> None:
    invitation = invite()

    assert invitation.claim_mail("w", role_in_force=role_in_force, cause=cause(minutes)) is False


def test_no_mail_is_claimed_for_an_invitation_used_already() -> None:
    invitation = invite()
    invitation.accept(role_in_force=True, cause=cause(1))

    assert invitation.claim_mail("w", role_in_force=True, cause=cause(2)) is False


def test_a_long_mail_error_is_cut_short() -> None:
    invitation = invite()

    invitation.mail_failed(error="x" * 10_000, cause=cause(1))

    assert invitation.mail_error is not None
    assert len(invitation.mail_error) == 500
