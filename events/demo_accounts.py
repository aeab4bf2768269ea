"""Accounts to try the web pages with on the sample data: for the first sample consortium a
programme manager, the municipal officer who represents Gemeente Utrecht, and the province as
its funder, each with a password of its own (made by the caller, printed once)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from consortium.access import Role
from events.bootstrap import Store
from events.caller import Caller
from events.demo import SAMPLES

PROGRAMME_MANAGER: Final = "programmamanager@demo.example"
# (account, role, the party it represents or None)
DEMO_ROLES: Final = (
    (PROGRAMME_MANAGER, Role.PROGRAMME_MANAGER, None),
    ("wijkzorg@utrecht.example", Role.MEMBER_REPRESENTATIVE, "Gemeente Utrecht"),
    ("subsidies@provincie-utrecht.example", Role.FUNDER, None),
)


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: Role
    password: str | None  # None: the account existed already and keeps its password


def demo_accounts(
    store: Store, caller: Caller, new_password: Callable[[], str]
) -> list[DemoAccount]:
    """Open the demo's accounts that do not exist yet (with a new password) and grant each its
    role in the first sample consortium, unless it holds it already. Nothing without that
    consortium (load the demo first)."""
    consortia = store.consortia
    first = next((c for c in consortia.all_consortia() if c.name == SAMPLES[0].full_name), None)
    if first is None:
        return []
    parties = {m.party: m.id for m in consortia.memberships_of(first) if m.is_active}
    made = []
    for email, role, party in DEMO_ROLES:
        password = None
        account = store.accounts.find_account(email)
        if account is None:
            account = store.accounts.open_account(
                email=email, name=None, caller=caller, may_found=role is Role.PROGRAMME_MANAGER
            )
            password = new_password()
            store.accounts.set_password(account.id, password, caller=caller)
        if role not in first.roles_of(email):
            consortia.grant_role(
                first.id,
                account=email,
                role=role,
                member_id=parties.get(party) if party else None,
                caller=caller,
            )
        made.append(DemoAccount(email, role, password))
    return made
