"""An event the read model cannot apply stops nothing: it is noted as failed, in the transaction
that tracks the position past it, and every other event is applied. A failing database skips
nothing. After a fix, a retry applies the failed events, as a rebuild would.

The defect this guards against: on PostgreSQL one consortium named with a NUL character made
every list answer 503 for everyone, for good ("text fields cannot contain NUL").
"""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

import pytest
from eventsourcing.persistence import Notification
from eventsourcing.utils import TopicError

from consortium.money import Money
from events.bootstrap import Store
from events.readmodel.follower import Follower
from events.readmodel.recorders import Tx
from tests.readmodel.faults import DATABASE_ERRORS, POISONED, Faults, admit, found, noted
from tests.readmodel.support import SYSTEM, dump, portfolio_all
from tests.readmodel.test_exactly_once import Crash, CrashOnTracking, contribute, received_cash


@pytest.fixture
def faults(store: Store, monkeypatch: pytest.MonkeyPatch) -> Faults:
    faults = Faults(store, monkeypatch)
    faults.refuse_nul()
    return faults


def names(store: Store) -> list[str]:
    return [row.name for row in portfolio_all(store)]


def pledge(store: Store, consortium_id: UUID, member_id: UUID, amount: str) -> None:
    store.consortia.pledge(
        consortium_id,
        member_id=member_id,
        year=2027,
        amount=Money(Decimal(amount)),
        reason=None,
        caller=SYSTEM,
    )


def test_an_event_the_database_refuses_is_skipped_and_the_others_are_applied(
    store: Store, follower: Follower, faults: Faults
) -> None:
    found(store, "Eerste")
    found(store, POISONED)
    found(store, "Derde")

    follower.catch_up()

    assert follower.position() == follower.head()
    assert names(store) == ["Eerste", "Derde"]


def test_the_note_says_which_event_of_which_consortium_failed_and_why(
    store: Store, follower: Follower, faults: Faults
) -> None:
    before = follower.head()
    poisoned = found(store, POISONED)
    (founded,) = store.consortia.recorder.select_notifications(
        start=before, limit=1, inclusive_of_start=False
    )

    follower.catch_up()

    (failure,) = noted(store)
    assert (failure.notification_id, failure.originator_id, failure.event_type) == (
        founded.id,
        poisoned,
        "Founded",
    )
    assert (failure.originator_version, failure.attempts) == (1, 1)
    assert failure.error_class.endswith("DataError")
    assert "NUL" in failure.error_message


def test_events_after_a_failed_one_are_applied(
    store: Store, follower: Follower, faults: Faults
) -> None:
    good = found(store, "Eerste")
    found(store, POISONED)
    follower.catch_up()

    admit(store, good)
    found(store, "Later")
    follower.catch_up()

    rows = {row.name: row for row in portfolio_all(store)}
    assert (sorted(rows), rows["Eerste"].active_members) == (["Eerste", "Later"], 1)


def test_a_failed_event_in_the_middle_of_a_batch_leaves_the_rest_of_the_batch_applied(
    store: Store, follower: Follower, faults: Faults
) -> None:
    first = found(store, "Eerste")
    admit(store, first)
    follower.catch_up()
    cash = received_cash(store, first)
    contribute(store, first, "10.00")
    found(store, POISONED)
    contribute(store, first, "20.00")
    found(store, "Derde")

    follower.catch_up()  # one batch: the four events above

    assert received_cash(store, first) == cash + Money(Decimal("30.00"))
    assert (names(store), len(noted(store))) == (["Eerste", "Derde"], 1)


def test_a_failed_event_is_noted_once_however_often_the_log_is_followed(
    store: Store, follower: Follower, faults: Faults
) -> None:
    found(store, POISONED)
    for n in range(3):
        follower.catch_up()
        found(store, f"Daarna {n}")
    follower.catch_up()

    assert [f.attempts for f in noted(store)] == [1]


