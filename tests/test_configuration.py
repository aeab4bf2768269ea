"""The settings: every CONSORTIUM_* variable read once, at start, into one object (no database is
needed here). A value the service cannot use is refused naming the variable; `consortium config`
shows what is in effect without a secret; no module reads the environment when imported."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Final

import pytest
from click.testing import CliRunner

from events.configuration import Settings, load_settings, masked_url
from events.settings import SettingsError
from web.cli import main
from workers.celery_app import make_celery

PROJECT: Final = Path(__file__).resolve().parents[1]
PACKAGES: Final = ("consortium", "events", "web", "workers")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No CONSORTIUM_ variable of the machine's own leaks into these tests."""
    for name in list(os.environ):
        if name.startswith("CONSORTIUM_"):
            monkeypatch.delenv(name)


# -- every variable, under its name --------------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "value", "field", "expected"),
    [
        ("CONSORTIUM_DATABASE_URL", "sqlite:///tmp/x.sqlite3", "database_url", "sqlite:///tmp/x.sqlite3"),
        ("CONSORTIUM_BROKER_URL", "redis://127.0.0.1:6379/0", "broker_url", "redis://127.0.0.1:6379/0"),
        ("CONSORTIUM_SMTP_URL", "smtps://mail.example:465", "smtp_url", "smtps://mail.example:465"),
        ("CONSORTIUM_OUTBOX", "/srv/outbox", "outbox", Path("/srv/outbox")),
        ("CONSORTIUM_BASE_URL", "https://c.example/", "base_url", "https://c.example"),
        ("CONSORTIUM_BIND", "0.0.0.0:9000", "bind", "0.0.0.0:9000"),
        ("CONSORTIUM_READ_MODEL", "External", "read_model", "external"),
        ("CONSORTIUM_MAIL_FROM", "Wij <wij@c.example>", "mail_from", "Wij <wij@c.example>"),
        ("CONSORTIUM_QUEUE", "mine", "queue", "mine"),
        ("CONSORTIUM_SCAN_INTERVAL", "60", "scan_interval", 60.0),
        ("CONSORTIUM_BROKER_VISIBILITY_TIMEOUT", "30", "broker_visibility_timeout", 30),
        ("CONSORTIUM_LOG_FORMAT", "text", "log_format", "text"),
        ("CONSORTIUM_READY_MAX_LAG_SECONDS", "5", "ready_max_lag_seconds", 5.0),
        ("CONSORTIUM_WEBHOOK_ALLOW_HTTP_HOSTS", "a.example, B.example", "webhook_allow_http_hosts",
         frozenset({"a.example", "b.example"})),
    ],
)  # fmt: skip
def test_each_variable_is_read_under_its_name(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, field: str, expected: Any
) -> None:
    monkeypatch.setenv(variable, value)

    assert getattr(load_settings(), field) == expected


def test_the_secrets_are_read_and_kept_as_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSORTIUM_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("CONSORTIUM_METRICS_TOKEN", "scrape-me")

    settings = load_settings()

    assert settings.service_secret() == "k" * 40
    assert settings.metrics_token_value == "scrape-me"
    assert "scrape-me" not in repr(settings)
    assert "k" * 40 not in repr(settings)


def test_unset_or_blank_variables_mean_the_embedded_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CONSORTIUM_BROKER_URL", "")
    monkeypatch.setenv("CONSORTIUM_SCAN_INTERVAL", "   ")

    settings = load_settings()

    assert settings == Settings.given()
    assert (settings.broker_url, settings.scan_interval) == ("", 300.0)
    assert settings.base_url == "http://127.0.0.1:8000"
    assert settings.read_model == "embedded"


