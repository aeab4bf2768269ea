"""The `consortium` command: API tokens and the sample data, on a SQLite file (SQLite only)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from flask.testing import FlaskClient

from consortium.accounts import ApiToken
from events.bootstrap import migrate, open_store
from events.configuration import Settings
from events.settings import StoreSettings
from tests.api.support import CONSORTIA, all_pages
from tests.conftest import Api
from web.app import create_app
from web.cli import main


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)  # whatever falls back to ./var lands here, not in the repository
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    migrate(StoreSettings.from_url(url))
    return url


def consortium(database_url: str, *args: str) -> Result:
    result = CliRunner(env={"CONSORTIUM_DATABASE_URL": database_url}).invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result


def new_token(database_url: str, email: str = "beheer@consortium.example") -> str:
    return consortium(database_url, "token", "create", "--email", email, "--admin").stdout.strip()


@pytest.fixture
def app_client(database_url: str) -> Iterator[FlaskClient]:
    """A client of an app on the same database as the commands."""
    store = open_store(StoreSettings.from_url(database_url))
    try:
        yield create_app(store, Settings.given(secret_key="t", base_url="http://t")).test_client()
    finally:
        store.close()


def test_token_create_prints_the_token_as_its_only_line(database_url: str) -> None:
    result = consortium(
        database_url, "token", "create", "--email", "beheer@consortium.example", "--admin"
    )

    (line,) = result.stdout.splitlines()
    assert line.startswith("cst_")


def test_the_console_script_prints_only_the_token_on_stdout(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("consortium")
    environment = {
        **os.environ,
        "CONSORTIUM_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
    }

    completed = subprocess.run(
        [str(script), "token", "create", "--email", "beheer@consortium.example", "--admin"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env=environment,
        timeout=60,
    )

    assert len(completed.stdout.splitlines()) == 1


def test_a_created_token_authenticates(database_url: str, app_client: FlaskClient) -> None:
    token = new_token(database_url)

    response = app_client.get(CONSORTIA, headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 200


def test_an_admin_token_may_found_a_consortium(database_url: str, app_client: FlaskClient) -> None:
    api = Api(app_client, new_token(database_url))

    response = api.post(CONSORTIA, json={"name": "Slimme wijk", "challenge": "Eenzaamheid"})

    assert response.status_code == 201


def test_each_token_create_prints_a_new_token(database_url: str) -> None:
    assert new_token(database_url) != new_token(database_url)


def test_an_existing_account_is_not_made_administrator_by_token_create(database_url: str) -> None:
    consortium(database_url, "token", "create", "--email", "lid@utrecht.example")

    result = CliRunner(env={"CONSORTIUM_DATABASE_URL": database_url}).invoke(
        main, ["token", "create", "--email", "lid@utrecht.example", "--admin"]
    )

    assert result.exit_code != 0
    assert result.stdout == ""


def test_demo_loads_the_sample_consortia(database_url: str, app_client: FlaskClient) -> None:
    consortium(database_url, "demo")

    portfolio = all_pages(Api(app_client, new_token(database_url)), CONSORTIA)

    assert len(portfolio) > 1


def test_demo_covers_several_phases(database_url: str, app_client: FlaskClient) -> None:
    consortium(database_url, "demo")

    portfolio = all_pages(Api(app_client, new_token(database_url)), CONSORTIA)

    assert len({item["phase"] for item in portfolio}) > 2


def test_demo_run_twice_adds_nothing(database_url: str, app_client: FlaskClient) -> None:
    consortium(database_url, "demo")
    api = Api(app_client, new_token(database_url))
    once = all_pages(api, CONSORTIA)

    consortium(database_url, "demo")

    assert all_pages(api, CONSORTIA) == once


def test_demo_run_twice_says_the_sample_exists(database_url: str) -> None:
    consortium(database_url, "demo")

    assert "exist already" in consortium(database_url, "demo").stdout


def test_demo_consortia_are_named_as_demo(database_url: str, app_client: FlaskClient) -> None:
    consortium(database_url, "demo")

    portfolio = all_pages(Api(app_client, new_token(database_url)), CONSORTIA)

    assert all(item["name"].endswith(" (demo)") for item in portfolio)


def test_demo_leaves_a_consortium_of_ones_own_of_a_sample_name_alone(
    database_url: str, app_client: FlaskClient
) -> None:
    api = Api(app_client, new_token(database_url))
    own = {"name": "Langer thuis in de wijk", "challenge": "Ouderen wonen langer thuis"}
    assert api.post(CONSORTIA, json=own).status_code == 201

    output = consortium(database_url, "demo").stdout

    names = [item["name"] for item in all_pages(api, CONSORTIA)]
    assert names.count("Langer thuis in de wijk") == 1
    assert "Langer thuis in de wijk (demo)" in names
    assert "skipped" not in output


def test_demo_run_twice_says_which_it_skipped_and_why(database_url: str) -> None:
    first = consortium(database_url, "demo").stdout.splitlines()

    again = consortium(database_url, "demo").stdout.splitlines()

    founded = [line.split(maxsplit=2)[2] for line in first]
    assert [line for line in again if line.startswith("skipped")] == [
        f"skipped {name}: a consortium of this name exists (the demo was loaded before)"
        for name in founded
    ]


def tokens_of(database_url: str, email: str) -> list[ApiToken]:
    store = open_store(StoreSettings.from_url(database_url))
    try:
        account = store.accounts.find_account(email)
        assert account is not None
        return store.accounts.tokens(account.id)
    finally:
        store.close()


def test_a_token_made_at_the_command_line_expires_after_90_days(database_url: str) -> None:
    new_token(database_url)

    (token,) = tokens_of(database_url, "beheer@consortium.example")
    assert token.expires_at is not None
    assert token.expires_at - datetime.now(UTC) > timedelta(days=89, hours=23)
    assert token.expires_at - datetime.now(UTC) <= timedelta(days=90)


def test_no_expiry_makes_a_token_that_never_expires(database_url: str) -> None:
    consortium(database_url, "token", "create", "--email", "a@b.example", "--no-expiry")

    (token,) = tokens_of(database_url, "a@b.example")
    assert token.expires_at is None


def test_no_expiry_and_a_number_of_days_are_refused_together(database_url: str) -> None:
    result = CliRunner(env={"CONSORTIUM_DATABASE_URL": database_url}).invoke(
        main,
        ["token", "create", "--email", "a@b.example", "--no-expiry", "--expires-in-days", "5"],
    )

    assert result.exit_code == 2
    assert result.stdout == ""


def test_first_admin_prints_a_token_of_an_administrator_on_an_empty_store(
    database_url: str, app_client: FlaskClient
) -> None:
    token = consortium(database_url, "token", "first-admin", "--email", "a@b.example").stdout

    me = Api(app_client, token.strip()).get("/api/v1/me")
    assert me.status_code == 200
    assert me.get_json()["is_admin"] is True


def test_first_admin_prints_nothing_once_an_account_exists(database_url: str) -> None:
    consortium(database_url, "token", "first-admin", "--email", "a@b.example")

    again = consortium(database_url, "token", "first-admin", "--email", "a@b.example")

    assert again.stdout == ""
    assert len(tokens_of(database_url, "a@b.example")) == 1


def test_demo_with_accounts_prints_accounts_that_log_in_on_the_pages(database_url: str) -> None:
    lines = consortium(database_url, "demo", "--accounts").stdout.splitlines()

    accounts = {
        line.split()[2]: (line.split()[1], line.split()[3])
        for line in lines
        if line.startswith("account ")
    }
    assert set(accounts) == {"programme_manager", "member_representative", "funder"}
    email, password = accounts["member_representative"]
    store = open_store(StoreSettings.from_url(database_url))
    try:
        client = create_app(
            store, Settings.given(secret_key="t", base_url="http://t")
        ).test_client()
        login = client.get("/login").get_data(as_text=True)
        token = login.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        answer = client.post(
            "/login", data={"email": email, "password": password, "csrf_token": token}
        )
        assert answer.status_code == 302
        assert "Langer thuis in de wijk (demo)" in client.get("/me").get_data(as_text=True)
    finally:
        store.close()


def test_demo_with_accounts_run_twice_keeps_their_passwords(database_url: str) -> None:
    consortium(database_url, "demo", "--accounts")

    again = consortium(database_url, "demo", "--accounts").stdout

    assert again.count("existed already") == 3
