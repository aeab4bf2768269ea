"""The files the store and the service keep are their user's alone, whatever the umask: the
SQLite database and its -wal and -shm files, the lock beside it, the kept secret key (0600), and
the default var/ directory (0700); also when the first start makes them, and also when an
earlier version made them readable to others."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from events.bootstrap import migrate, open_store
from events.caller import Caller
from events.configuration import Settings
from events.secret_key import _kept_secret_key
from events.settings import StoreSettings
from tests.store.support import found


@pytest.fixture(autouse=True)
def permissive_umask() -> Iterator[None]:
    """A umask that would make files readable to everyone (as the tester's shell had)."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_default_var_directory_is_made_private(workdir: Path) -> None:
    Settings.given().store_settings()

    assert mode(workdir / "var") == 0o700


def test_a_var_directory_an_earlier_start_made_readable_is_made_private(workdir: Path) -> None:
    (workdir / "var").mkdir(mode=0o755)

    Settings.given().store_settings()

    assert mode(workdir / "var") == 0o700


def test_the_database_and_its_wal_and_shm_files_are_private(workdir: Path) -> None:
    settings = Settings.given().store_settings()
    migrate(settings)
    store = open_store(settings)
    try:
        found(store.consortia, Caller(actor="pm@example.org", request_id="r", may_found=True))
        # While the store is open: closing it checkpoints the WAL and removes -wal and -shm.
        modes = {f.name: oct(mode(f)) for f in (workdir / "var").glob("consortium.sqlite3*")}
    finally:
        store.close()

    assert set(modes) >= {"consortium.sqlite3", "consortium.sqlite3-wal", "consortium.sqlite3-shm"}
    assert modes == dict.fromkeys(modes, oct(0o600))


def test_a_database_an_earlier_version_made_readable_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    settings = StoreSettings.from_url(f"sqlite://{path}")
    migrate(settings)
    path.chmod(0o644)

    open_store(settings).close()

    assert mode(path) == 0o600


def test_the_kept_secret_key_is_private(workdir: Path) -> None:
    _kept_secret_key(workdir / "var" / "secret_key")

    assert (mode(workdir / "var"), mode(workdir / "var" / "secret_key")) == (0o700, 0o600)
