"""Where the events are kept follows CONSORTIUM_DATABASE_URL (no database is needed here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from events.configuration import Settings, load_settings
from events.settings import DATABASE_URL_VARIABLE, SettingsError, StoreSettings

SQLITE_MODULE = "events.sqlite_store:SQLiteStoreFactory"
POSTGRES_MODULE = "events.postgres:PostgresStoreFactory"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory of its own: the default SQLite file is made under ``var/`` there."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


# -- the embedded default --------------------------------------------------------------------------


def test_unset_means_a_sqlite_file_under_var_in_the_working_directory(workdir: Path) -> None:
    settings = Settings.given().store_settings()

    assert settings.env["SQLITE_DBNAME"] == str(workdir / "var" / "consortium.sqlite3")


def test_unset_uses_our_sqlite_factory(workdir: Path) -> None:
    assert Settings.given().store_settings().env["PERSISTENCE_MODULE"] == SQLITE_MODULE


def test_unset_makes_the_var_directory(workdir: Path) -> None:
    Settings.given().store_settings()

    assert (workdir / "var").is_dir()


def test_blank_counts_as_unset(workdir: Path) -> None:
    settings = Settings.given(database_url="   ").store_settings()

    assert settings.env["SQLITE_DBNAME"] == str(workdir / "var" / "consortium.sqlite3")


def test_sqlite_is_not_postgres(workdir: Path) -> None:
    assert not Settings.given().store_settings().is_postgres


# -- sqlite:///path --------------------------------------------------------------------------------


def test_a_sqlite_url_names_the_file(tmp_path: Path) -> None:
    """sqlite:///path/to/file names /path/to/file (tmp_path is absolute: one slash more)."""
    path = tmp_path / "data" / "events.sqlite3"

    settings = StoreSettings.from_url(f"sqlite://{path}")

    assert settings.env["SQLITE_DBNAME"] == str(path)


def test_a_sqlite_url_makes_the_files_directory(tmp_path: Path) -> None:
    StoreSettings.from_url(f"sqlite://{tmp_path / 'new' / 'events.sqlite3'}")

    assert (tmp_path / "new").is_dir()


def test_a_sqlite_url_with_escaped_characters_names_the_unescaped_file(tmp_path: Path) -> None:
    settings = StoreSettings.from_url(f"sqlite://{tmp_path}/my%20events.sqlite3")

    assert settings.env["SQLITE_DBNAME"] == str(tmp_path / "my events.sqlite3")


def test_the_environment_variable_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATABASE_URL_VARIABLE, f"sqlite://{tmp_path / 'x.sqlite3'}")

    settings = load_settings().store_settings()

    assert settings.env["SQLITE_DBNAME"] == str(tmp_path / "x.sqlite3")


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///"])
def test_a_sqlite_url_without_a_path_is_refused(url: str) -> None:
    with pytest.raises(SettingsError, match=DATABASE_URL_VARIABLE):
        StoreSettings.from_url(url)


# -- postgresql://… --------------------------------------------------------------------------------

FULL = "postgresql://consortium:s%40cret%2Fpw@db.example.org:6543/ledger?schema=tenant_a"


@pytest.mark.parametrize(
    ("variable", "expected"),
    [
        ("PERSISTENCE_MODULE", POSTGRES_MODULE),
        ("POSTGRES_HOST", "db.example.org"),
        ("POSTGRES_PORT", "6543"),
        ("POSTGRES_DBNAME", "ledger"),
        ("POSTGRES_USER", "consortium"),
        ("POSTGRES_PASSWORD", "s@cret/pw"),
        ("POSTGRES_SCHEMA", "tenant_a"),
    ],
)
def test_a_postgresql_url_sets(variable: str, expected: str) -> None:
    assert StoreSettings.from_url(FULL).env[variable] == expected


def test_a_postgresql_url_is_postgres() -> None:
    assert StoreSettings.from_url(FULL).is_postgres


def test_the_postgres_scheme_alias_is_accepted() -> None:
    settings = StoreSettings.from_url("postgres://u@h/db")

    assert settings.env["PERSISTENCE_MODULE"] == POSTGRES_MODULE


@pytest.mark.parametrize(
    ("variable", "default"),
    [
        ("POSTGRES_PORT", "5432"),
        ("POSTGRES_USER", "postgres"),
        ("POSTGRES_PASSWORD", ""),
        ("POSTGRES_SCHEMA", ""),
    ],
)
def test_a_minimal_postgresql_url_defaults(variable: str, default: str) -> None:
    assert StoreSettings.from_url("postgresql://db.example.org/ledger").env[variable] == default


def test_the_url_is_kept_as_given() -> None:
    assert StoreSettings.from_url(FULL).url == FULL


@pytest.mark.parametrize(
    "url", ["postgresql://db.example.org", "postgresql://db.example.org/", "postgresql:///ledger"]
)
def test_a_postgresql_url_without_host_or_database_is_refused(url: str) -> None:
    with pytest.raises(SettingsError, match=DATABASE_URL_VARIABLE):
        StoreSettings.from_url(url)


@pytest.mark.parametrize(
    "url", ["mysql://u@h/db", "http://h/db", "/var/lib/consortium.sqlite3", "sqlite3:///x.db"]
)
def test_another_scheme_is_refused(url: str) -> None:
    with pytest.raises(SettingsError, match=DATABASE_URL_VARIABLE):
        StoreSettings.from_url(url)


def test_a_port_that_is_not_a_number_is_refused_naming_the_variable() -> None:
    with pytest.raises(SettingsError, match=DATABASE_URL_VARIABLE):
        StoreSettings.from_url("postgresql://u@db.example.org:54x2/ledger")
