"""The composition root: builds every application of the store from configuration."""

from __future__ import annotations

from dataclasses import dataclass

from events.accounts import AccountsApplication
from events.caller import Clock, utc_now
from events.consortia import ConsortiumApplication
from events.settings import StoreSettings


@dataclass
class Store:
    settings: StoreSettings
    consortia: ConsortiumApplication
    accounts: AccountsApplication

    def close(self) -> None:
        self.consortia.close()
        self.accounts.close()


def open_store(settings: StoreSettings | None = None, clock: Clock = utc_now) -> Store:
    settings = settings or StoreSettings.from_environ()
    return Store(
        settings=settings,
        consortia=ConsortiumApplication(settings, clock),
        accounts=AccountsApplication(settings, clock),
    )
