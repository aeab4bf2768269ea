"""The authorization tests run on SQLite only: the rules do not depend on the backend, and the
route-by-role matrix builds a fresh world for each of its many cases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from events.settings import StoreSettings
from tests.backends import sqlite_file


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[StoreSettings]:
    with sqlite_file(tmp_path) as settings:
        yield settings
