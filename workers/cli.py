"""`consortium reminders ...`: the workers' part of the command line (an entry point)."""

from __future__ import annotations

import click

from events.configuration import Settings
from workers import runtime
from workers.embedded import send_due


@click.group()
def reminders() -> None:
    """Checkpoint reminders."""


@reminders.command("send-due")
@click.pass_obj
def send_due_command(settings: Settings) -> None:
    """Run one scan now (the code the beat task runs) and deliver what is due."""
    runtime.use(settings)  # those the `consortium` command started with
    results = send_due(runtime.store(), runtime.mailer(), runtime.letterhead())
    for due, sent in results:
        click.echo(f"{'sent' if sent else 'already sent'}  {due.key}")
    click.echo(f"{sum(sent for _, sent in results)} reminder(s) sent.")
