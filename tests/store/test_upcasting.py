"""Events are never changed once stored; when an event class changes shape, the events stored
in the old shape are upcast as they are read (the library's ``class_version`` and
``upcast_vN_vN+1``).

The scenario: ``MemberAdmitted`` version 1 named the party ``organisation`` and had no
``population``; version 2 (patched into the class for the test) names it ``party`` and has a
population. An event of version 1 is written into the store as it was stored back then.
"""

from __future__ import annotations

import inspect
import json
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent

from consortium.accounts import Account, ApiToken
from consortium.aggregate import Consortium
from consortium.cause import Cause
from consortium.members import MemberRole, Sector
from events.bootstrap import Store
from events.caller import Caller
from tests.clock import StepClock
from tests.store.conftest import OpenStore
from tests.store.support import admit

ADMITTED = Consortium.MemberAdmitted


def upcast_v1_v2(state: dict[str, Any]) -> None:
    """MemberAdmitted v1 → v2: ``organisation`` became ``party``; ``population`` was added."""
    state["party"] = state.pop("organisation")
    state.setdefault("population", None)


@pytest.fixture
def version_2(monkeypatch: pytest.MonkeyPatch) -> None:
    """MemberAdmitted as it would be after the change: class version 2, with its upcaster."""
    monkeypatch.setattr(ADMITTED, "class_version", 2)
    monkeypatch.setattr(ADMITTED, "upcast_v1_v2", staticmethod(upcast_v1_v2), raising=False)


def state_of(stored: StoredEvent) -> dict[str, Any]:
    state: dict[str, Any] = json.loads(stored.state)
    return state


@pytest.fixture
def stored_at_version_1(
    store: Store, consortium_id: UUID, caller: Caller, clock: StepClock
) -> UUID:
    """The consortium with a MemberAdmitted event (version 3) in the shape of version 1."""
    consortia = store.consortia
    consortium: Consortium = consortia.repository.get(consortium_id)
    consortium.admit_member(
        party="Gemeente Utrecht",
        sector=Sector.MUNICIPALITY,
        role=MemberRole.LEAD,
        cause=Cause(actor=caller.actor, request_id="req-v1", at=clock()),
    )
    (event,) = consortium.collect_events()
    current = consortia.mapper.to_stored_event(event)
    old = state_of(current)
    old["organisation"] = old.pop("party")
    del old["population"]
    consortia.recorder.insert_events(
        [
            StoredEvent(
                originator_id=current.originator_id,
                originator_version=current.originator_version,
                topic=current.topic,
                state=json.dumps(old).encode(),
            )
        ]
    )
    return consortium_id


def test_an_event_stored_in_an_older_shape_is_upcast_as_it_is_read(
    stored_at_version_1: UUID, version_2: None, open_another_store: OpenStore, caller: Caller
) -> None:
    reread = open_another_store().consortia.consortium(stored_at_version_1, caller)

    assert [(m.party, m.population) for m in reread.members] == [("Gemeente Utrecht", None)]


def test_without_its_upcaster_an_event_of_an_older_shape_cannot_be_read(
    stored_at_version_1: UUID, open_another_store: OpenStore, caller: Caller
) -> None:
    """The proof that the event above really was stored in the older shape."""
    with pytest.raises(AttributeError, match="party"):
        open_another_store().consortia.consortium(stored_at_version_1, caller)


def test_an_event_of_a_class_version_above_one_is_stored_with_its_version(
    store: Store, consortium_id: UUID, caller: Caller, version_2: None
) -> None:
    admit(store.consortia, consortium_id, "Gemeente Zeist", caller)

    (stored,) = store.consortia.recorder.select_events(consortium_id, gt=2)
    assert state_of(stored)["class_version"] == 2


def test_an_event_stored_at_the_current_version_is_not_upcast_again(
    store: Store,
    consortium_id: UUID,
    caller: Caller,
    version_2: None,
    open_another_store: OpenStore,
) -> None:
    """Upcasting it again would fail: a version 2 event has no ``organisation``."""
    admit(store.consortia, consortium_id, "Gemeente Zeist", caller)

    reread = open_another_store().consortia.consortium(consortium_id, caller)

    assert [m.party for m in reread.members] == ["Gemeente Zeist"]


def event_classes() -> list[type[Any]]:
    """Every event class the aggregates of the domain record (not the library's bases)."""
    found: dict[str, type[Any]] = {}
    for aggregate in (Consortium, Account, ApiToken):
        for name, member in inspect.getmembers(aggregate, inspect.isclass):
            if issubclass(member, Aggregate.Event) and name not in ("Event", "Created"):
                found[member.__qualname__] = member
    return [found[name] for name in sorted(found)]


@pytest.mark.parametrize("event_class", event_classes(), ids=lambda c: c.__qualname__)
def test_every_event_class_carries_a_class_version(event_class: type[Any]) -> None:
    assert isinstance(event_class.class_version, int)
