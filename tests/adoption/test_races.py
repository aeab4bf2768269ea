"""Races the store decides (two stores on one database stand for two processes; the race is
forced as in tests/store/test_concurrency.py): two first requests of one municipality at once,
and an approval meeting a decline."""

from __future__ import annotations

from uuid import UUID

import pytest

from consortium.adoption import AdoptionRequest, RequestDecided, RequestPending, RequestStatus
from events.bootstrap import Store
from tests.adoption.support import PM, officer, pilot
from tests.store.test_concurrency import let_other_write_first


def ask(store: Store, consortium_id: UUID) -> AdoptionRequest:
    return store.consortia.ask_to_adopt(
        consortium_id,
        party="Gemeente Houten",
        population=50_000,
        contact_email="a@houten.example",
        caller=officer("houten"),
    )


def test_of_two_first_requests_at_once_one_is_pending_and_the_other_refused(
    store: Store, other_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    solution = pilot(store.consortia)
    cid = solution.consortium_id
    let_other_write_first(
        store.consortia,
        monkeypatch,
        lambda: ask(other_store, cid),
    )
    with pytest.raises(RequestPending):
        ask(store, cid)
    requests = store.consortia.adoption_requests(cid, PM)
    assert [(r.party, r.status) for r in requests] == [("Gemeente Houten", RequestStatus.PENDING)]


def test_an_approval_that_meets_a_decline_is_refused_and_admits_no_one(
    store: Store, other_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    solution = pilot(store.consortia)
    cid = solution.consortium_id
    request = ask(store, cid)
    let_other_write_first(
        store.consortia,
        monkeypatch,
        lambda: other_store.consortia.decline_adoption(
            cid, request.id, reason="Past niet", caller=PM
        ),
    )
    with pytest.raises(RequestDecided):
        store.consortia.approve_adoption(cid, request.id, caller=PM)
    consortium = store.consortia.consortium(cid, PM)
    assert "Gemeente Houten" not in [m.party for m in consortium.members]
    assert store.consortia.key_versions(cid, PM) == []
