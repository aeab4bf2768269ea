"""Pledging for several years at once (the pages' pledge grid) in the event store, SQLite and
PostgreSQL: every pledge is recorded in one transaction, or, when one is refused, none is and
the refusal names its year and kind."""

from __future__ import annotations

from uuid import UUID

import pytest

from consortium.errors import InvalidValue
from consortium.ledger import ContributionKind
from events.bootstrap import Store
from events.budget import PledgesRefused
from events.caller import Caller
from tests.budget.support import euro

CASH, IN_KIND = ContributionKind.CASH, ContributionKind.IN_KIND
UTRECHT = "Gemeente Utrecht"
THREE = [(2026, CASH, euro("1000")), (2027, CASH, euro("2000")), (2027, IN_KIND, euro("500"))]


def test_pledges_for_several_years_and_kinds_are_recorded_together(
    store: Store, caller: Caller, consortium_id: str, members: dict[str, str]
) -> None:
    member = UUID(members[UTRECHT])
    version = store.consortia.consortium(UUID(consortium_id), caller).version

    made = store.consortia.pledge_years(
        UUID(consortium_id), member_id=member, reason=None, caller=caller, cells=THREE
    )

    consortium = store.consortia.consortium(UUID(consortium_id), caller)
    assert [(c.year, c.kind, c.amount) for c in made] == THREE
    assert consortium.ledger.pledge(member, 2027, IN_KIND) == euro("500")
    assert consortium.version == version + 3


def test_one_refused_pledge_records_none_and_names_its_cell(
    store: Store, caller: Caller, consortium_id: str, members: dict[str, str]
) -> None:
    member = UUID(members[UTRECHT])
    version = store.consortia.consortium(UUID(consortium_id), caller).version

    with pytest.raises(PledgesRefused) as refused:
        store.consortia.pledge_years(
            UUID(consortium_id), member_id=member, reason=None, caller=caller,
            cells=[(2026, CASH, euro("1000")), (2090, CASH, euro("2000"))],
        )  # fmt: skip

    assert list(refused.value.refusals) == [(2090, CASH)]
    assert isinstance(refused.value.refusals[2090, CASH], InvalidValue)
    assert store.consortia.consortium(UUID(consortium_id), caller).version == version


def test_revisions_in_a_grid_need_the_reason_and_take_it(
    store: Store, caller: Caller, consortium_id: str, members: dict[str, str]
) -> None:
    member = UUID(members[UTRECHT])
    consortia = store.consortia
    consortia.pledge_years(
        UUID(consortium_id), member_id=member, reason=None, caller=caller,
        cells=[(2026, CASH, euro("1000")), (2027, CASH, euro("1000"))],
    )  # fmt: skip
    revise = [(2026, CASH, euro("800")), (2027, CASH, euro("1200"))]

    with pytest.raises(PledgesRefused) as refused:
        consortia.pledge_years(
            UUID(consortium_id), member_id=member, reason=None, caller=caller, cells=revise
        )
    made = consortia.pledge_years(
        UUID(consortium_id), member_id=member, reason="Begroting herzien", caller=caller,
        cells=revise,
    )  # fmt: skip

    assert {getattr(r, "field", None) for r in refused.value.refusals.values()} == {"reason"}
    assert [(c.revision, c.reason) for c in made] == [(2, "Begroting herzien")] * 2
