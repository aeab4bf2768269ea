"""`consortium projections retry`: after a fix, applies again the events the read model skipped
as failed, says how many, names those that still fail (and then exits 1)."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import pytest
from click.testing import CliRunner, Result

from events.bootstrap import Store
from tests.readmodel.faults import POISONED, Faults, admit, found, noted
from tests.readmodel.support import portfolio_all
from web.cli import main


@pytest.fixture
def faults(store: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Faults:
    monkeypatch.chdir(tmp_path)  # whatever falls back to ./var lands here, not in the repository
    faults = Faults(store, monkeypatch)
    faults.refuse_nul()
    return faults


@pytest.fixture
def poisoned(store: Store, faults: Faults) -> UUID:
    """A consortium whose founding the read model skipped, with a member admitted since."""
    consortium_id = found(store, POISONED)
    admit(store, consortium_id)
    found(store, "Daarna")
    store.read.follower.catch_up()  # as the follower would; without taking the lead
    return consortium_id


def retry(store: Store) -> Result:
    return CliRunner(env={"CONSORTIUM_DATABASE_URL": store.settings.url}).invoke(
        main, ["projections", "retry"]
    )


def test_projections_retry_after_a_fix_applies_the_failed_event(
    store: Store, faults: Faults, poisoned: UUID
) -> None:
    faults.fix()

    result = retry(store)

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["Applied 1 of 1 failed events."]
    assert noted(store) == []
    rows = {row.id: row for row in portfolio_all(store)}
    assert (rows[poisoned].name, rows[poisoned].active_members) == ("nulname", 1)


def test_projections_retry_names_the_events_that_still_fail_and_exits_1(
    store: Store, faults: Faults, poisoned: UUID
) -> None:
    result = retry(store)

    assert result.exit_code == 1
    assert result.stdout.splitlines() == ["Applied 0 of 1 failed events."]
    (line,) = result.stderr.splitlines()
    assert line.startswith("Still fails: event ")
    assert f"(Founded, version 1 of {poisoned})" in line
    assert "DataError" in line


def test_projections_retry_says_so_when_nothing_failed(store: Store, faults: Faults) -> None:
    found(store, "Gewoon")
    store.read.follower.catch_up()

    result = retry(store)

    assert (result.exit_code, result.stdout) == (0, "No events are recorded as failed.\n")


def test_projections_retry_refuses_while_another_process_follows(
    store: Store, faults: Faults, poisoned: UUID
) -> None:
    assert store.read.follower.leadership.try_lead()
    faults.fix()

    result = retry(store)

    assert result.exit_code != 0
    assert "Another process follows the log" in result.output
    assert len(noted(store)) == 1
