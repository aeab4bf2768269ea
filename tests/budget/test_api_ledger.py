"""The ledger over HTTP (SQLite and PostgreSQL): commitments and their revisions, contributions
and reversals, expenditures, cost-sharing; bad money refused with a 422 naming the field and
nothing stored; who may book what."""

from __future__ import annotations

from typing import Any, Final
from uuid import UUID

import pytest
from flask.testing import FlaskClient

from consortium.access import Role
from consortium.members import MemberRole, Sector
from events.bootstrap import Store
from events.caller import Caller
from tests.budget.support import (
    FIRST_YEAR,
    LAST_YEAR,
    PM,
    TODAY,
    UNIVERSITY,
    budget,
    contribute,
    created,
    of,
    pledge,
    problem_of,
    refused,
    reverse,
    share,
    spend,
    version_of,
)
from tests.conftest import Api, issue_token
from tests.http import json_of

UTRECHT: Final = "Gemeente Utrecht"
AMERSFOORT: Final = "Gemeente Amersfoort"
ZEIST: Final = "Gemeente Zeist"


def leave(store: Store, caller: Caller, consortium_id: str, member_id: str) -> None:
    store.consortia.member_leaves(
        UUID(consortium_id), UUID(member_id), reason="Uitgetreden", caller=caller
    )


@pytest.fixture
def elsewhere(store: Store, caller: Caller) -> str:
    """A member of another consortium (the programme manager runs both)."""
    other = store.consortia.found(
        name="Warme wijken", challenge="Van het gas af", description=None, caller=caller
    )
    member = store.consortia.admit_member(
        other.id,
        party="Gemeente Houten",
        sector=Sector.MUNICIPALITY,
        role=MemberRole.LEAD,
        contact_email=None,
        population=50_000,
        caller=caller,
    )
    return str(member.id)


# -- commitments --------------------------------------------------------------------------------


def test_a_pledge_and_its_revision_are_both_kept_and_shown(
    pm: Api, consortium_id: str, members: dict[str, str]
) -> None:
    utrecht = members[UTRECHT]

    response = pledge(pm, consortium_id, utrecht, 2027, "25000.00")
    first = created(response)
    no_reason = pledge(pm, consortium_id, utrecht, 2027, "20000.00")
    same = pledge(pm, consortium_id, utrecht, 2027, "25000.00", reason="Nogmaals")
    revised = created(pledge(pm, consortium_id, utrecht, 2027, "20000.00", reason="Raadsbesluit"))

    assert first["revision"] == 1
    assert {k: first[k] for k in ("member_id", "year", "amount", "currency", "reason")} == {
        "member_id": utrecht,
        "year": 2027,
        "amount": "25000.00",
        "currency": "EUR",
        "reason": None,
    }
    assert first["recorded_by"] == PM
    assert json_of(pm.get(response.headers["Location"])) == first
    assert refused(no_reason) == {"reason"}
    problem_of(same, 409)
    assert (revised["revision"], revised["reason"], revised["amount"]) == (
        2,
        "Raadsbesluit",
        "20000.00",
    )
    (listed,) = json_of(
        pm.get(of(consortium_id, "commitments"), query_string={"member_id": utrecht})
    )["items"]
    assert (listed["party"], listed["year"], listed["amount"]) == (UTRECHT, 2027, "20000.00")
    assert listed["revisions"] == [first, revised]
    assert budget(pm, consortium_id)["totals"]["committed"] == "20000.00"


