"""Fixtures of the budget tests.

Domain tests use ``cause`` and ``consortium``: an aggregate in memory (three municipalities and
a university), no store, no I/O; they run once. Store and API tests use ``store``, ``pm`` and
``consortium_id``: a consortium in a real store (SQLite and PostgreSQL, as in tests/conftest.py)
founded by the programme manager of ``caller``, and its members in ``members``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
from flask.testing import FlaskClient

from consortium.aggregate import Consortium
from consortium.cause import Cause
from consortium.members import MemberRole, Sector
from events.bootstrap import Store
from events.caller import Caller
from events.settings import StoreSettings
from tests.budget.support import (
    CONSORTIA,
    MUNICIPALITIES,
    UNIVERSITY,
    admit,
    created,
    found_with_members,
    of,
    pledge,
    reverse,
)
from tests.clock import StepClock
from tests.conftest import Api, issue_token

# The PostgreSQL server is shared with other test runs: small pools, growing on demand.
SMALL_POOLS = {"POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "4"}


@pytest.fixture
def settings(settings: StoreSettings) -> StoreSettings:
    return StoreSettings(settings.url, {**settings.env, **SMALL_POOLS})


# -- the domain ---------------------------------------------------------------------------------


@pytest.fixture
def cause(clock: StepClock, caller: Caller) -> Callable[[], Cause]:
    """The cause of the next act: the programme manager, now by the test clock."""
    return lambda: Cause(actor=caller.actor, request_id=caller.request_id, at=clock())


@pytest.fixture
def consortium(cause: Callable[[], Cause]) -> Consortium:
    """A consortium founded in 2026: Utrecht (lead), Amersfoort and Zeist with their population,
    and a university (no population), in that order."""
    return found_with_members(cause)


# -- a store, over HTTP -------------------------------------------------------------------------


@pytest.fixture
def pm(client: FlaskClient, store: Store, caller: Caller) -> Api:
    """The programme manager of ``caller``, over HTTP (no administrator)."""
    return Api(client, issue_token(store, caller.actor))


@pytest.fixture
def consortium_id(store: Store, caller: Caller) -> str:
    """A consortium the programme manager founded (so she runs it), in exploration."""
    founded = store.consortia.found(
        name="Langer thuis in de wijk",
        challenge="Ouderen wonen langer zelfstandig thuis",
        description=None,
        caller=caller,
    )
    return str(founded.id)


@pytest.fixture
def members(store: Store, caller: Caller, consortium_id: str) -> dict[str, str]:
    """The three municipalities (Utrecht the lead) and the university, admitted through the
    store: party → member id."""
    admitted = {}
    for n, (party, population) in enumerate(MUNICIPALITIES):
        member = store.consortia.admit_member(
            UUID(consortium_id),
            party=party,
            sector=Sector.MUNICIPALITY,
            role=MemberRole.LEAD if n == 0 else MemberRole.PARTNER,
            contact_email=None,
            population=population,
            caller=caller,
        )
        admitted[party] = str(member.id)
    university = store.consortia.admit_member(
        UUID(consortium_id),
        party=UNIVERSITY,
        sector=Sector.ACADEMIA,
        role=MemberRole.PARTNER,
        contact_email=None,
        population=None,
        caller=caller,
    )
    admitted[UNIVERSITY] = str(university.id)
    return admitted


# -- books to audit -----------------------------------------------------------------------------


@pytest.fixture
def books(api: Api, clock: StepClock) -> dict[str, Any]:
    """A consortium begun in 2024 and entered in March 2026 with its past (back-dated pledges,
    contributions and spending), a revised pledge, a pledge in kind, shares pledged by a key, a
    reversal, a need of the plan; ``before`` is an instant a day before the last entries
    (a reversal, a contribution, a spending) were recorded."""

    def post(path: str, body: dict[str, Any]) -> dict[str, Any]:
        return created(api.post(of(c, path), json=body))

    founding = {"name": "Zorg op afstand", "challenge": "Thuiszorg", "start_year": 2024}
    c = created(api.post(CONSORTIA, json=founding))["id"]
    utrecht = admit(api, c, "Gemeente Utrecht", sector="municipality", joined_on="2024-01-10")
    zeist = admit(api, c, "Gemeente Zeist", sector="municipality", joined_on="2024-01-10")
    university = admit(api, c, UNIVERSITY, sector="academia")
    created(pledge(api, c, utrecht, 2024, "50000.00", pledged_on="2024-01-20"))
    created(
        pledge(api, c, utrecht, 2024, "45000.00", pledged_on="2024-06-01", reason="Bezuiniging")
    )
    created(pledge(api, c, zeist, 2025, "10000.00", kind="in_kind", pledged_on="2025-01-05"))
    shares = {"amount": "30000.00", "key": "equal", "commit_year": 2026}
    shared = api.post(of(c, "cost-sharing"), json=shares)
    assert shared.status_code in (200, 201), shared.get_data(as_text=True)
    contributions = {
        "first": (utrecht, "cash", "20000.00", "2024-03-01"),
        "mistake": (utrecht, "cash", "5000.00", "2024-04-01"),
        "hours": (zeist, "in_kind", None, "2025-02-01"),
    }
    ids = {}
    for name, (member, kind, amount, day) in contributions.items():
        body: dict[str, Any] = {"member_id": member, "kind": kind, "date": day}
        body |= {"amount": amount} if amount else {"hours": "10", "rate": "80.00"}
        ids[name] = post("contributions", body)["id"]
    post("expenditures", {"amount": "3000.00", "date": "2024-05-01", "description": "Zaalhuur"})
    post("needs", {"year": 2027, "category": "running_costs", "amount": "40000.00"})
    before = clock.peek()
    clock.advance(timedelta(days=1))
    created(reverse(api, c, ids["mistake"], "Dubbel geboekt"))
    post(
        "contributions",
        {"member_id": university, "kind": "cash", "amount": "1000.00", "date": "2026-03-03"},
    )
    post("expenditures", {"amount": "500.00", "date": "2026-03-03", "description": "Drukwerk"})
    return {
        "id": c,
        "before": before.isoformat(),
        "utrecht": utrecht,
        "zeist": zeist,
        "university": university,
        "contributions": ids,
    }
