"""The `consortium` command: serve, migrate, demo data, API tokens, and the settings.

The settings are read from the environment once, when the command starts
(events/configuration.py), and handed to what it runs; a variable the service cannot use ends
it with one line saying which and why. Every command that may be the first to touch a new
database makes the tables first (migrate is quick when they exist); the processes ``serve``
starts only open the store.
"""

from __future__ import annotations

import getpass
import os
import secrets
import signal
import sys
import threading
import uuid
from datetime import timedelta
from importlib import metadata
from pathlib import Path

import click

from consortium.accounts import Account
from events import logs
from events.accounts import AccountsApplication, IssuedToken
from events.backup import BackupError, backup, restore
from events.bootstrap import Store, migrate, open_configured
from events.caller import Caller
from events.configuration import Settings, load_settings
from events.demo import load_demo
from events.demo_accounts import demo_accounts
from events.readmodel.follower import RebuildUnderWay
from events.settings import SettingsError
from web.audit_cli import audit
from web.server import default_workers
from web.server import serve as run_server


def _settings() -> Settings:
    """The settings the command started with (built by ``main``)."""
    return click.get_current_context().find_object(Settings) or load_settings()


def _migrated_store() -> Store:
    settings = _settings()
    migrate(settings.store_settings())
    return open_configured(settings, may_lead=True)


def _private_files() -> None:
    """What a long-running process writes (lock files, mails in the outbox) is the service's
    own; the SQLite files and the secret key are made 0600 whatever the umask."""
    os.umask(0o077)


def _cli_caller() -> Caller:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return Caller.system(actor=f"cli:{user}", request_id=f"cli-{uuid.uuid4().hex}")


class PluginGroup(click.Group):
    """The command group, with the commands other packages declare as entry points."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *(e.name for e in _plugins())})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        for entry in _plugins():
            if entry.name == cmd_name:
                command: click.Command = entry.load()
                return command
        return super().get_command(ctx, cmd_name)


def _plugins() -> list[metadata.EntryPoint]:
    return list(metadata.entry_points(group="consortium.commands"))


@click.group(cls=PluginGroup)
@click.pass_context
def main(ctx: click.Context) -> None:
    """Consortium: the shared ledger, calendar and memory of joint innovation initiatives.

    Configured by CONSORTIUM_* environment variables (`consortium config` shows them)."""
    try:
        ctx.obj = load_settings()
    except SettingsError as error:
        raise click.ClickException(f"The configuration cannot be used: {error}") from None
    logs.choose(json=ctx.obj.log_format == "json")


@main.command("config")
def config_command() -> None:
    """Print the effective settings (secrets and passwords masked), one variable a line."""
    for name, value, given in _settings().shown():
        click.echo(f"{name}={value}" + ("" if given else "  (default)"))


main.add_command(audit)


@main.command("migrate")
def migrate_command() -> None:
    """Make the tables of the event store and the read model (those that are missing).

    Run once before the service starts (`consortium serve` does it itself); safe to run again,
    and while the service runs. When the read model's shape changed (SCHEMA_VERSION), its new
    tables are built from the event log beside the old ones, which keep answering until then."""
    migrate(_settings().store_settings())
    click.echo("The tables of the store are in place.", err=True)


@main.command()
@click.option("--bind", default=None, help="host:port  [default: CONSORTIUM_BIND, 127.0.0.1:8000]")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="Worker processes.")
def serve(bind: str | None, workers: int | None) -> None:
    """Run the web service with several worker processes (gunicorn)."""
    settings = _settings()
    bind = bind or settings.bind
    host, _, port = bind.rpartition(":")
    click.echo(f"Consortium service on http://{host or '0.0.0.0'}:{port}", err=True)  # noqa: S104
    click.echo(f"  API:        http://{host or '127.0.0.1'}:{port}/api/v1", err=True)
    click.echo(f"  Reference:  http://{host or '127.0.0.1'}:{port}/api/docs", err=True)
    _private_files()
    run_server(settings, bind, workers or default_workers())


@main.command()
@click.option(
    "--accounts",
    is_flag=True,
    help="Also open accounts to try the web pages with (printed with their passwords).",
)
def demo(accounts: bool) -> None:
    """Load a realistic sample of consortia (skips those that exist already)."""
    store = _migrated_store()
    try:
        caller = _cli_caller()
        loaded = load_demo(store, caller)
        opened = demo_accounts(store, caller, lambda: secrets.token_urlsafe(12)) if accounts else []
    finally:
        store.close()
    for consortium in loaded.founded:
        click.echo(f"{consortium.id}  {consortium.phase.value:<12} {consortium.name}")
    for name, reason in loaded.skipped:
        click.echo(f"skipped {name}: {reason}")
    if not loaded.founded:
        click.echo("The sample consortia exist already.")
    for account in opened:
        password = account.password or "(existed already; its password is unchanged)"
        click.echo(f"account {account.email}  {account.role.value}  {password}")
    if not accounts:
        click.echo(
            "To try the web pages on the samples, `consortium demo --accounts` opens a programme "
            "manager, a municipal officer and a funder, and prints their passwords.",
            err=True,
        )


@main.group()
def projections() -> None:
    """The read model (portfolio, checkpoints, money per party)."""


@projections.command("run")
def projections_run() -> None:
    """Follow the event log and keep the read model up to date, until stopped (Ctrl-C/TERM).

    In production the web runs with CONSORTIUM_READ_MODEL=external and this runs beside it."""
    logs.configure()
    _private_files()
    store = _migrated_store()
    stopped = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopped.set())
    store.read.start_following()
    click.echo("Following the event log for the read model; Ctrl-C stops.", err=True)
    try:
        while not stopped.wait(10):
            follower = store.read.follower
            if not follower.leadership.is_leader:
                click.echo("Another process follows the log; waiting to take over.", err=True)
    finally:
        store.close()


@projections.command("rebuild")
def projections_rebuild() -> None:
    """Build the read model again from the whole event log, while the service runs.

    New tables are built beside the live ones, which keep answering (and following the log)
    meanwhile; then the service switches to the new ones at once, and the old ones are dropped.
    One rebuild at a time."""
    store = _migrated_store()
    try:
        follower = store.read.follower
        with click.progressbar(length=follower.head(), label="Rebuilding", file=sys.stderr) as bar:
            applied = follower.rebuild(progress=bar.update)
    except RebuildUnderWay as error:
        raise click.ClickException(str(error)) from None
    finally:
        store.close()
    click.echo(f"Rebuilt the read model from {applied} events.")


@projections.command("retry")
def projections_retry() -> None:
    """Apply again the events the read model skipped as failed (after a fix); each consortium
    concerned is replayed. Exits 1 while some still fail."""
    store = open_configured(_settings(), may_lead=True)
    try:
        follower = store.read.follower
        if not follower.leadership.try_lead():
            raise click.ClickException(
                "Another process follows the log now; stop it (or the web service) first."
            )
        outcome = follower.retry_failed()
    finally:
        store.close()
    if not outcome.retried and not outcome.failing:
        click.echo("No events are recorded as failed.")
        return
    click.echo(f"Applied {outcome.applied} of {len(outcome.retried)} failed events.")
    for failure in outcome.failing:
        click.echo(
            f"Still fails: event {failure.notification_id} ({failure.event_type}, version "
            f"{failure.originator_version} of {failure.originator_id}): "
            f"{failure.error_class}: {failure.error_message}",
            err=True,
        )
    if outcome.failing:
        sys.exit(1)


@main.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Copy the whole store (events and read model) into a new file at PATH, while the service
    runs: SQLite's online backup, or pg_dump on PostgreSQL."""
    try:
        copied = backup(_settings().store_settings(), path)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up {copied.events} events to {copied.path}.")