def test_an_error_raised_while_applying_an_event_is_noted_like_a_refusal(
    store: Store, follower: Follower, faults: Faults
) -> None:
    faults.fail_on("Kapot BV", KeyError("party_key"))
    consortium_id = found(store, "Eerste")
    admit(store, consortium_id, "Kapot BV")
    found(store, "Tweede")

    follower.catch_up()

    (failure,) = noted(store)
    assert (failure.event_type, failure.error_class) == ("MemberAdmitted", "KeyError")
    assert names(store) == ["Eerste", "Tweede"]


def test_a_row_the_database_refuses_fails_that_event_only(
    store: Store, follower: Follower, faults: Faults
) -> None:
    faults.break_a_constraint_on("Kapot BV")
    consortium_id = found(store, "Eerste")
    admit(store, consortium_id, "Kapot BV")
    found(store, "Tweede")

    follower.catch_up()

    (failure,) = noted(store)
    assert (failure.event_type, failure.error_class.rpartition(".")[2]) == (
        "MemberAdmitted",
        "NotNullViolation" if store.settings.is_postgres else "IntegrityError",
    )
    assert names(store) == ["Eerste", "Tweede"]


def test_an_event_that_cannot_be_read_is_noted_like_any_failure(
    store: Store, follower: Follower, faults: Faults, monkeypatch: pytest.MonkeyPatch
) -> None:
    """E.g. an event whose class a new release no longer has, and no upcaster maps."""
    unreadable = found(store, "Onleesbaar")
    found(store, "Leesbaar")
    mapper = store.consortia.mapper
    read = mapper.to_domain_event

    def read_but_one(stored: Notification) -> object:
        if stored.originator_id == unreadable:
            raise TopicError(f"{stored.topic} is gone")
        return read(stored)

    monkeypatch.setattr(mapper, "to_domain_event", read_but_one)

    follower.catch_up()

    assert {f.error_class for f in noted(store)} == {"eventsourcing.utils.TopicError"}
    assert names(store) == ["Leesbaar"]


def test_a_crash_before_tracking_leaves_no_note_and_the_next_round_notes_the_failure_once(
    store: Store, follower: Follower, faults: Faults, monkeypatch: pytest.MonkeyPatch
) -> None:
    found(store, "Eerste")
    found(store, POISONED)
    done = follower.position()
    CrashOnTracking(store, monkeypatch)

    with pytest.raises(Crash):
        follower.catch_up()
    assert (follower.position(), noted(store)) == (done, [])

    follower.catch_up()
    assert [f.attempts for f in noted(store)] == [1]
    assert follower.position() == follower.head()


def test_a_database_that_fails_skips_nothing(
    store: Store, follower: Follower, faults: Faults
) -> None:
    found(store, "Eerste")
    follower.catch_up()
    done = follower.position()
    faults.lock_timeout_on("Tweede")
    found(store, "Tweede")

    with pytest.raises(DATABASE_ERRORS) as failed:
        follower.catch_up()

    assert "lock" in str(failed.value)
    assert (follower.position(), noted(store)) == (done, [])
    faults.clear()
    follower.catch_up()
    assert names(store) == ["Eerste", "Tweede"]


def test_a_missing_table_is_the_databases_failure_and_skips_nothing(
    store: Store, follower: Follower, faults: Faults
) -> None:
    found(store, "Eerste")
    follower.catch_up()
    done = follower.position()
    rename(store, "rm_consortia", "rm_consortia_away")
    found(store, "Tweede")

    with pytest.raises(DATABASE_ERRORS):
        follower.catch_up()

    assert (follower.position(), noted(store)) == (done, [])
    rename(store, "rm_consortia_away", "rm_consortia")
    follower.catch_up()
    assert names(store) == ["Eerste", "Tweede"]


