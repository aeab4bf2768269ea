"""Members (deelnemers): the parties of a consortium, their sector and role."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import Enum
from typing import Final
from uuid import UUID

from consortium.errors import InvalidValue
from consortium.provinces import Province
from consortium.text import (
    check_printable,
    control_character,
    shows_something,
    without_format_characters,
)

MAX_PARTY_LENGTH: Final = 200
# The largest Dutch municipality has about a million inhabitants; the cap catches typing errors.
MAX_POPULATION: Final = 50_000_000
_EMAIL: Final = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class Sector(Enum):
    MUNICIPALITY = "municipality"
    ACADEMIA = "academia"
    MARKET = "market"
    CIVIL_SOCIETY = "civil_society"
    GOVERNMENT = "government"


class MemberRole(Enum):
    LEAD = "lead"
    PARTNER = "partner"
    FUNDER = "funder"
    ADOPTER = "adopter"


@dataclass(frozen=True, slots=True)
class Member:
    """One membership: a party that joined at some moment and may have left since."""

    id: UUID
    party: str
    sector: Sector
    role: MemberRole
    contact_email: str | None
    population: int | None
    joined_at: datetime
    left_at: datetime | None = None
    leave_reason: str | None = None
    joined_on: date | None = None  # the day it joined (may lie before joined_at's day)
    left_on: date | None = None
    province: Province | None = None  # municipalities; admissions before it had none

    @property
    def is_active(self) -> bool:
        return self.left_at is None

    def leaving(self, at: datetime, reason: str | None, on: date | None = None) -> Member:
        return replace(self, left_at=at, leave_reason=reason, left_on=on)


def check_party(party: str) -> str:
    """The organisation's name as written, without invisible characters and with its spaces
    as one (what people see: two names that look the same are the same)."""
    party = " ".join(without_format_characters(party).split()) if isinstance(party, str) else ""
    if not shows_something(party):  # (nor empty)
        raise InvalidValue("A member needs the name of its organisation.", field="party")
    if len(party) > MAX_PARTY_LENGTH:
        raise InvalidValue(
            f"The organisation name is longer than {MAX_PARTY_LENGTH} characters.", field="party"
        )
    return check_printable(party, "party", "organisation name")


MAX_EMAIL_LENGTH: Final = 254


def check_contact_email(email: str | None) -> str | None:
    if email is None:
        return None
    email = email.strip()
    if len(email) > MAX_EMAIL_LENGTH:
        raise InvalidValue("An email address has at most 254 characters.", field="contact_email")
    if control_character(email) is not None or not _EMAIL.fullmatch(email):
        raise InvalidValue(f"{email!r} is not an email address.", field="contact_email")
    return email


def folded_email(email: str, field: str) -> str:
    """An account's address as the service compares it: checked, without case. Refused when
    folding changes more than the case (ß → ss): that would name another mailbox, where an
    invitation's secret would go, or another account, that a role would be granted to."""
    try:
        checked = check_contact_email(email.strip() if isinstance(email, str) else email)
    except InvalidValue as error:
        raise InvalidValue(error.message, field=field) from None
    if checked is None:  # pragma: no cover - check_contact_email only passes None through
        raise InvalidValue("An account needs an email address.", field=field)
    return folded_account(checked, field)


def folded_account(account: str, field: str) -> str:
    """An account (its address, or a system's name such as ``cli:root``) without case; refused
    when folding changes more than the case (see ``folded_email``)."""
    account = account.strip()
    folded = account.casefold()
    if folded != account.lower():
        raise InvalidValue(
            f"{account!r} cannot be told apart from {folded!r} here: use an address without "
            "letters such as ß.",
            field=field,
        )
    return folded


def check_population(sector: Sector, population: int | None) -> int | None:
    if population is None:
        return None
    if sector is not Sector.MUNICIPALITY:
        raise InvalidValue(
            "A population (inwonertal) is recorded for municipalities only.", field="population"
        )
    if isinstance(population, bool) or not isinstance(population, int):
        raise InvalidValue("The population is a whole number.", field="population")
    if not 0 < population <= MAX_POPULATION:
        raise InvalidValue(
            f"The population must be between 1 and {MAX_POPULATION:,}.", field="population"
        )
    return population
