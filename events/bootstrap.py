"""The composition root: builds every application of the store from configuration."""

from __future__ import annotations

from dataclasses import dataclass

from events.accounts import AccountsApplication
from events.caller import Clock, utc_now
from events.consortia import ConsortiumApplication
from events.readmodel.side import ReadSide
from events.reminders import ReminderService
from events.settings import StoreSettings


@dataclass
class Store:
    settings: StoreSettings
    consortia: ConsortiumApplication
    accounts: AccountsApplication
    read: ReadSide
    reminders: ReminderService

    def close(self) -> None:
        self.read.close()
        self.consortia.close()
        self.accounts.close()


def open_store(
    settings: StoreSettings | None = None, clock: Clock = utc_now, *, may_lead: bool = True
) -> Store:
    """Build the store. ``may_lead=False``: this process never applies events to the read
    model itself, but waits for the projection process (``consortium projections run``)."""
    settings = settings or StoreSettings.from_environ()
    consortia = ConsortiumApplication(settings, clock)
    accounts = AccountsApplication(settings, clock)
    read = ReadSide(settings, consortia, may_lead=may_lead)
    return Store(
        settings=settings,
        consortia=consortia,
        accounts=accounts,
        read=read,
        reminders=ReminderService(consortia, accounts, read),
    )
