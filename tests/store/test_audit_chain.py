"""The audit chain on each backend: written with the events, recomputed by verification, and
every kind of tampering with the tables (an edited, deleted or inserted row) named."""

from __future__ import annotations

import threading
from decimal import Decimal
from uuid import UUID, uuid4

import pytest

from consortium.ledger import ContributionKind
from consortium.members import MemberRole, Sector
from consortium.money import Money
from events.audit.chain import GENESIS, event_digest, id_hex, next_link
from events.audit.verify import ALTERED, CHECKPOINT, MISSING, UNLINKED, ChainReport
from events.bootstrap import Store, migrate
from events.caller import Caller
from events.consortia import may_manage
from events.settings import StoreSettings
from tests.backends import notification_id_column, run_sql
from tests.store.support import found


def contribute(store: Store, consortium_id: UUID, caller: Caller, amount: str) -> None:
    member = store.consortia.admit_member(
        consortium_id,
        party=f"Gemeente {uuid4().hex[:8]}",
        sector=Sector.MUNICIPALITY,
        role=MemberRole.PARTNER,
        contact_email=None,
        population=None,
        caller=caller,
    )
    store.consortia.log_contribution(
        consortium_id,
        member_id=member.id,
        kind=ContributionKind.CASH,
        amount=Money(Decimal(amount)),
        on=store.consortia.today(),
        year=None,
        reference=None,
        hours=None,
        rate=None,
        caller=caller,
    )


def consortia_report(store: Store) -> ChainReport:
    return next(r for r in store.audit.verify() if r.application == "consortia")


def events_of(settings: StoreSettings, consortium_id: UUID) -> list[tuple[int, int]]:
    """(notification id, version) of the consortium's events, in order."""
    nid = notification_id_column(settings)
    rows = run_sql(
        settings,
        f"SELECT {nid}, originator_version FROM consortia_events "  # noqa: S608
        f"WHERE originator_id = ? ORDER BY {nid}",
        (consortium_id if settings.is_postgres else consortium_id.hex,),
    )
    return [(int(r[0]), int(r[1])) for r in rows]


@pytest.fixture
def consortium_id(store: Store, caller: Caller) -> UUID:
    consortium_id = found(store.consortia, caller)
    contribute(store, consortium_id, caller, "1250.00")
    contribute(store, consortium_id, caller, "80.50")
    return consortium_id


def test_an_intact_store_verifies(
    store: Store, settings: StoreSettings, consortium_id: UUID
) -> None:
    admin = Caller(actor="admin@consortium.example", request_id="req-admin", is_admin=True)
    store.accounts.open_account(email="funder@provincie.example", name="Funder", caller=admin)

    reports = store.audit.verify()

    assert [(r.application, r.intact) for r in reports] == [("consortia", True), ("accounts", True)]
    assert [r.events for r in reports] == [
        run_sql(settings, f"SELECT COUNT(*) FROM {name}_events")[0][0]  # noqa: S608
        for name in ("consortia", "accounts")
    ]


def test_each_link_follows_the_one_before(
    store: Store, settings: StoreSettings, consortium_id: UUID
) -> None:
    nid = notification_id_column(settings)
    events = run_sql(
        settings,
        f"SELECT originator_id, originator_version, topic, state FROM consortia_events "  # noqa: S608
        f"ORDER BY {nid}",
    )
    links = run_sql(settings, "SELECT link FROM consortia_chain ORDER BY notification_id")
    previous = GENESIS
    for (oid, version, topic, state), (link,) in zip(events, links, strict=True):
        previous = next_link(previous, event_digest(topic, id_hex(oid), version, bytes(state)))
        assert bytes(link) == previous


def test_an_edited_state_is_named(
    store: Store, settings: StoreSettings, consortium_id: UUID
) -> None:
    nid, version = events_of(settings, consortium_id)[-1]  # the contribution of 80.50
    run_sql(
        settings,
        f"UPDATE consortia_events SET state = ? WHERE {notification_id_column(settings)} = ?",  # noqa: S608
        (_edited_state(settings, nid), nid),
    )

    broken = consortia_report(store).broken

    assert broken is not None
    assert (broken.problem, broken.notification_id) == (ALTERED, nid)
    assert (broken.originator_id, broken.originator_version) == (consortium_id, version)
    assert broken.consortium_id == consortium_id


def _edited_state(settings: StoreSettings, nid: int) -> bytes:
    column = notification_id_column(settings)
    state = bytes(
        run_sql(settings, f"SELECT state FROM consortia_events WHERE {column} = ?", (nid,))[0][0]  # noqa: S608
    )
    edited = state.replace(b"80.50", b"8.50")
    assert edited != state
    return edited


