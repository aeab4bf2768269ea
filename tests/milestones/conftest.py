"""Fixtures of the milestone tests.

Domain tests use ``cause`` and ``consortium``: an aggregate in memory, no store, no I/O (they run
once). API tests use ``pm`` and ``consortium_id``: a consortium in a real store, founded by the
programme manager of ``caller`` and run by her over HTTP (they run on SQLite and PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from consortium.aggregate import Consortium
from consortium.cause import Cause
from consortium.members import MemberRole, Sector
from events.bootstrap import Store
from events.caller import Caller
from tests.clock import StepClock
from tests.conftest import Api, issue_token

# -- the domain ---------------------------------------------------------------------------------


@pytest.fixture
def cause(clock: StepClock, caller: Caller) -> Callable[[], Cause]:
    """The cause of the next act: the programme manager, now by the test clock."""
    return lambda: Cause(actor=caller.actor, request_id=caller.request_id, at=clock())


@pytest.fixture
def consortium(cause: Callable[[], Cause]) -> Consortium:
    """A consortium in exploration, with a municipality as its lead."""
    consortium = Consortium.found(
        name="Langer thuis in de wijk",
        challenge="Ouderen wonen langer zelfstandig thuis",
        description=None,
        cause=cause(),
    )
    consortium.admit_member(
        party="Gemeente Utrecht",
        sector=Sector.MUNICIPALITY,
        role=MemberRole.LEAD,
        population=374_238,
        cause=cause(),
    )
    return consortium


# -- over HTTP ----------------------------------------------------------------------------------


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
