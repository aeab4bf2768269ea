"""Fixtures of the budget tests.

Domain tests use ``cause`` and ``consortium``: an aggregate in memory (three municipalities and
a university), no store, no I/O; they run once. Store and API tests use ``store``, ``pm`` and
``consortium_id``: a consortium in a real store (SQLite and PostgreSQL, as in tests/conftest.py)
founded by the programme manager of ``caller``, and its members in ``members``.
"""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

import pytest
from flask.testing import FlaskClient

from consortium.aggregate import Consortium
from consortium.cause import Cause
from consortium.members import MemberRole, Sector
from events.bootstrap import Store
from events.caller import Caller
from events.settings import StoreSettings
from tests.budget.support import MUNICIPALITIES, UNIVERSITY, found_with_members
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