@main.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--replace", is_flag=True, help="Overwrite a store that has tables (stop the service first)."
)
def restore_command(path: Path, replace: bool) -> None:
    """Restore a backup made by `consortium backup` into the configured store (an empty one,
    unless --replace)."""
    try:
        copied = restore(_settings().store_settings(), path, replace=replace)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Restored {copied.events} events from {path}.")


@main.group()
def token() -> None:
    """API tokens."""


TOKEN_DAYS = 90
"""How long a token made at the command line lives unless told otherwise."""


@token.command("create")
@click.option("--email", required=True, help="The account's email; made if it does not exist.")
@click.option("--admin", is_flag=True, help="Make a new account an administrator.")
@click.option(
    "--programme-manager", is_flag=True, help="Let a new account found consortia (may_found)."
)
@click.option("--name", default="cli", show_default=True, help="What the token is for.")
@click.option(
    "--expires-in-days",
    type=click.IntRange(1, 3650),
    default=TOKEN_DAYS,
    show_default=True,
    help="Days until the token stops working.",
)
@click.option("--no-expiry", is_flag=True, help="A token that never expires (revoke it by hand).")
def token_create(
    email: str,
    admin: bool,
    programme_manager: bool,
    name: str,
    expires_in_days: int,
    no_expiry: bool,
) -> None:
    """Print a new API token for an account as the only line of output."""
    if (
        no_expiry
        and click.get_current_context().get_parameter_source("expires_in_days")
        is not click.core.ParameterSource.DEFAULT
    ):
        raise click.UsageError("--no-expiry and --expires-in-days exclude each other.")
    store = _migrated_store()
    caller = _cli_caller()
    try:
        accounts = store.accounts
        account = accounts.find_account(email)
        if account is None:
            account = accounts.open_account(
                email=email,
                name=None,
                is_admin=admin,
                may_found=programme_manager or admin,
                caller=caller,
            )
        elif admin and not account.is_admin:
            raise click.ClickException(f"{email} exists and is not an administrator.")
        issued = _issue(accounts, account, name, None if no_expiry else expires_in_days, caller)
    finally:
        store.close()
    click.echo(issued.secret)


@token.command("first-admin")
@click.option("--email", required=True, help="The first administrator's email.")
@click.option("--name", default="first start", show_default=True, help="What the token is for.")
def token_first_admin(email: str, name: str) -> None:
    """On a store without accounts, make the first administrator and print a token for them
    (it expires after 90 days). On a store with accounts, print nothing: make a token with
    `consortium token create` instead."""
    store = _migrated_store()
    caller = _cli_caller()
    try:
        accounts = store.accounts
        if accounts.accounts(limit=1).items:
            return
        account = accounts.open_account(
            email=email, name=None, is_admin=True, may_found=True, caller=caller
        )
        issued = _issue(accounts, account, name, TOKEN_DAYS, caller)
    finally:
        store.close()
    click.echo(issued.secret)


def _issue(
    accounts: AccountsApplication,
    account: Account,
    name: str,
    days: int | None,
    caller: Caller,
) -> IssuedToken:
    expires_at = None if days is None else accounts.clock() + timedelta(days=days)
    return accounts.issue_token(account, name=name, expires_at=expires_at, caller=caller)
