"""`consortium audit`: verify the event store's hash chain, sign checkpoints, manage the key."""

from __future__ import annotations

import sys

import click

from events.audit.keys import audit_signing_key, decode_private, new_key_text, public_key_text
from events.audit.verify import ChainReport
from events.bootstrap import Store, migrate, open_configured
from events.configuration import Settings, load_settings


def _settings() -> Settings:
    return click.get_current_context().find_object(Settings) or load_settings()


def _store() -> Store:
    settings = _settings()
    migrate(settings.store_settings())
    return open_configured(settings, may_lead=False)


@click.group()
def audit() -> None:
    """The audit chain over the events (see docs/audit.md)."""


@audit.command("verify")
def audit_verify() -> None:
    """Recompute every application's chain; exit status 1 names the first broken link."""
    store = _store()
    try:
        reports = store.audit.verify()
    finally:
        store.close()
    for report in reports:
        click.echo(describe(report))
    if any(not report.intact for report in reports):
        sys.exit(1)


def describe(report: ChainReport) -> str:
    """One line per application: intact with its size, or where and why it broke."""
    if report.broken is None:
        return (
            f"{report.application}: intact, {report.events} events, "
            f"{report.checkpoints} signed checkpoints match"
        )
    b = report.broken
    consortium = f", consortium {b.consortium_id}" if b.consortium_id else ""
    event = (
        f"event {b.originator_id} version {b.originator_version}" if b.originator_id else "no event"
    )
    return (
        f"{report.application}: broken at notification {b.notification_id} ({b.problem}): "
        f"{event}{consortium}. {b.message}"
    )


@audit.command("checkpoint")
def audit_checkpoint() -> None:
    """Sign a checkpoint at the head of every chain (run it periodically, e.g. from cron)."""
    store = _store()
    try:
        signed = store.audit.sign_checkpoints()
    finally:
        store.close()
    for checkpoint in signed:
        if checkpoint is not None:
            click.echo(
                f"{checkpoint.application}: notification {checkpoint.notification_id} "
                f"signed at {checkpoint.signed_at}"
            )


@audit.command("new-key")
def audit_new_key() -> None:
    """Print a new signing key, for CONSORTIUM_AUDIT_SIGNING_KEY (keep it secret)."""
    click.echo(new_key_text())


@audit.command("public-key")
@click.argument("key", required=False)
def audit_public_key(key: str | None) -> None:
    """Print the public key of KEY (default: the configured signing key)."""
    if key is not None:
        click.echo(public_key_text(decode_private(key)))
        return
    click.echo(public_key_text(audit_signing_key(_settings().audit_signing_key_value)))