def rename(store: Store, table: str, to: str) -> None:
    with store.read.view.transaction(commit=True) as tx:
        tx.execute(f"ALTER TABLE {{t}}{table} RENAME TO {to}")


# -- retrying after a fix -----------------------------------------------------------------------


def poisoned_consortium_with_history(store: Store) -> UUID:
    """A consortium whose founding fails, followed by events that build on it."""
    found(store, "Eerste")
    poisoned = found(store, POISONED)
    member = admit(store, poisoned)
    pledge(store, poisoned, member, "2500.00")
    found(store, "Derde")
    return poisoned


def test_a_retry_after_a_fix_applies_the_failed_event_and_drops_its_note(
    store: Store, follower: Follower, faults: Faults
) -> None:
    poisoned = poisoned_consortium_with_history(store)
    follower.catch_up()
    faults.fix()

    retried = follower.retry_failed()

    assert (retried.applied, retried.failing, noted(store)) == (1, [], [])
    (row,) = (r for r in portfolio_all(store) if r.id == poisoned)
    assert (row.name, row.active_members, row.committed) == (
        "nulname",
        1,
        Money(Decimal("2500.00")),
    )


def test_after_a_retry_the_rows_equal_those_of_a_rebuild(
    store: Store, follower: Follower, faults: Faults
) -> None:
    poisoned_consortium_with_history(store)
    follower.catch_up()
    faults.fix()
    follower.retry_failed()
    retried = dump(store)

    follower.rebuild()

    assert dump(store) == retried


def test_a_retry_keeps_the_note_of_an_event_that_still_fails_with_one_more_attempt(
    store: Store, follower: Follower, faults: Faults
) -> None:
    poisoned_consortium_with_history(store)
    follower.catch_up()

    retried = follower.retry_failed()

    assert [(f.event_type, f.attempts) for f in retried.failing] == [("Founded", 2)]
    assert (retried.applied, len(noted(store))) == (0, 1)
    assert names(store) == ["Eerste", "Derde"]


def test_a_retry_does_not_move_the_position_and_the_log_is_followed_on(
    store: Store, follower: Follower, faults: Faults
) -> None:
    poisoned_consortium_with_history(store)
    follower.catch_up()
    position = follower.position()
    faults.fix()

    follower.retry_failed()
    assert follower.position() == position
    found(store, "Vierde")
    follower.catch_up()

    assert names(store) == ["Eerste", "nulname", "Derde", "Vierde"]


def test_a_retry_when_the_database_fails_changes_nothing(
    store: Store, follower: Follower, faults: Faults
) -> None:
    poisoned_consortium_with_history(store)
    follower.catch_up()
    before = dump(store)
    faults.fix()
    faults.lock_timeout_on("Gemeente Zeist")

    with pytest.raises(DATABASE_ERRORS):
        follower.retry_failed()

    assert (dump(store), len(noted(store))) == (before, 1)


def test_a_rebuild_forgets_the_notes_and_notes_again_what_still_fails(
    store: Store, follower: Follower, faults: Faults
) -> None:
    poisoned_consortium_with_history(store)
    found(store, POISONED)
    follower.catch_up()
    follower.retry_failed()

    follower.rebuild()

    assert [f.attempts for f in noted(store)] == [1, 1]


def test_the_tracking_insert_is_not_blamed_on_an_event(
    store: Store, follower: Follower, faults: Faults, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tracking fails the transaction, not an event in it: nothing is noted, nothing skipped."""
    found(store, "Eerste")
    done = follower.position()
    original = store.read.view.track

    def broken(tx: Tx, tracking: object) -> None:
        raise ValueError("tracking is broken")

    monkeypatch.setattr(store.read.view, "track", broken)
    with pytest.raises(ValueError, match="tracking is broken"):
        follower.catch_up()

    assert (follower.position(), noted(store)) == (done, [])
    monkeypatch.setattr(store.read.view, "track", original)
    follower.catch_up()
    assert names(store) == ["Eerste"]