def test_a_deleted_event_is_named(
    store: Store, settings: StoreSettings, consortium_id: UUID
) -> None:
    nid, version = events_of(settings, consortium_id)[2]
    run_sql(
        settings,
        f"DELETE FROM consortia_events WHERE {notification_id_column(settings)} = ?",  # noqa: S608
        (nid,),
    )

    broken = consortia_report(store).broken

    assert broken is not None
    assert (broken.problem, broken.notification_id) == (MISSING, nid)
    assert (broken.originator_id, broken.originator_version) == (consortium_id, version)
    assert broken.consortium_id == consortium_id


def test_an_inserted_event_is_named(
    store: Store, settings: StoreSettings, consortium_id: UUID
) -> None:
    column = notification_id_column(settings)
    last, version = events_of(settings, consortium_id)[-1]
    copy = (
        "INSERT INTO consortia_events (originator_id, originator_version, topic, state) "  # noqa: S608
        f"SELECT originator_id, ?, topic, state FROM consortia_events WHERE {column} = ?"
    )
    run_sql(settings, copy, (version + 1, last))

    broken = consortia_report(store).broken

    assert broken is not None
    assert broken.problem == UNLINKED
    assert (broken.originator_id, broken.originator_version) == (consortium_id, version + 1)
    assert broken.consortium_id == consortium_id


def test_links_rewritten_with_an_edited_event_are_caught_by_the_checkpoint(
    store: Store, settings: StoreSettings, consortium_id: UUID
) -> None:
    checkpoint = store.audit.sign_checkpoint("consortia")
    assert checkpoint is not None
    nid, _ = events_of(settings, consortium_id)[-1]
    column = notification_id_column(settings)
    run_sql(
        settings,
        f"UPDATE consortia_events SET state = ? WHERE {column} = ?",  # noqa: S608
        (_edited_state(settings, nid), nid),
    )
    _rewrite_links(settings)

    broken = consortia_report(store).broken

    assert broken is not None
    assert (broken.problem, broken.notification_id) == (CHECKPOINT, checkpoint.notification_id)


def _rewrite_links(settings: StoreSettings) -> None:
    """What an intruder who knows the chain would do: recompute every link after an edit."""
    column = notification_id_column(settings)
    rows = run_sql(
        settings,
        f"SELECT {column}, originator_id, originator_version, topic, state "  # noqa: S608
        f"FROM consortia_events ORDER BY {column}",
    )
    previous = GENESIS
    for nid, oid, version, topic, state in rows:
        previous = next_link(previous, event_digest(topic, id_hex(oid), version, bytes(state)))
        run_sql(
            settings,
            "UPDATE consortia_chain SET link = ? WHERE notification_id = ?",
            (previous, nid),
        )


def test_no_checkpoint_is_signed_over_a_tampered_tail(
    store: Store, settings: StoreSettings, consortium_id: UUID, caller: Caller
) -> None:
    first = store.audit.sign_checkpoint("consortia")
    contribute(store, consortium_id, caller, "80.50")
    nid, _ = events_of(settings, consortium_id)[-1]
    run_sql(
        settings,
        f"UPDATE consortia_events SET state = ? WHERE {notification_id_column(settings)} = ?",  # noqa: S608
        (_edited_state(settings, nid), nid),
    )

    assert store.audit.sign_checkpoint("consortia") == first


def test_events_recorded_before_the_chain_are_chained_by_migrate(
    store: Store, settings: StoreSettings, consortium_id: UUID
) -> None:
    run_sql(settings, "DROP TABLE consortia_chain")

    migrate(settings)

    report = consortia_report(store)
    assert report.intact
    assert report.events == len(run_sql(settings, "SELECT 1 FROM consortia_events"))


def test_writers_at_once_extend_one_chain(store: Store, caller: Caller) -> None:
    def found_some() -> None:
        for _ in range(5):
            found(store.consortia, caller, name=f"Samen {uuid4().hex[:6]}")

    writers = [threading.Thread(target=found_some) for _ in range(4)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()

    report = consortia_report(store)
    assert report.intact
    assert report.events == 40  # 20 consortia of 2 events each


def test_a_save_of_many_events_at_once_is_linked_as_one_of_a_few(
    store: Store, settings: StoreSettings, consortium_id: UUID, caller: Caller
) -> None:
    """On PostgreSQL a save of up to 32 events is linked in one statement, a longer one in
    two (the tests above make saves of a few); either way the chain holds."""
    store.consortia.act_on(
        consortium_id,
        caller,
        may_manage,
        lambda consortium, cause: [
            consortium.admit_member(
                party=f"Gemeente {n}",
                sector=Sector.MUNICIPALITY,
                role=MemberRole.PARTNER,
                contact_email=None,
                population=None,
                joined_on=None,
                province=None,
                cause=cause,
            )
            for n in range(40)
        ],
    )
    contribute(store, consortium_id, caller, "12.00")  # a short save after the long one

    report = consortia_report(store)

    assert report.intact, report.broken
    assert len(events_of(settings, consortium_id)) >= 45
