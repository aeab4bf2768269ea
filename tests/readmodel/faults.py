"""Faults put into the read model's statements, for the tests of failed events: a value the
database refuses, an error while an event is applied, a database that fails; and the fix.

PostgreSQL refuses text with a NUL character for real ("text fields cannot contain NUL");
SQLite stores it, so there the refusal is simulated with the error SQLite gives for bad data.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from typing import Any, Final
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import PersistenceError
from psycopg import errors as pg

from consortium.aggregate import Consortium
from consortium.members import MemberRole, Sector
from events.bootstrap import Store
from events.readmodel import failures
from events.readmodel.failures import Failure
from events.readmodel.recorders import Tx
from tests.readmodel.support import SYSTEM

NUL: Final = "\x00"
POISONED: Final = f"nul{NUL}name"

Rule = Callable[[Tx, list[str]], None]

# What a failing database raises out of the read model: the library's wrapper of psycopg's
# errors on PostgreSQL, sqlite3's own on SQLite.
DATABASE_ERRORS: Final = (PersistenceError, sqlite3.Error)


def _texts(params: Mapping[str, Any] | None) -> list[str]:
    return [v for v in (params or {}).values() if isinstance(v, str)]


def _without_nul(value: Any) -> Any:
    return value.replace(NUL, "") if isinstance(value, str) else value


class Faults:
    """Rules that every read-model statement passes before it runs (undone after the test)."""

    def __init__(self, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
        self.postgres = store.settings.is_postgres
        self.rules: list[Rule] = []
        self.fixed = False
        self.original = Tx.execute

        def execute(tx: Tx, sql: str, params: Mapping[str, Any] | None = None) -> None:
            for rule in self.rules:
                rule(tx, _texts(params))
            if self.fixed and params:
                params = {k: _without_nul(v) for k, v in params.items()}
            self.original(tx, sql, params)

        monkeypatch.setattr(Tx, "execute", execute)

    def refuse_nul(self) -> None:
        """Text with a NUL is refused, as PostgreSQL does (there: by PostgreSQL itself)."""
        if self.postgres:
            return

        def rule(tx: Tx, texts: list[str]) -> None:
            if any(NUL in t for t in texts):
                raise sqlite3.DataError("text fields cannot contain NUL (0x00) bytes")

        self.rules.append(rule)

    def fail_on(self, text: str, error: Exception) -> None:
        """A statement about this text raises the error (as a bug in the projection would)."""

        def rule(tx: Tx, texts: list[str]) -> None:
            if any(text in t for t in texts):
                raise error

        self.rules.append(rule)

    def lock_timeout_on(self, text: str) -> None:
        """The database gives up waiting for a lock when a statement concerns this text."""
        error: Exception = (
            pg.LockNotAvailable("canceling statement due to lock timeout")
            if self.postgres
            else sqlite3.OperationalError("database is locked")
        )
        self.fail_on(text, error)

    def break_a_constraint_on(self, text: str) -> None:
        """A statement about this text also writes a row the table's constraints refuse (on
        PostgreSQL the server refuses it, which aborts the transaction up to a savepoint)."""

        def rule(tx: Tx, texts: list[str]) -> None:
            if any(text in t for t in texts):
                self.original(tx, "INSERT INTO {t}rm_checkpoints (milestone_id) VALUES ('x')")

        self.rules.append(rule)

    def fix(self) -> None:
        """The fix shipped after the failure: no more faults, and NUL left out of text."""
        self.rules.clear()
        self.fixed = True

    def clear(self) -> None:
        self.rules.clear()


def found(store: Store, name: str) -> UUID:
    if NUL not in name:
        consortium = store.consortia.found(
            name=name, challenge="Een opgave", description=None, caller=SYSTEM
        )
        return consortium.id
    # The domain refuses such a name now; an earlier release recorded it: so is it here.
    cause = store.consortia.cause(SYSTEM)
    recorded = Consortium._create(
        Consortium.Founded,
        id=uuid4(),
        name=name,
        challenge="Een opgave",
        description="",
        start_year=cause.today.year,
        actor=cause.actor,
        request_id=cause.request_id,
        timestamp=cause.at,
    )
    store.consortia.save(recorded)
    return recorded.id


def admit(store: Store, consortium_id: UUID, party: str = "Gemeente Zeist") -> UUID:
    member = store.consortia.admit_member(
        consortium_id,
        party=party,
        sector=Sector.MUNICIPALITY,
        role=MemberRole.LEAD,
        contact_email=None,
        population=65_000,
        caller=SYSTEM,
    )
    return member.id


def noted(store: Store) -> list[Failure]:
    """The failures noted in the read model, as they are now (without catching up)."""
    with store.read.view.transaction(commit=False) as tx:
        return failures.listed(tx, store.consortia.name, limit=None)
