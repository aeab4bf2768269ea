"""Fixtures of the domain tests: a consortium just founded, its lead and a partner."""

from __future__ import annotations

import pytest

from consortium.aggregate import Consortium
from consortium.members import Member, MemberRole, Sector
from tests.domain.support import admit, found


@pytest.fixture
def consortium() -> Consortium:
    """A consortium just founded, in exploration, without members."""
    return found()


@pytest.fixture
def lead(consortium: Consortium) -> Member:
    """Gemeente Utrecht, the only lead (penvoerder) of the consortium."""
    return admit(consortium, "Gemeente Utrecht", role=MemberRole.LEAD, sector=Sector.MUNICIPALITY)


@pytest.fixture
def partner(consortium: Consortium) -> Member:
    """Hogeschool Utrecht, a partner of the consortium."""
    return admit(consortium, "Hogeschool Utrecht", sector=Sector.ACADEMIA)