def test_pledges_are_listed_per_member_and_year(
    pm: Api, consortium_id: str, members: dict[str, str]
) -> None:
    for year in (2026, 2027):
        for party in (UTRECHT, AMERSFOORT):
            created(pledge(pm, consortium_id, members[party], year, f"{year}.00"))

    every = json_of(pm.get(of(consortium_id, "commitments")))["items"]
    of_amersfoort = json_of(
        pm.get(of(consortium_id, "commitments"), query_string={"member_id": members[AMERSFOORT]})
    )["items"]

    assert [(p["year"], p["party"]) for p in every] == sorted(
        [(2026, UTRECHT), (2026, AMERSFOORT), (2027, UTRECHT), (2027, AMERSFOORT)],
        key=lambda p: (p[0], members[p[1]]),
    )
    assert [(p["party"], p["year"], p["amount"]) for p in of_amersfoort] == [
        (AMERSFOORT, 2026, "2026.00"),
        (AMERSFOORT, 2027, "2027.00"),
    ]


def test_the_lists_filter_by_year_and_a_committed_share_points_at_its_year(
    pm: Api, consortium_id: str, members: dict[str, str]
) -> None:
    created(pledge(pm, consortium_id, members[UTRECHT], 2026, "10.00"))
    created(contribute(pm, consortium_id, members[UTRECHT], "10.00", year=2027))
    committed = created(share(pm, consortium_id, "30.00", "equal", commit_year=2027))
    location = share(pm, consortium_id, "30.00", "equal", commit_year=2028).headers["Location"]

    answers = {
        "commitments of 2027": pm.get(
            of(consortium_id, "commitments"), query_string={"year": 2027}
        ),
        "contributions of 2027": pm.get(
            of(consortium_id, "contributions"), query_string={"year": 2027}
        ),
        "the shares' Location": pm.get(location),
    }

    assert {case: r.status_code for case, r in answers.items()} == dict.fromkeys(answers, 200)
    assert len(json_of(answers["commitments of 2027"])["items"]) == len(committed["shares"])
    assert len(json_of(answers["contributions of 2027"])["items"]) == 1
    assert {p["year"] for p in json_of(answers["the shares' Location"])["items"]} == {2028}


def test_a_member_who_left_can_neither_pledge_nor_contribute_nor_share(
    pm: Api,
    store: Store,
    caller: Caller,
    consortium_id: str,
    members: dict[str, str],
) -> None:
    zeist = members[ZEIST]
    created(pledge(pm, consortium_id, zeist, 2026, "5000.00"))
    leave(store, caller, consortium_id, zeist)

    assert "left" in problem_of(pledge(pm, consortium_id, zeist, 2027, "5000.00"), 409)["detail"]
    assert "left" in problem_of(contribute(pm, consortium_id, zeist, "1.00"), 409)["detail"]
    assert refused(share(pm, consortium_id, "100.00", "equal", member_ids=[zeist])) == {
        "member_ids"
    }
    rows = {m["party"]: m for m in budget(pm, consortium_id)["members"]}
    assert (rows[ZEIST]["active"], rows[ZEIST]["committed"]) == (False, "5000.00")


# -- contributions and reversals ----------------------------------------------------------------


def test_contributions_in_cash_and_in_kind_are_logged_with_who_logged_them(
    pm: Api, consortium_id: str, members: dict[str, str]
) -> None:
    cash_response = contribute(
        pm, consortium_id, members[UTRECHT], "30000.00", reference="Factuur 2026-001"
    )
    cash = created(cash_response)
    hours = created(
        contribute(
            pm,
            consortium_id,
            members[UNIVERSITY],
            "1020.00",
            kind="in_kind",
            hours="12",
            rate="85.00",
            year=2027,
        )
    )
    service = created(contribute(pm, consortium_id, members[AMERSFOORT], "2500.00", kind="in_kind"))

    assert {k: cash[k] for k in ("kind", "amount", "date", "year", "reference", "logged_by")} == {
        "kind": "cash",
        "amount": "30000.00",
        "date": TODAY.isoformat(),
        "year": 2026,
        "reference": "Factuur 2026-001",
        "logged_by": PM,
    }
    assert (cash["hours"], cash["rate"], cash["reversal"]) == (None, None, None)
    assert (hours["hours"], hours["rate"], hours["year"]) == ("12", "85.00", 2027)
    assert (service["hours"], service["rate"]) == (None, None)
    assert json_of(pm.get(cash_response.headers["Location"])) == cash
    in_kind = json_of(pm.get(of(consortium_id, "contributions"), query_string={"kind": "in_kind"}))
    assert [c["id"] for c in in_kind["items"]] == [hours["id"], service["id"]]
    totals = budget(pm, consortium_id)["totals"]
    assert (totals["received_cash"], totals["received_in_kind"], totals["received"]) == (
        "30000.00",
        "3520.00",
        "33520.00",
    )