# -- values the service cannot use -------------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "value", "what"),
    [
        ("CONSORTIUM_SCAN_INTERVAL", "soon", "number"),
        ("CONSORTIUM_SCAN_INTERVAL", "0", "greater than 0"),
        ("CONSORTIUM_BROKER_VISIBILITY_TIMEOUT", "-5", "greater than 0"),
        ("CONSORTIUM_READY_MAX_LAG_SECONDS", "nan", "finite"),
        ("CONSORTIUM_READ_MODEL", "elsewhere", "'embedded' or 'external'"),
        ("CONSORTIUM_LOG_FORMAT", "xml", "'json' or 'text'"),
        ("CONSORTIUM_BROKER_URL", "http://127.0.0.1:6379", "redis://"),
        ("CONSORTIUM_SMTP_URL", "smtp://", "host"),
        ("CONSORTIUM_BASE_URL", "consortium.example", "http://"),
        ("CONSORTIUM_DATABASE_URL", "mysql://db.example/c", "postgresql://"),
        ("CONSORTIUM_DATABASE_URL", "postgresql://db.example:port/c", "port must be a number"),
        ("CONSORTIUM_AUDIT_RETIRED_PUBLIC_KEYS", "c2hvcnQ=,", "base64 of 32 bytes"),
    ],
)
def test_a_value_the_service_cannot_use_is_refused_naming_the_variable_and_what_is_wrong(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, what: str
) -> None:
    monkeypatch.setenv(variable, value)

    with pytest.raises(SettingsError) as refused:
        load_settings()

    assert str(refused.value).startswith(variable)
    assert what in str(refused.value)


def test_every_unusable_variable_is_named_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSORTIUM_SCAN_INTERVAL", "soon")
    monkeypatch.setenv("CONSORTIUM_LOG_FORMAT", "xml")

    with pytest.raises(SettingsError) as refused:
        load_settings()

    assert "CONSORTIUM_SCAN_INTERVAL" in str(refused.value)
    assert "CONSORTIUM_LOG_FORMAT" in str(refused.value)


def test_a_refused_address_or_secret_is_never_quoted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONSORTIUM_DATABASE_URL", "mysql://app:hunter2@db.example/c")
    monkeypatch.setenv("CONSORTIUM_BROKER_URL", "http://:hunter3@redis.example")

    with pytest.raises(SettingsError) as refused:
        load_settings()

    assert "hunter" not in str(refused.value)


def test_the_command_refuses_to_start_with_one_line_naming_the_variable(tmp_path: Path) -> None:
    env = {
        "CONSORTIUM_DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite3'}",
        "CONSORTIUM_SCAN_INTERVAL": "soon",
    }

    result = CliRunner(env=env).invoke(main, ["migrate"])

    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert "CONSORTIUM_SCAN_INTERVAL='soon'" in lines[0]
    assert not (tmp_path / "c.sqlite3").exists()  # stopped before touching the store


# -- consortium config -------------------------------------------------------------------------


def test_config_prints_the_effective_settings_with_every_secret_masked(tmp_path: Path) -> None:
    env = {
        "CONSORTIUM_DATABASE_URL": "postgresql://app:db-password@db.example:5432/consortium",
        "CONSORTIUM_BROKER_URL": "redis://:redis-password@redis.example:6379/0",
        "CONSORTIUM_SMTP_URL": "smtp://mailer:smtp-password@mail.example:587",
        "CONSORTIUM_SECRET_KEY": "the-service-secret-key",
        "CONSORTIUM_METRICS_TOKEN": "the-metrics-token",
        "CONSORTIUM_QUEUE": "acceptance",
    }

    result = CliRunner(env=env).invoke(main, ["config"])

    assert result.exit_code == 0, result.output
    secrets = ("db-password", "redis-password", "smtp-password", "service-secret", "metrics-token")
    assert [secret for secret in secrets if secret in result.output] == []
    shown = dict(line.split("=", 1) for line in result.output.splitlines())
    assert shown["CONSORTIUM_DATABASE_URL"] == "postgresql://app:***@db.example:5432/consortium"
    assert shown["CONSORTIUM_BROKER_URL"] == "redis://:***@redis.example:6379/0"
    assert shown["CONSORTIUM_SMTP_URL"] == "smtp://mailer:***@mail.example:587"
    assert shown["CONSORTIUM_SECRET_KEY"] == "***"
    assert shown["CONSORTIUM_METRICS_TOKEN"] == "***"
    assert shown["CONSORTIUM_QUEUE"] == "acceptance"
    assert shown["CONSORTIUM_SCAN_INTERVAL"] == "300.0  (default)"


