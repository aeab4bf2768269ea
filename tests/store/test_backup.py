"""Backups: `consortium backup` copies the whole store while the service writes on, and
`consortium restore` brings it back, answering as the original did (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pytest
from click.testing import CliRunner

from consortium.figures import ContributionKind
from consortium.members import MemberRole, Sector
from consortium.money import Money
from events.backup import BackupError, backup, restore
from events.bootstrap import Store, migrate, open_store
from events.caller import Caller
from events.configuration import Settings
from events.settings import StoreSettings
from tests.backends import POSTGRES_URL
from tests.clock import StepClock
from tests.conftest import issue_token
from web.app import create_app
from web.cli import main

ON = date(2026, 3, 1)


def found_with_money(store: Store, caller: Caller, contributions: int = 3) -> tuple[UUID, UUID]:
    """A consortium with a municipality that paid € 100 that many times: their ids."""
    founded = store.consortia.found(
        name="Langer thuis", challenge="Ouderen thuis", description=None, caller=caller
    )
    member = store.consortia.admit_member(
        founded.id,
        party="Gemeente Zeist",
        sector=Sector.MUNICIPALITY,
        role=MemberRole.PARTNER,
        contact_email=None,
        population=65_000,
        caller=caller,
    )
    for _ in range(contributions):
        contribute(store, founded.id, member.id, caller)
    return founded.id, member.id


def contribute(store: Store, consortium_id: UUID, member_id: UUID, caller: Caller) -> None:
    store.consortia.log_contribution(
        consortium_id,
        member_id=member_id,
        kind=ContributionKind.CASH,
        amount=Money(Decimal("100.00")),
        on=ON,
        year=None,
        reference=None,
        hours=None,
        rate=None,
        caller=caller,
    )


def answers(store: Store, consortium_id: UUID) -> tuple[Any, ...]:
    """What the API says of the consortium: its budget, its history (events) and the portfolio."""
    client = create_app(store, Settings.given(secret_key="t", base_url="http://t")).test_client()
    headers = {
        "Authorization": f"Bearer {issue_token(store, 'audit@provincie.example', admin=True)}"
    }
    paths = (
        f"/api/v1/consortia/{consortium_id}/budget",
        f"/api/v1/consortia/{consortium_id}/events",
        "/api/v1/consortia",
    )
    found = []
    for path in paths:
        answer = client.get(path, headers=headers)
        assert answer.status_code == 200, answer.get_data(as_text=True)
        found.append(answer.get_json())
    return tuple(found)


@pytest.fixture
def elsewhere(settings: StoreSettings, tmp_path: Path) -> StoreSettings:
    """Where a backup is restored: a new SQLite file, or (PostgreSQL keeps a schema's name)
    the same schema, emptied."""
    if not settings.is_postgres:
        return StoreSettings.from_url(f"sqlite:///{tmp_path / 'restored.sqlite3'}")
    return settings


def lose(settings: StoreSettings) -> None:
    """The disaster: the store's schema is gone (PostgreSQL); a SQLite store is restored to a
    new file instead, so nothing needs to go."""
    if settings.is_postgres:
        schema = settings.env["POSTGRES_SCHEMA"]
        with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
            connection.execute(f'CREATE SCHEMA "{schema}"')


@pytest.fixture
def reopened() -> Iterator[list[Store]]:
    """Stores a test opens, closed after it."""
    opened: list[Store] = []
    yield opened
    for store in opened:
        store.close()


def test_a_restored_store_answers_as_the_original(
    store: Store,
    settings: StoreSettings,
    elsewhere: StoreSettings,
    caller: Caller,
    tmp_path: Path,
    clock: StepClock,
    reopened: list[Store],
) -> None:
    consortium_id, _ = found_with_money(store, caller)
    before = answers(store, consortium_id)
    copied = backup(settings, tmp_path / "store.backup")
    lose(settings)

    restore(elsewhere, copied.path)

    restored = open_store(elsewhere, clock)
    reopened.append(restored)
    assert answers(restored, consortium_id)[:2] == before[:2]
    assert answers(restored, consortium_id)[2]["items"] == before[2]["items"]


def test_a_backup_counts_the_events_it_holds(
    store: Store, settings: StoreSettings, caller: Caller, tmp_path: Path
) -> None:
    found_with_money(store, caller, contributions=2)
    recorded = store.consortia.recorder.max_notification_id() or 0

    copied = backup(settings, tmp_path / "store.backup")

    assert copied.events >= recorded  # the consortium's, and the accounts' own streams


def test_restore_refuses_a_store_that_has_tables(
    store: Store, settings: StoreSettings, caller: Caller, tmp_path: Path
) -> None:
    found_with_money(store, caller, contributions=1)
    copied = backup(settings, tmp_path / "store.backup")

    with pytest.raises(BackupError, match="--replace"):
        restore(settings, copied.path)


def test_restore_refuses_a_file_that_is_no_backup(settings: StoreSettings, tmp_path: Path) -> None:
    stray = tmp_path / "notes.txt"
    stray.write_text("boodschappenlijst")

    with pytest.raises(BackupError, match="not a"):
        restore(settings, stray)


def test_backup_never_overwrites_a_file(
    store: Store, settings: StoreSettings, tmp_path: Path
) -> None:
    kept = tmp_path / "kept.backup"
    kept.write_text("yesterday's")

    with pytest.raises(BackupError, match="exists already"):
        backup(settings, kept)
    assert kept.read_text() == "yesterday's"


def test_a_backup_file_is_private_to_its_user(
    store: Store, settings: StoreSettings, tmp_path: Path
) -> None:
    copied = backup(settings, tmp_path / "store.backup")

    assert copied.path.stat().st_mode & 0o077 == 0


def test_a_sqlite_backup_taken_while_contributions_are_logged_is_whole(
    caller: Caller, tmp_path: Path, clock: StepClock, reopened: list[Store]
) -> None:
    live = StoreSettings.from_url(f"sqlite:///{tmp_path / 'live.sqlite3'}")
    migrate(live)
    store = open_store(live, clock)
    reopened.append(store)
    consortium_id, member_id = found_with_money(store, caller, contributions=0)
    stop = threading.Event()

    def keep_logging() -> None:
        while not stop.is_set():
            contribute(store, consortium_id, member_id, caller)

    writer = threading.Thread(target=keep_logging)
    writer.start()
    try:
        while store.consortia.consortium(consortium_id, caller).version < 10:
            stop.wait(0.01)
        copied = backup(store.settings, tmp_path / "during.backup")
    finally:
        stop.set()
        writer.join()

    target = StoreSettings.from_url(f"sqlite:///{tmp_path / 'restored.sqlite3'}")
    restore(target, copied.path)
    restored = open_store(target, clock)
    reopened.append(restored)
    budget = answers(restored, consortium_id)[0]
    recorded = restored.consortia.recorder.select_notifications(start=1, limit=100_000)
    logged = [n for n in recorded if n.topic.endswith(".ContributionLogged")]
    assert logged  # the backup began after the first contributions
    assert Decimal(budget["totals"]["received"]) == Decimal("100.00") * len(logged)


def test_the_command_line_backs_up_and_restores(tmp_path: Path) -> None:
    original = f"sqlite:///{tmp_path / 'original.sqlite3'}"
    runner = CliRunner()
    assert (
        runner.invoke(main, ["migrate"], env={"CONSORTIUM_DATABASE_URL": original}).exit_code == 0
    )

    done = runner.invoke(
        main, ["backup", str(tmp_path / "b.sqlite3")], env={"CONSORTIUM_DATABASE_URL": original}
    )
    assert done.exit_code == 0, done.output
    assert "Backed up" in done.stdout

    restored = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    done = runner.invoke(
        main, ["restore", str(tmp_path / "b.sqlite3")], env={"CONSORTIUM_DATABASE_URL": restored}
    )
    assert done.exit_code == 0, done.output
    assert "Restored" in done.stdout


def test_the_command_line_says_why_it_refuses(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'original.sqlite3'}"
    runner = CliRunner()

    done = runner.invoke(
        main, ["restore", str(tmp_path / "missing")], env={"CONSORTIUM_DATABASE_URL": url}
    )

    assert done.exit_code == 1
    assert "There is no backup" in done.output