def test_work_in_kind_given_as_hours_at_a_rate_is_booked_at_their_product(
    pm: Api, consortium_id: str, members: dict[str, str]
) -> None:
    body = {
        "member_id": members[UNIVERSITY],
        "kind": "in_kind",
        "hours": 40,
        "rate": "85.00",
        "date": TODAY.isoformat(),
    }

    logged = created(pm.post(of(consortium_id, "contributions"), json=body))

    assert (logged["hours"], logged["rate"], logged["amount"]) == ("40", "85.00", "3400.00")
    assert budget(pm, consortium_id)["totals"]["received_in_kind"] == "3400.00"


def test_a_reversal_points_at_the_contribution_once(
    pm: Api, consortium_id: str, members: dict[str, str]
) -> None:
    kept = created(contribute(pm, consortium_id, members[UTRECHT], "300.00"))
    mistake = created(contribute(pm, consortium_id, members[UTRECHT], "3000.00"))

    response = reverse(pm, consortium_id, mistake["id"], "Dubbel geboekt")
    reversal = created(response)
    again = reverse(pm, consortium_id, mistake["id"], "Nog eens")

    assert (reversal["contribution_id"], reversal["reason"], reversal["reversed_by"]) == (
        mistake["id"],
        "Dubbel geboekt",
        PM,
    )
    assert json_of(pm.get(response.headers["Location"])) == reversal
    assert "reversed already" in problem_of(again, 409)["detail"]
    shown = json_of(pm.get(of(consortium_id, "contributions", mistake["id"])))
    assert (shown["amount"], shown["reversal"]) == ("3000.00", reversal)
    listed = json_of(pm.get(of(consortium_id, "contributions")))["items"]
    assert [c["id"] for c in listed] == [kept["id"], mistake["id"]]
    assert budget(pm, consortium_id)["totals"]["received_cash"] == "300.00"
    problem_of(pm.get(of(consortium_id, "contributions", kept["id"], "reversal")), 404)
    problem_of(reverse(pm, consortium_id, members[UTRECHT], "Bestaat niet"), 404)
    assert refused(reverse(pm, consortium_id, kept["id"], "")) == {"reason"}


# -- expenditures -------------------------------------------------------------------------------


def test_spending_beyond_what_is_available_is_refused_saying_how_much_is(
    pm: Api, consortium_id: str, members: dict[str, str]
) -> None:
    created(pledge(pm, consortium_id, members[UTRECHT], 2026, "90000.00"))
    created(contribute(pm, consortium_id, members[UTRECHT], "1000.00"))
    created(contribute(pm, consortium_id, members[AMERSFOORT], "5000.00", kind="in_kind"))
    created(spend(pm, consortium_id, "600.00"))

    too_much = problem_of(spend(pm, consortium_id, "400.01"), 409)
    exact = created(spend(pm, consortium_id, "400.00", description="Projectleider"))

    assert too_much["available"] == "400.00"
    assert "400.00" in too_much["detail"]
    assert "400.01" in too_much["detail"]
    assert (exact["amount"], exact["year"], exact["recorded_by"]) == ("400.00", 2026, PM)
    assert exact["description"] == "Projectleider"
    assert problem_of(spend(pm, consortium_id, "0.01"), 409)["available"] == "0.00"
    spent = json_of(pm.get(of(consortium_id, "expenditures")))["items"]
    assert [e["amount"] for e in spent] == ["600.00", "400.00"]
    assert budget(pm, consortium_id)["totals"]["available"] == "0.00"


