"""What an earlier release of the service stored stays readable after an upgrade: the tables
(named after each application), the events' topics and the transcodings keep their names."""

from __future__ import annotations

from events.bootstrap import Store
from events.caller import Caller
from events.consortia import ConsortiumApplication
from events.settings import StoreSettings
from tests.clock import StepClock
from tests.store.support import found


class ReleaseBeforeTheBaseClass(ConsortiumApplication):
    """The consortia application as released before commit 776d392: named "Consortia", so its
    events are in the tables ``consortia_events`` and ``consortia_snapshots``."""

    name = "Consortia"


def test_a_store_reads_the_consortia_an_earlier_release_stored(
    settings: StoreSettings, clock: StepClock, store: Store, caller: Caller
) -> None:
    earlier = ReleaseBeforeTheBaseClass(settings, clock)
    try:
        consortium_id = found(earlier, caller)
    finally:
        earlier.close()

    assert store.consortia.consortium(consortium_id, caller).id == consortium_id
