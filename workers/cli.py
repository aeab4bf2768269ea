"""`consortium reminders ...`: the workers' part of the command line (an entry point)."""

from __future__ import annotations

import click

from workers import runtime
from workers.embedded import send_due


@click.group()
def reminders() -> None:
    """Checkpoint reminders."""


@reminders.command("send-due")
def send_due_command() -> None:
    """Run one scan now (the code the beat task runs) and deliver what is due."""
    results = send_due(runtime.store(), runtime.mailer())
    for due, sent in results:
        click.echo(f"{'sent' if sent else 'already sent'}  {due.key}")
    click.echo(f"{sum(sent for _, sent in results)} reminder(s) sent.")