def test_config_names_every_setting() -> None:
    result = CliRunner(env={}).invoke(main, ["config"])

    names = [line.split("=", 1)[0] for line in result.output.splitlines()]
    assert names == [f"CONSORTIUM_{field.upper()}" for field in Settings.model_fields]


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:p%40ss@h/db", "postgresql://u:***@h/db"),
        ("redis://:pw@h:6379/0", "redis://:***@h:6379/0"),
        ("postgresql://u@h/db", "postgresql://u@h/db"),
        ("redis://h:6379/0", "redis://h:6379/0"),
    ],
)
def test_an_address_is_shown_without_its_password(url: str, shown: str) -> None:
    assert masked_url(url) == shown


# -- the Celery app, made from the settings --------------------------------------------------


def test_the_celery_app_is_made_from_the_settings() -> None:
    settings = Settings.given(
        broker_url="redis://127.0.0.1:1/3",
        queue="q1",
        scan_interval=20,
        broker_visibility_timeout=30,
    )

    app = make_celery(settings)
    app.loader.import_default_modules()  # the tasks, as a worker's start imports them

    assert app.conf.broker_url == "redis://127.0.0.1:1/3"
    assert app.conf.task_default_queue == "q1"
    assert app.conf.beat_schedule["scan-due-reminders"]["schedule"] == 20
    assert app.conf.broker_transport_options["visibility_timeout"] == 30
    assert app.tasks["workers.tasks.deliver_reminder"].retry_backoff_max == 10


def test_the_celery_app_keeps_reconnecting_to_a_broker_that_went_away() -> None:
    app = make_celery(Settings.given(broker_url="redis://127.0.0.1:1/3"))

    assert app.conf.broker_connection_retry is True
    assert app.conf.broker_connection_retry_on_startup is True
    assert app.conf.broker_connection_max_retries is None  # without end


# -- nothing reads the environment at import ---------------------------------------------------

POISONED_IMPORT: Final = textwrap.dedent(
    """
    import importlib, os, pkgutil, sys

    class Poisoned(dict):
        def _read(self, key):
            if str(key).startswith("CONSORTIUM_"):
                raise AssertionError(f"{key} read at import")
        def __getitem__(self, key):
            self._read(key)
            return super().__getitem__(key)
        def get(self, key, default=None):
            self._read(key)
            return super().get(key, default)
        def __contains__(self, key):
            self._read(key)
            return super().__contains__(key)

    os.environ = Poisoned(os.environ)
    for package in sys.argv[1:]:
        importlib.import_module(package)
        found = importlib.import_module(package)
        for module in pkgutil.walk_packages(found.__path__, package + "."):
            importlib.import_module(module.name)
    print("imported")
    """
)


def test_no_module_reads_the_environment_when_imported() -> None:
    env = {**os.environ, "CONSORTIUM_DATABASE_URL": "sqlite:///nowhere", "CONSORTIUM_QUEUE": "q"}

    done = subprocess.run(
        [sys.executable, "-c", POISONED_IMPORT, *PACKAGES],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )

    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "imported"


# Outside events/configuration.py, the environment is touched only for what is no setting of
# ours: prometheus_client's own PROMETHEUS_MULTIPROC_DIR (set by `serve` for its workers), and
# the environment handed on to pg_dump/pg_restore (PATH, locale).
ENVIRONMENT_USERS: Final = {"web/metrics.py", "web/server.py", "events/backup.py"}


def test_only_the_settings_read_consortium_variables_from_the_environment() -> None:
    readers = {
        str(path.relative_to(PROJECT))
        for package in PACKAGES
        for path in (PROJECT / package).rglob("*.py")
        if re.search(r"os\.environ|getenv\(", path.read_text())
    }

    assert readers == ENVIRONMENT_USERS


def test_celery_refuses_to_start_with_one_line_naming_the_variable() -> None:
    env = {**os.environ, "CONSORTIUM_BROKER_VISIBILITY_TIMEOUT": "soon"}

    done = subprocess.run(
        [str(Path(sys.executable).parent / "celery"), "-A", "workers", "report"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )

    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        "The configuration cannot be used: CONSORTIUM_BROKER_VISIBILITY_TIMEOUT='soon': "
        "Input should be a valid integer, unable to parse string as an integer"
    ]
