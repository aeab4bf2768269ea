"""The budget view over HTTP (SQLite and PostgreSQL): committed, received (cash and in kind),
spent and available in total, per year and per member; the financing horizon; ``?as_of=``
giving every figure as it stood then; and a party's money across its consortia."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Final
from urllib.parse import quote
from uuid import UUID

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from consortium.access import Role
from consortium.cause import AMSTERDAM
from consortium.members import MemberRole, Sector
from events.bootstrap import Store
from events.caller import Caller
from tests.budget.support import (
    BASE,
    UNIVERSITY,
    answered,
    budget,
    contribute,
    created,
    history,
    of,
    pledge,
    problem_of,
    recompute_from_history,
    refused,
    reverse,
    share,
    spend,
)
from tests.clock import StepClock
from tests.conftest import Api, issue_token
from tests.http import json_of

UTRECHT: Final = "Gemeente Utrecht"
AMERSFOORT: Final = "Gemeente Amersfoort"
ZEIST: Final = "Gemeente Zeist"
ZERO: Final = "0.00"


def figures(
    committed: str = ZERO,
    cash: str = ZERO,
    in_kind: str = ZERO,
    spent: str = ZERO,
    received: str = ZERO,
    available: str = ZERO,
    outstanding: str = ZERO,
) -> dict[str, str]:
    """The figures of a budget row where every pledge is one of cash."""
    return {
        "committed": committed,
        "committed_cash": committed,
        "committed_in_kind": ZERO,
        "received": received,
        "received_cash": cash,
        "received_in_kind": in_kind,
        "spent": spent,
        "available": available,
        "outstanding": outstanding,
        "outstanding_in_kind": f"{Decimal(0) - Decimal(in_kind):.2f}",
        "needed": ZERO,  # no financing plan
        "gap": ZERO,
    }


def money_of(api: Api, party: str, **query: str) -> dict[str, Any]:
    response = api.get(f"{BASE}/members/{quote(party)}/money", query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    body: dict[str, Any] = json_of(response)
    return body


def test_the_budget_shows_totals_years_members_and_the_horizon(
    pm: Api, consortium_id: str, members: dict[str, str]
) -> None:
    utrecht, amersfoort = members[UTRECHT], members[AMERSFOORT]
    for year in (2026, 2027, 2028):
        created(pledge(pm, consortium_id, utrecht, year, "30000.00"))
    created(pledge(pm, consortium_id, amersfoort, 2026, "12500.50"))
    created(contribute(pm, consortium_id, utrecht, "30000.00"))
    created(contribute(pm, consortium_id, amersfoort, "2000.25", year=2027))
    created(
        contribute(
            pm,
            consortium_id,
            members[UNIVERSITY],
            "1700.00",
            kind="in_kind",
            hours="20",
            rate="85.00",
        )
    )
    created(spend(pm, consortium_id, "15000.00"))

    body = budget(pm, consortium_id)

    assert (body["consortium_id"], body["as_of"], body["currency"]) == (consortium_id, None, "EUR")
    assert body["totals"] == figures(
        committed="102500.50",
        cash="32000.25",
        in_kind="1700.00",
        received="33700.25",
        spent="15000.00",
        available="17000.25",
        outstanding="70500.25",
    )
    assert body["years"] == [
        {
            "year": 2026,
            **figures(
                committed="42500.50",
                cash="30000.00",
                in_kind="1700.00",
                received="31700.00",
                spent="15000.00",
                available="15000.00",
                outstanding="12500.50",
            ),
        },
        {
            "year": 2027,
            **figures(
                committed="30000.00",
                cash="2000.25",
                received="2000.25",
                available="2000.25",
                outstanding="27999.75",
            ),
        },
        {"year": 2028, **figures(committed="30000.00", outstanding="30000.00")},
    ]
    rows = {m["party"]: m for m in body["members"]}
    assert list(rows) == [UTRECHT, AMERSFOORT, ZEIST, UNIVERSITY]
    assert {k: rows[UTRECHT][k] for k in ("member_id", "active", "committed", "received_cash")} == {
        "member_id": utrecht,
        "active": True,
        "committed": "90000.00",
        "received_cash": "30000.00",
    }
    assert [y["year"] for y in rows[UTRECHT]["years"]] == [2026, 2027, 2028]
    assert rows[AMERSFOORT]["years"] == [
        # pledged by hand: no version of the cost-sharing key made it
        {
            "year": 2026,
            "key_version": None,
            **figures(committed="12500.50", outstanding="12500.50"),
        },
        {
            "year": 2027,
            "key_version": None,
            **figures(
                cash="2000.25", received="2000.25", available="2000.25", outstanding="-2000.25"
            ),
        },
    ]
    assert rows[ZEIST] | {"years": None} == {
        "member_id": members[ZEIST],
        "party": ZEIST,
        "active": True,
        "years": None,
        **figures(),
    }
    assert rows[UNIVERSITY]["received_in_kind"] == "1700.00"
    assert body["horizon"] == {
        "last_committed_year": 2028,
        "needs": [],
        "needs_from": "tranches",  # no financing plan, and no milestone with a tranche
        "year": 2028,  # 2026 to 2028 each have a pledge and need nothing more
        "years_covered": 3,
        "at_risk": False,  # still exploring
        "reasons": [],
    }
    assert body["tranches"] == {"released": ZERO, "planned": ZERO, "items": []}


def test_as_of_gives_every_figure_as_it_stood_then(
    pm: Api, clock: StepClock, consortium_id: str, members: dict[str, str]
) -> None:
    utrecht = members[UTRECHT]
    steps: list[Callable[[], TestResponse]] = [
        lambda: pledge(pm, consortium_id, utrecht, 2026, "10000.00"),
        lambda: contribute(pm, consortium_id, utrecht, "4000.00"),
        lambda: spend(pm, consortium_id, "1500.00"),
        lambda: pledge(pm, consortium_id, utrecht, 2026, "8000.00", reason="Bezuiniging"),
        lambda: share(pm, consortium_id, "900.00", "equal", commit_year=2027),
    ]
    start = clock.peek()
    moments: list[tuple[datetime, dict[str, Any]]] = []
    for step in steps:
        created(step())
        moments.append((clock.peek(), budget(pm, consortium_id)))
        clock.advance(timedelta(hours=1))

    for moment, then in moments:
        as_of = budget(pm, consortium_id, as_of=moment.isoformat())
        assert as_of["as_of"] == moment.astimezone(AMSTERDAM).isoformat()
        assert {k: v for k, v in as_of.items() if k != "as_of"} == {
            k: v for k, v in then.items() if k != "as_of"
        }
    assert budget(pm, consortium_id, as_of=start.isoformat())["totals"] == figures()
    assert budget(pm, consortium_id, as_of=moments[2][0].isoformat())["totals"] == figures(
        committed="10000.00",
        cash="4000.00",
        received="4000.00",
        spent="1500.00",
        available="2500.00",
        outstanding="6000.00",
    )


def test_as_of_a_date_is_the_end_of_that_day_in_amsterdam(
    pm: Api, clock: StepClock, consortium_id: str, members: dict[str, str]
) -> None:
    created(contribute(pm, consortium_id, members[UTRECHT], "100.00"))
    clock.advance(timedelta(days=1))
    created(contribute(pm, consortium_id, members[UTRECHT], "23.45"))

    day_one = budget(pm, consortium_id, as_of="2026-03-02")
    day_two = budget(pm, consortium_id, as_of="2026-03-03")

    assert day_one["totals"]["received_cash"] == "100.00"
    assert day_one["as_of"] == "2026-03-02T23:59:59.999999+01:00"
    assert day_two["totals"]["received_cash"] == "123.45"


def test_as_of_before_the_founding_or_not_a_moment_is_refused(pm: Api, consortium_id: str) -> None:
    problem_of(pm.get(of(consortium_id, "budget"), query_string={"as_of": "2026-03-01"}), 404)
    assert refused(pm.get(of(consortium_id, "budget"), query_string={"as_of": "gisteren"})) == {
        "as_of"
    }
    assert refused(
        pm.get(of(consortium_id, "budget"), query_string={"as_of": "2026-03-02T10:00:00"})
    ) == {"as_of"}
    assert refused(pm.get(of(consortium_id, "budget"), query_string={"year": "2026"})) == {"year"}


def test_the_budget_is_what_the_history_says(
    pm: Api, consortium_id: str, members: dict[str, str]
) -> None:
    created(pledge(pm, consortium_id, members[UTRECHT], 2026, "5000.00"))
    mistake = created(contribute(pm, consortium_id, members[AMERSFOORT], "700.00"))
    created(contribute(pm, consortium_id, members[AMERSFOORT], "70.00"))
    created(reverse(pm, consortium_id, mistake["id"], "Verkeerde bijdrager"))
    created(share(pm, consortium_id, "1000.01", "equal", commit_year=2028))
    created(spend(pm, consortium_id, "69.99"))

    assert answered(budget(pm, consortium_id)) == recompute_from_history(history(pm, consortium_id))


# -- a party's money across its consortia -------------------------------------------------------


@pytest.fixture
def second(store: Store, caller: Caller) -> tuple[str, str]:
    """Another consortium the programme manager runs, with Utrecht as its lead:
    (consortium id, Utrecht's member id there)."""
    other = store.consortia.found(
        name="Warme wijken", challenge="Van het gas af", description=None, caller=caller
    )
    member = store.consortia.admit_member(
        other.id,
        party=UTRECHT,
        sector=Sector.MUNICIPALITY,
        role=MemberRole.LEAD,
        contact_email=None,
        population=374_238,
        caller=caller,
    )
    return str(other.id), str(member.id)


def test_a_partys_money_is_shown_across_its_consortia(
    pm: Api,
    clock: StepClock,
    consortium_id: str,
    members: dict[str, str],
    second: tuple[str, str],
) -> None:
    other_id, utrecht_there = second
    utrecht = members[UTRECHT]
    created(pledge(pm, consortium_id, utrecht, 2026, "30000.00"))
    created(pledge(pm, consortium_id, utrecht, 2027, "30000.00"))
    created(contribute(pm, consortium_id, utrecht, "12000.00"))
    created(contribute(pm, consortium_id, members[AMERSFOORT], "999.00"))
    created(pledge(pm, other_id, utrecht_there, 2026, "5000.00"))
    created(contribute(pm, other_id, utrecht_there, "750.50", kind="in_kind"))
    earlier = clock.peek()
    clock.advance(timedelta(hours=1))
    mistake = created(contribute(pm, other_id, utrecht_there, "4000.00"))
    created(reverse(pm, other_id, mistake["id"], "Dubbel"))
    created(share(pm, other_id, "2000.00", "equal", commit_year=2027))

    now = money_of(pm, UTRECHT)
    then = money_of(pm, "gemeente utrecht", as_of=earlier.isoformat())

    assert now["party"] == UTRECHT
    assert now["totals"] == figures(
        committed="67000.00",
        cash="12000.00",
        in_kind="750.50",
        received="12750.50",
        available="12000.00",
        outstanding="55000.00",
    )
    rows = {row["consortium_id"]: row for row in now["consortia"]}
    assert list(rows) == [consortium_id, other_id]
    assert (rows[consortium_id]["member_ids"], rows[other_id]["member_ids"]) == (
        [utrecht],
        [utrecht_there],
    )
    assert (rows[consortium_id]["name"], rows[consortium_id]["active"]) == (
        "Langer thuis in de wijk",
        True,
    )
    assert [(y["year"], y["committed"]) for y in rows[other_id]["years"]] == [
        (2026, "5000.00"),
        (2027, "2000.00"),
    ]
    assert rows[other_id]["received_cash"] == ZERO
    assert then["totals"]["committed"] == "65000.00"
    assert [row["consortium_id"] for row in then["consortia"]] == [consortium_id, other_id]
    # Now, the read model answers; as of now, the events do: the two agree.
    assert money_of(pm, UTRECHT, as_of=clock.peek().isoformat()) == now
    # And a party's row in a consortium is its row in that consortium's budget.
    utrecht_row = next(m for m in budget(pm, consortium_id)["members"] if m["party"] == UTRECHT)
    assert {k: utrecht_row[k] for k in ("committed", "received", "received_in_kind")} == {
        k: rows[consortium_id][k] for k in ("committed", "received", "received_in_kind")
    }


def test_a_party_sees_only_consortia_the_caller_may_read_and_members_who_left_stay(
    store: Store,
    caller: Caller,
    client: FlaskClient,
    pm: Api,
    consortium_id: str,
    members: dict[str, str],
    second: tuple[str, str],
) -> None:
    other_id, utrecht_there = second
    created(pledge(pm, consortium_id, members[UTRECHT], 2026, "100.00"))
    created(pledge(pm, other_id, utrecht_there, 2026, "200.00"))
    created(pledge(pm, consortium_id, members[ZEIST], 2026, "300.00"))
    store.consortia.member_leaves(
        UUID(consortium_id), UUID(members[ZEIST]), reason="Uitgetreden", caller=caller
    )
    store.consortia.grant_role(
        UUID(consortium_id),
        account="fonds@provincie.example",
        role=Role.FUNDER,
        member_id=None,
        caller=caller,
    )
    funder = Api(client, issue_token(store, "fonds@provincie.example"))

    seen_by_funder = money_of(funder, UTRECHT)
    zeist = money_of(pm, ZEIST)

    assert [row["consortium_id"] for row in seen_by_funder["consortia"]] == [consortium_id]
    assert seen_by_funder["totals"]["committed"] == "100.00"
    assert [(row["active"], row["committed"]) for row in zeist["consortia"]] == [(False, "300.00")]


def admit(store: Store, caller: Caller, consortium_id: str, party: str) -> str:
    member = store.consortia.admit_member(
        UUID(consortium_id),
        party=party,
        sector=Sector.MUNICIPALITY,
        role=MemberRole.PARTNER,
        contact_email=None,
        population=89_000,
        caller=caller,
    )
    return str(member.id)


def test_a_party_is_found_whatever_its_case_accents_and_surrounding_spaces(
    store: Store, caller: Caller, pm: Api, clock: StepClock, consortium_id: str
) -> None:
    friesland = admit(store, caller, consortium_id, "Gemeente Súdwest-Fryslân")
    created(pledge(pm, consortium_id, friesland, 2026, "4000.00"))
    typed = " gemeente  SUDWEST-fryslan "

    as_written = money_of(pm, "Gemeente Súdwest-Fryslân")
    as_typed = money_of(pm, typed)
    as_typed_then = money_of(pm, typed, as_of=clock.peek().isoformat())
    portfolio = json_of(pm.get(f"{BASE}/consortia", query_string={"party": typed}))

    assert as_written["totals"]["committed"] == "4000.00"
    assert {**as_typed, "party": None} == {**as_written, "party": None}
    assert {**as_typed_then, "party": None} == {**as_written, "party": None}
    assert [c["id"] for c in portfolio["items"]] == [consortium_id]


def test_a_name_that_matches_no_party_answers_404_with_the_closest_names(
    pm: Api, clock: StepClock, members: dict[str, str]
) -> None:
    path = f"{BASE}/members/{quote('Gemeente Utrech')}/money"

    now = problem_of(pm.get(path), 404)
    then = problem_of(pm.get(path, query_string={"as_of": clock.peek().isoformat()}), 404)

    assert now["suggestions"][0] == UTRECHT
    assert then["suggestions"] == now["suggestions"]
    assert "Gemeente Utrech" in now["detail"]


def test_the_closest_names_are_only_those_of_consortia_the_caller_may_see(
    store: Store, client: FlaskClient, members: dict[str, str]
) -> None:
    stranger = Caller(actor="pm@heuvelrug.example", request_id="setup", may_found=True)
    own = store.consortia.found(
        name="Groene daken", challenge="Water vasthouden", description=None, caller=stranger
    )
    admit(store, stranger, str(own.id), "Gemeente Utrechtse Heuvelrug")
    api = Api(client, issue_token(store, "pm@heuvelrug.example"))

    unknown = problem_of(api.get(f"{BASE}/members/{quote(UTRECHT)}/money"), 404)

    assert unknown["suggestions"] == ["Gemeente Utrechtse Heuvelrug"]


def test_a_party_that_joined_later_has_no_money_as_of_before_it_joined(
    store: Store, caller: Caller, pm: Api, clock: StepClock, consortium_id: str
) -> None:
    before = clock.peek()
    clock.advance(timedelta(hours=1))
    admit(store, caller, consortium_id, "Gemeente Houten")

    then = money_of(pm, "gemeente houten", as_of=before.isoformat())

    assert (then["consortia"], then["totals"]) == ([], figures())


def test_the_budget_of_a_consortium_one_may_not_read_does_not_exist(
    store: Store, client: FlaskClient, consortium_id: str
) -> None:
    stranger = Api(client, issue_token(store, "buitenstaander@example.nl"))

    problem_of(stranger.get(of(consortium_id, "budget")), 404)