# -- cost-sharing -------------------------------------------------------------------------------


def test_a_cost_share_without_a_year_is_a_calculation_that_records_nothing(
    pm: Api, consortium_id: str, members: dict[str, str]
) -> None:
    before = version_of(pm, consortium_id)

    response = share(pm, consortium_id, "100.00", "equal")

    assert response.status_code == 200, response.get_data(as_text=True)
    body = json_of(response)
    assert (body["amount"], body["key"], body["commit_year"]) == ("100.00", "equal", None)
    assert [(s["party"], s["amount"], s["weight"]) for s in body["shares"]] == [
        (UTRECHT, "25.00", "1"),
        (AMERSFOORT, "25.00", "1"),
        (ZEIST, "25.00", "1"),
        (UNIVERSITY, "25.00", "1"),
    ]
    assert version_of(pm, consortium_id) == before


def test_cost_shares_with_a_year_are_recorded_as_commitments(
    pm: Api, consortium_id: str, members: dict[str, str]
) -> None:
    municipalities = [members[p] for p in (UTRECHT, AMERSFOORT, ZEIST)]

    response = share(
        pm, consortium_id, "100000.00", "population", member_ids=municipalities, commit_year=2027
    )
    weighted = share(
        pm,
        consortium_id,
        "0.05",
        "weights",
        weights={members[UTRECHT]: 1, members[UNIVERSITY]: "1.5"},
    )

    body = created(response)
    assert [s["amount"] for s in body["shares"]] == ["62452.31", "26700.58", "10847.11"]
    assert [s["weight"] for s in body["shares"]] == ["374238", "160000", "65000"]
    assert response.headers["Location"].endswith(of(consortium_id, "commitments?year=2027"))
    pledges = json_of(pm.get(of(consortium_id, "commitments")))["items"]
    assert sorted((p["party"], p["amount"], len(p["revisions"])) for p in pledges) == [
        (AMERSFOORT, "26700.58", 1),
        (UTRECHT, "62452.31", 1),
        (ZEIST, "10847.11", 1),
    ]
    assert all(
        p["revisions"][0]["reason"] == "Verdeelsleutel (population) over 100000.00 euro"
        for p in pledges
    )
    assert budget(pm, consortium_id)["totals"]["committed"] == "100000.00"
    assert {s["member_id"]: s["amount"] for s in json_of(weighted)["shares"]} == {
        members[UTRECHT]: "0.02",
        members[UNIVERSITY]: "0.03",
    }


def test_a_tie_under_the_weights_key_does_not_depend_on_the_order_of_the_json_keys(
    pm: Api, consortium_id: str, members: dict[str, str]
) -> None:
    utrecht, university = members[UTRECHT], members[UNIVERSITY]
    answers = []
    for first, second in ((utrecht, university), (university, utrecht)):
        raw = f'{{"amount": "0.01", "key": "weights", "weights": {{"{first}": 1, "{second}": 1}}}}'
        response = pm.post(
            of(consortium_id, "cost-sharing"), data=raw, content_type="application/json"
        )
        answers.append({s["member_id"]: s["amount"] for s in json_of(response)["shares"]})

    assert answers[0] == answers[1] == {utrecht: "0.01", university: "0.00"}


# -- bad money ----------------------------------------------------------------------------------


def cases_refused(
    api: Api, address: str, base: dict[str, Any], cases: dict[str, dict[str, Any]]
) -> dict[str, set[str] | int]:
    """Each case is the base body with some fields changed (None: left out)."""
    answers = {}
    for case, changes in cases.items():
        body = {**base, **changes}
        body = {k: v for k, v in body.items() if v is not None}
        answers[case] = refused(api.post(address, json=body))
    return answers


Cases = dict[str, tuple[dict[str, Any], str]]

