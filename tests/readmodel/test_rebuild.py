"""Rebuilding the read model from the events ends with exactly the rows the incremental path
made, and those rows agree with the consortia (the aggregates) they summarise."""

from __future__ import annotations

from functools import partial
from typing import Any

from consortium.budget_view import budget_of
from consortium.money import Money
from events.bootstrap import Store, open_store
from events.milestones import DUE_SOON_DAYS
from events.readmodel.follower import Follower
from events.readmodel.queries import checkpoints, party_money
from tests.clock import StepClock
from tests.readmodel.support import (
    ADMIN,
    PARTIES,
    SYSTEM,
    TODAY,
    History,
    dump,
    portfolio_all,
)


def test_rebuilding_ends_with_exactly_the_rows_of_the_incremental_path(
    store: Store, follower: Follower, history: History
) -> None:
    incremental = dump(store)

    follower.rebuild()

    assert dump(store) == incremental


def test_applying_one_event_at_a_time_gives_the_rows_of_a_rebuild(
    store: Store, follower: Follower, history: History
) -> None:
    """As the subscription applies them, one notification per call, and so one per
    transaction: the rows do not depend on how the log is cut into batches."""
    follower.rebuild()
    rebuilt = dump(store)
    store.read.view.clear(store.consortia.name)

    for notification in store.consortia.recorder.select_notifications(start=None, limit=10_000):
        follower.apply([notification])

    assert dump(store) == rebuilt


def test_a_rebuild_answers_how_many_events_it_applied(
    store: Store, follower: Follower, small_history: History
) -> None:
    assert follower.rebuild() == follower.head()


def test_a_rebuild_drops_rows_that_no_event_made(
    store: Store, follower: Follower, small_history: History
) -> None:
    incremental = dump(store)
    with store.read.view.transaction(commit=True) as tx:
        tx.execute(
            "INSERT INTO {t}rm_consortia (consortium_id, position, name, challenge, search, "
            "phase, founded_at, updated_at) VALUES ('stray', 0, 'x', 'x', 'x', 'pilot', 'x', 'x')"
        )
        tx.execute("UPDATE {t}rm_money SET cents = cents + 1")

    follower.rebuild()

    assert dump(store) == incremental


def test_the_store_opens_after_the_read_model_was_rebuilt_twice(
    store: Store, clock: StepClock
) -> None:
    store.consortia.found(
        name="Warme wijk", challenge="Energiearmoede", description=None, caller=SYSTEM
    )
    for _ in range(2):
        reopened = open_store(store.settings, clock)
        try:
            reopened.read.follower.rebuild()
        finally:
            reopened.close()

    open_store(store.settings, clock).close()


# -- the rows agree with the aggregates ---------------------------------------------------------


def test_every_portfolio_row_agrees_with_its_consortium(
    generated: tuple[Store, History],
) -> None:
    store, history = generated
    disagreements: list[tuple[Any, ...]] = []

    for row in portfolio_all(store):
        consortium = store.consortia.consortium(row.id, SYSTEM)
        totals = budget_of(consortium).totals
        due = [m.due_date for m in consortium.milestones if m.is_open]
        expected = (
            consortium.name,
            consortium.challenge,
            consortium.phase.value,
            len(consortium.active_members),
            totals.committed,
            totals.received_cash,
            totals.received_in_kind,
            totals.spent,
            min(due, default=None),
            consortium.created_on,
            consortium.modified_on,
        )
        found = (
            row.name,
            row.challenge,
            row.phase,
            row.active_members,
            row.committed,
            row.figures.received_cash,
            row.figures.received_in_kind,
            row.spent,
            row.next_checkpoint,
            row.founded_at,
            row.updated_at,
        )
        if found != expected:
            disagreements.append((row.name, found, expected))

    assert disagreements == []
    assert len(portfolio_all(store)) == len(history.consortia)


def test_money_per_party_agrees_with_the_budgets_of_its_consortia(
    generated: tuple[Store, History],
) -> None:
    store, _ = generated
    zero = Money.zero()
    for party, _, _ in PARTIES:
        expected = set()
        for consortium in store.consortia.all_consortia():
            for figures in store.consortia.budget_of(consortium).members:
                if figures.member.party.casefold() != party.casefold():
                    continue
                for year in figures.years:
                    f = year.figures
                    if (f.committed, f.received_cash, f.received_in_kind) != (zero, zero, zero):
                        line = (figures.member.id, year.year, f.committed)
                        expected.add((*line, f.received_cash, f.received_in_kind))

        _, lines = store.read.read(partial(party_money, who=ADMIN, party=party))

        found = {
            (line.member_id, line.year, f.committed, f.received_cash, f.received_in_kind)
            for line in lines
            for f in [line.figures]
            if (f.committed, f.received_cash, f.received_in_kind) != (zero, zero, zero)
        }
        assert found == expected, party


def test_open_checkpoints_agree_with_the_milestones_of_running_consortia(
    generated: tuple[Store, History],
) -> None:
    store, _ = generated
    expected = {
        (consortium.id, m.id, m.due_date, m.status(TODAY, DUE_SOON_DAYS))
        for consortium in store.consortia.all_consortia()
        if not consortium.phase.is_finished
        for m in consortium.milestones
        if m.is_open
    }

    rows = store.read.read(
        lambda tx: checkpoints(tx, None, today=TODAY, due_within_days=3650, soon_days=DUE_SOON_DAYS)
    )

    assert {(r.consortium_id, r.milestone_id, r.due_date, r.status) for r in rows} == expected
