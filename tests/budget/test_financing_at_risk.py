"""Financing at risk over HTTP (SQLite and PostgreSQL): once the service judged a consortium's
financing at risk, the portfolio filters on it (``financing=at_risk`` or ``secured``), the
portfolio, the consortium and each of its checkpoints carry ``financing_at_risk``, and its
history shows the judgement as a business fact. Only those who may see a consortium see it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Final
from uuid import UUID

import pytest
from flask.testing import FlaskClient

from consortium.access import Role
from consortium.members import MemberRole, Sector
from consortium.money import Money
from consortium.phases import Phase
from events.bootstrap import Store
from events.caller import Caller
from tests.budget.support import CONSORTIA, TODAY, created, history, of, refused
from tests.conftest import Api, issue_token
from tests.http import json_of

YEAR: Final = TODAY.year
FUNDER: Final = "subsidie@provincie-utrecht.example"
OTHER_PM: Final = "pm@amersfoort.example"


def in_pilot(store: Store, caller: Caller, consortium_id: UUID, *, years: int) -> None:
    """A lead pledges 10,000 euro for each of ``years`` years from this one; then the pilot."""
    lead = store.consortia.admit_member(
        consortium_id,
        party="Gemeente Utrecht",
        sector=Sector.MUNICIPALITY,
        role=MemberRole.LEAD,
        contact_email=None,
        population=None,
        caller=caller,
    )
    for year in range(YEAR, YEAR + years):
        store.consortia.pledge(
            consortium_id,
            member_id=lead.id,
            year=year,
            amount=Money(Decimal("10000.00")),
            reason=None,
            caller=caller,
        )
    store.consortia.move_to_phase(consortium_id, Phase.PILOT, reason=None, caller=caller)


@pytest.fixture
def at_risk(pm: Api, store: Store, caller: Caller, consortium_id: str) -> str:
    """The consortium of ``consortium_id`` in its pilot, pledged for this year only, with a
    checkpoint in ten days and a funder; judged at risk by a scan."""
    in_pilot(store, caller, UUID(consortium_id), years=1)
    due = (TODAY + timedelta(days=10)).isoformat()
    created(pm.post(of(consortium_id, "milestones"), json={"title": "Pilot", "due_date": due}))
    store.consortia.grant_role(
        UUID(consortium_id), account=FUNDER, role=Role.FUNDER, member_id=None, caller=caller
    )
    store.reminders.scan()
    return consortium_id


@pytest.fixture
def secured(store: Store, caller: Caller) -> str:
    """A second consortium of the same programme manager, in its pilot, pledged for this year
    and the next (and so secured), with a checkpoint in ten days."""
    founded = store.consortia.found(
        name="Warme wijk", challenge="Van het gas af", description=None, caller=caller
    )
    in_pilot(store, caller, founded.id, years=2)
    store.consortia.plan_milestone(
        founded.id,
        title="Pilot",
        due_date=TODAY + timedelta(days=10),
        description=None,
        questions=None,
        tranche=None,
        closes_phase=None,
        responsible_member_ids=None,
        caller=caller,
    )
    store.reminders.scan()
    return str(founded.id)


def portfolio(api: Api, **query: str) -> dict[str, bool]:
    """Consortium id → financing_at_risk, of every consortium the portfolio lists."""
    response = api.get(CONSORTIA, query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return {item["id"]: item["financing_at_risk"] for item in json_of(response)["items"]}


def test_the_portfolio_filters_on_financing_at_risk_and_secured(
    pm: Api, at_risk: str, secured: str
) -> None:
    assert portfolio(pm, financing="at_risk") == {at_risk: True}
    assert portfolio(pm, financing="secured") == {secured: False}
    assert portfolio(pm) == {at_risk: True, secured: False}


def test_the_consortium_says_whether_its_financing_is_at_risk(
    pm: Api, at_risk: str, secured: str
) -> None:
    flags = [json_of(pm.get(of(c)))["financing_at_risk"] for c in (at_risk, secured)]

    assert flags == [True, False]


def test_each_checkpoint_says_whether_its_consortiums_financing_is_at_risk(
    pm: Api, at_risk: str, secured: str
) -> None:
    items = json_of(pm.get("/api/v1/checkpoints"))["items"]

    assert {i["consortium_id"]: i["financing_at_risk"] for i in items} == {
        at_risk: True,
        secured: False,
    }


def test_the_history_shows_the_judgement_as_a_business_fact(pm: Api, at_risk: str) -> None:
    (fact,) = [e for e in history(pm, at_risk) if e["type"] == "FinancingAtRisk"]

    assert fact["actor"] == "system:financing"
    assert fact["about"] == TODAY.isoformat()
    assert {k: fact["data"][k] for k in ("years_covered", "years_ahead", "horizon")} == {
        "years_covered": 1,
        "years_ahead": 2,
        "horizon": YEAR,
    }
    assert (fact["data"]["next_year_gap"], fact["data"]["gap_threshold"]) == ("0.00", "0.00")


def test_pledges_reaching_far_enough_again_are_shown_secured_after_the_next_scan(
    pm: Api, store: Store, caller: Caller, at_risk: str
) -> None:
    (lead,) = store.consortia.consortium(UUID(at_risk), caller).members
    store.consortia.pledge(
        UUID(at_risk),
        member_id=lead.id,
        year=YEAR + 1,
        amount=Money(Decimal("10000.00")),
        reason=None,
        caller=caller,
    )

    store.reminders.scan()

    assert portfolio(pm, financing="at_risk") == {}
    assert [e["type"] for e in history(pm, at_risk) if e["type"].startswith("Financing")] == [
        "FinancingAtRisk",
        "FinancingSecured",
    ]


def test_a_funder_sees_the_flag_of_the_consortium_it_funds_only(
    client: FlaskClient, store: Store, at_risk: str, secured: str
) -> None:
    funder = Api(client, issue_token(store, FUNDER))

    assert portfolio(funder, financing="at_risk") == {at_risk: True}
    assert portfolio(funder, financing="secured") == {}


def test_another_programme_manager_sees_no_consortium_at_risk_of_others(
    client: FlaskClient, store: Store, at_risk: str
) -> None:
    other = Api(client, issue_token(store, OTHER_PM))

    assert portfolio(other, financing="at_risk") == {}
    assert json_of(other.get("/api/v1/checkpoints"))["items"] == []


@pytest.mark.parametrize("value", ["risky", "AT_RISK", ""])
def test_an_unknown_financing_filter_is_refused_on_its_field(pm: Api, value: str) -> None:
    assert refused(pm.get(CONSORTIA, query_string={"financing": value})) == {"financing"}


def test_a_consortium_never_judged_is_secured(pm: Api, consortium_id: str) -> None:
    assert portfolio(pm, financing="secured") == {consortium_id: False}