MONEY_CASES: Final[Cases] = {
    "amount as a JSON number": ({"amount": 1000}, "amount"),
    "amount as a JSON float": ({"amount": 1000.5}, "amount"),
    "more than two decimals": ({"amount": "1000.001"}, "amount"),
    "negative": ({"amount": "-1000.00"}, "amount"),
    "zero": ({"amount": "0.00"}, "amount"),
    "above 10^12": ({"amount": "1000000000000.01"}, "amount"),
    "no number": ({"amount": "duizend"}, "amount"),
    "an exponent": ({"amount": "1E3"}, "amount"),
    "unknown currency": ({"currency": "USD"}, "currency"),
    "currency in lower case": ({"currency": "eur"}, "currency"),
    "an unknown field": ({"note": "x"}, "note"),
}


def expected(cases: Cases) -> dict[str, set[str]]:
    return {case: {field} for case, (_, field) in cases.items()}


def bodies(cases: Cases) -> dict[str, dict[str, Any]]:
    return {case: changes for case, (changes, _) in cases.items()}


def test_a_bad_pledge_is_refused_on_its_field_and_nothing_is_stored(
    pm: Api, consortium_id: str, members: dict[str, str]
) -> None:
    before = version_of(pm, consortium_id)
    cases: Cases = {
        **MONEY_CASES,
        "no amount": ({"amount": None}, "amount"),
        "a year before the budget": ({"year": FIRST_YEAR - 1}, "year"),
        "a year after the budget": ({"year": LAST_YEAR + 1}, "year"),
        "a year as text": ({"year": "2027"}, "year"),
        "no member": ({"member_id": None}, "member_id"),
        "a member id that is no id": ({"member_id": "Utrecht"}, "member_id"),
    }
    base = {"member_id": members[UTRECHT], "year": 2027, "amount": "1000.00"}

    answers = cases_refused(pm, of(consortium_id, "commitments"), base, bodies(cases))

    assert answers == expected(cases)
    assert version_of(pm, consortium_id) == before


def test_a_bad_contribution_is_refused_on_its_field_and_nothing_is_stored(
    pm: Api, consortium_id: str, members: dict[str, str]
) -> None:
    before = version_of(pm, consortium_id)
    in_kind = {"kind": "in_kind", "amount": "150.00", "hours": "2", "rate": "75.00"}
    cases: Cases = {
        **MONEY_CASES,
        "a year before the budget": ({"year": FIRST_YEAR - 1}, "year"),
        "a year after the budget": ({"year": LAST_YEAR + 1}, "year"),
        "dated after today": ({"date": "2026-03-03"}, "date"),
        "dated before the budget": ({"date": "2025-12-31"}, "date"),
        "no such day": ({"date": "2026-02-30"}, "date"),
        "no date": ({"date": None}, "date"),
        "an unknown kind": ({"kind": "gift"}, "kind"),
        "hours with cash": ({"hours": "2", "rate": "75.00", "amount": "150.00"}, "hours"),
        "a rate as a number": ({**in_kind, "rate": 75}, "rate"),
        "a negative rate": ({**in_kind, "rate": "-75.00", "amount": "150.00"}, "rate"),
        "hours with three decimals": ({**in_kind, "hours": "2.001"}, "hours"),
        "no hours": ({**in_kind, "hours": None}, "hours"),
        "no rate": ({**in_kind, "rate": None}, "rate"),
        "zero hours": ({**in_kind, "hours": "0"}, "hours"),
        "not hours × rate": ({**in_kind, "amount": "150.01"}, "amount"),
        "no amount for cash": ({"amount": None}, "amount"),
        "no amount nor hours in kind": ({"kind": "in_kind", "amount": None}, "amount"),
        "hours without a rate or amount": ({**in_kind, "amount": None, "rate": None}, "rate"),
        "a reference too long": ({"reference": "x" * 10_000}, "reference"),
    }
    base = {"member_id": members[UTRECHT], "kind": "cash", "amount": "250.00", "date": "2026-03-02"}

    answers = cases_refused(pm, of(consortium_id, "contributions"), base, bodies(cases))

    assert answers == expected(cases)
    assert version_of(pm, consortium_id) == before


