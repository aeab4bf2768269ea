"""Two processes accept one invitation at the same moment: one sets the password, the other is
told the invitation was used (two stores on one database stand for the two processes; the race
is forced as in test_concurrency)."""

from __future__ import annotations

from typing import Final
from uuid import UUID

import pytest

from consortium.access import Role
from consortium.invitations import InvitationGone
from events.bootstrap import Store
from events.caller import Caller
from events.invitations import invitation_token
from events.secret_key import service_secret
from tests.store.test_concurrency import let_other_write_first

OFFICER: Final = "officer@zeist.example"


def test_of_two_accepts_at_once_one_sets_the_password_and_the_other_is_gone(
    store: Store,
    other_store: Store,
    consortium_id: UUID,
    caller: Caller,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    invitation = store.invitations.invite(
        consortium_id, email=OFFICER, role=Role.FUNDER, member_id=None, caller=caller
    )
    secret = invitation_token(invitation.id, service_secret())
    let_other_write_first(
        store.consortia,
        monkeypatch,
        lambda: other_store.invitations.accept(secret, "the first password", request_id="b"),
    )

    with pytest.raises(InvitationGone, match="used already"):
        store.invitations.accept(secret, "the second password", request_id="a")

    assert store.accounts.check_password(OFFICER, "the first password") is not None
    assert store.accounts.check_password(OFFICER, "the second password") is None
