"""The authorization tests run on SQLite only: the rules do not depend on the backend.

Each test gets a store of its own that already holds the world (tests/authorization/world.py):
the world is built once per test process into a template file, and each test starts from a
copy of that file (`consortium backup`'s online copy), so the matrix's many cases do not each
replay the twenty-odd commands that make it. A test's clock goes on from the world's last
instant."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from events.backup import backup
from events.bootstrap import open_store
from events.settings import StoreSettings
from tests.authorization.world import World, build_world
from tests.backends import sqlite_file
from tests.clock import StepClock


@dataclass(frozen=True)
class Template:
    settings: StoreSettings
    world: World
    ends: datetime  # the clock's reading after the world's last command


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory, no_real_dns: None) -> Template:
    directory = tmp_path_factory.mktemp("authorization-world")
    clock = StepClock()
    with sqlite_file(directory) as settings:
        store = open_store(settings, clock)
        try:
            world = build_world(store)
        finally:
            store.close()
    return Template(settings, world, clock.peek())


@pytest.fixture
def settings(template: Template, tmp_path: Path) -> StoreSettings:
    """A copy of the template's file (`consortium backup`'s online copy): the world, with
    nothing any other test did to it."""
    target = backup(template.settings, tmp_path / "store.sqlite3").path
    return StoreSettings.from_url(f"sqlite://{target}")


@pytest.fixture
def clock(template: Template) -> StepClock:
    return StepClock(start=template.ends)


@pytest.fixture
def world(template: Template) -> World:
    """The world in this test's store (a copy of its ids and tokens: the test may change it)."""
    return copy.deepcopy(template.world)