def test_a_bad_expenditure_is_refused_on_its_field_and_nothing_is_stored(
    pm: Api, consortium_id: str, members: dict[str, str]
) -> None:
    created(contribute(pm, consortium_id, members[UTRECHT], "5000.00"))
    before = version_of(pm, consortium_id)
    cases: Cases = {
        **MONEY_CASES,
        "dated after today": ({"date": "2026-03-03"}, "date"),
        "dated before the budget": ({"date": "2025-12-31"}, "date"),
        "no description": ({"description": None}, "description"),
        "an empty description": ({"description": ""}, "description"),
        "a milestone id that is no id": ({"milestone_id": "mijlpaal"}, "milestone_id"),
    }
    base = {"amount": "1000.00", "date": "2026-03-02", "description": "Inzet"}

    answers = cases_refused(pm, of(consortium_id, "expenditures"), base, bodies(cases))

    assert answers == expected(cases)
    assert version_of(pm, consortium_id) == before


def test_a_cost_share_that_cannot_apply_is_refused_on_its_field_and_nothing_is_stored(
    pm: Api,
    store: Store,
    caller: Caller,
    consortium_id: str,
    members: dict[str, str],
    elsewhere: str,
) -> None:
    leave(store, caller, consortium_id, members[ZEIST])
    before = version_of(pm, consortium_id)
    utrecht, university = members[UTRECHT], members[UNIVERSITY]
    cases: Cases = {
        **MONEY_CASES,
        "an unknown key": ({"key": "fair"}, "key"),
        "a year before the budget": ({"commit_year": FIRST_YEAR - 1}, "commit_year"),
        "a year after the budget": ({"commit_year": LAST_YEAR + 1}, "commit_year"),
        "population of a member without one": ({"key": "population"}, "member_ids"),
        "a member who left": ({"member_ids": [utrecht, members[ZEIST]]}, "member_ids"),
        "a member of another consortium": ({"member_ids": [utrecht, elsewhere]}, "member_ids"),
        "a member twice": ({"member_ids": [utrecht, utrecht]}, "member_ids"),
        "no member": ({"member_ids": []}, "member_ids"),
        "weights adding up to zero": (
            {"key": "weights", "weights": {utrecht: 0, university: 0}},
            "weights",
        ),
        "no weights": ({"key": "weights"}, "weights"),
        "a weight missing": (
            {"key": "weights", "member_ids": [utrecht, university], "weights": {utrecht: 1}},
            "weights",
        ),
        "a negative weight": ({"key": "weights", "weights": {utrecht: -1}}, f"weights.{utrecht}"),
        "weights with the equal key": ({"weights": {utrecht: 1}}, "weights"),
    }
    base = {"amount": "1000.00", "key": "equal", "commit_year": 2027}

    answers = cases_refused(pm, of(consortium_id, "cost-sharing"), base, bodies(cases))

    assert answers == expected(cases)
    assert version_of(pm, consortium_id) == before


def test_a_member_of_another_consortium_is_refused_on_member_id(
    pm: Api, consortium_id: str, members: dict[str, str], elsewhere: str
) -> None:
    before = version_of(pm, consortium_id)

    answers = {
        "pledge": refused(pledge(pm, consortium_id, elsewhere, 2027, "1000.00")),
        "contribution": refused(contribute(pm, consortium_id, elsewhere, "1000.00")),
    }

    assert answers == {"pledge": {"member_id"}, "contribution": {"member_id"}}
    assert version_of(pm, consortium_id) == before


def test_an_amount_in_other_digits_than_0_to_9_is_refused(
    pm: Api, consortium_id: str, members: dict[str, str]
) -> None:
    arabic_indic = "\u0661\u0662\u0663.\u0664\u0665"  # 123.45
    full_width = "\uff11\uff12\uff13"  # 123
    answers = [
        refused(pledge(pm, consortium_id, members[UTRECHT], 2027, arabic_indic)),
        refused(pledge(pm, consortium_id, members[UTRECHT], 2028, full_width)),
    ]

    assert answers == [{"amount"}, {"amount"}]


def test_a_contribution_with_a_wrong_amount_is_told_what_is_wrong_with_it_not_that_it_is_missing(
    pm: Api, consortium_id: str, members: dict[str, str]
) -> None:
    for_amount = [
        e["detail"]
        for e in json_of(contribute(pm, consortium_id, members[UTRECHT], "1000.001"))["errors"]
        if e["field"] == "amount"
    ]

    assert [("two decimals" in detail, "Missing" in detail) for detail in for_amount] == [
        (True, False)
    ]


def test_a_weight_with_a_huge_exponent_is_refused_or_kept_small(
    pm: Api, consortium_id: str, members: dict[str, str]
) -> None:
    weights = {members[UTRECHT]: "1E-1000000", members[AMERSFOORT]: "1"}

    response = share(pm, consortium_id, "10.00", "weights", weights=weights)

    small = response.status_code == 200 and len(response.get_data()) < 10_000
    assert small or refused(response) == {f"weights.{members[UTRECHT]}"}


# -- who may book what --------------------------------------------------------------------------


def test_a_member_representative_books_for_its_own_member_only(
    store: Store,
    caller: Caller,
    client: FlaskClient,
    pm: Api,
    consortium_id: str,
    members: dict[str, str],
) -> None:
    store.consortia.grant_role(
        UUID(consortium_id),
        account="wethouder@amersfoort.example",
        role=Role.MEMBER_REPRESENTATIVE,
        member_id=UUID(members[AMERSFOORT]),
        caller=caller,
    )
    store.consortia.grant_role(
        UUID(consortium_id),
        account="fonds@provincie.example",
        role=Role.FUNDER,
        member_id=None,
        caller=caller,
    )
    amersfoort = Api(client, issue_token(store, "wethouder@amersfoort.example"))
    funder = Api(client, issue_token(store, "fonds@provincie.example"))
    utrecht_gift = created(contribute(pm, consortium_id, members[UTRECHT], "1000.00"))

    own = created(contribute(amersfoort, consortium_id, members[AMERSFOORT], "250.00"))
    answers = {
        "pledge for itself": pledge(amersfoort, consortium_id, members[AMERSFOORT], 2027, "5.00"),
        "pledge for another": pledge(amersfoort, consortium_id, members[UTRECHT], 2027, "5.00"),
        "log for another": contribute(amersfoort, consortium_id, members[UTRECHT], "5.00"),
        "reverse another's": reverse(amersfoort, consortium_id, utrecht_gift["id"], "Fout"),
        "spend": spend(amersfoort, consortium_id, "1.00"),
        "commit cost shares": share(amersfoort, consortium_id, "9.00", "equal", commit_year=2027),
        "calculate cost shares": share(amersfoort, consortium_id, "9.00", "equal"),
        "funder logs": contribute(funder, consortium_id, members[AMERSFOORT], "5.00"),
        "funder spends": spend(funder, consortium_id, "1.00"),
    }

    assert own["logged_by"] == "wethouder@amersfoort.example"
    assert {case: r.status_code for case, r in answers.items()} == {
        "pledge for itself": 201,
        "pledge for another": 403,
        "log for another": 403,
        "reverse another's": 403,
        "spend": 403,
        "commit cost shares": 403,
        "calculate cost shares": 200,
        "funder logs": 403,
        "funder spends": 403,
    }
    assert budget(funder, consortium_id)["totals"]["received_cash"] == "1250.00"
