"""Invalid input is 422, listed field by field: `{"field", "pointer", "detail"}` per error."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tests.api.support import (
    CONSORTIA,
    address_of,
    admit,
    api_routes,
    field_errors,
    move,
    problem_of,
    refused_fields,
)
from tests.conftest import Api

UTRECHT: dict[str, Any] = {"party": "Gemeente Utrecht", "sector": "municipality", "role": "lead"}
FOUNDING: dict[str, Any] = {"name": "Slimme wijk", "challenge": "Eenzaamheid"}


def members_of(consortium_id: str) -> str:
    return f"{CONSORTIA}/{consortium_id}/members"


# -- the shape of a field error -----------------------------------------------------------------


def test_a_field_error_names_the_field_a_pointer_and_why(api: Api) -> None:
    response = api.post(CONSORTIA, json={**FOUNDING, "name": 7})

    assert field_errors(response)["name"] == {
        "field": "name",
        "pointer": "#/name",
        "detail": "Not a valid string.",
    }


def test_every_invalid_field_is_listed(api: Api) -> None:
    response = api.post(CONSORTIA, json={"name": 7, "challenge": None, "colour": "red"})

    assert set(field_errors(response)) == {"name", "challenge", "colour"}


def test_missing_required_fields_are_listed(api: Api) -> None:
    assert set(field_errors(api.post(CONSORTIA, json={}))) == {"name", "challenge"}


def test_a_body_that_is_no_object_is_refused_as_a_whole(api: Api) -> None:
    assert set(field_errors(api.post(CONSORTIA, json=["Slimme wijk"]))) == {"(body)"}


def test_an_invalid_founding_records_nothing(api: Api) -> None:
    api.post(CONSORTIA, json={**FOUNDING, "name": ""})

    assert api.get(CONSORTIA).json["items"] == []


# -- unknown fields -----------------------------------------------------------------------------


def test_an_unknown_field_is_refused_pointing_at_it_in_every_body(
    api: Api, consortium_id: str
) -> None:
    member = admit(api, consortium_id, "Gemeente Utrecht", "municipality", "lead")
    member_address = f"{members_of(consortium_id)}/{member['id']}"
    bodies: dict[str, dict[str, Any]] = {
        CONSORTIA: {**FOUNDING, "budget": "1000.00"},
        members_of(consortium_id): {**UTRECHT, "budget": "1000.00"},
        f"{CONSORTIA}/{consortium_id}/phase": {"phase": "pilot", "budget": "1000.00"},
        f"{member_address}/leave": {"reason": "Klaar", "budget": "1000.00"},
    }

    pointers = {
        address: tuple(e["pointer"] for e in problem_of(api.post(address, json=body))["errors"])
        for address, body in bodies.items()
    }

    assert pointers == dict.fromkeys(bodies, ("#/budget",))


def test_an_unknown_field_refuses_the_whole_request(api: Api) -> None:
    api.post(CONSORTIA, json={**FOUNDING, "budget": "1000.00"})

    assert api.get(CONSORTIA).json["items"] == []


# -- types and values ---------------------------------------------------------------------------


def test_a_founding_with_an_invalid_value_names_its_field(api: Api) -> None:
    cases: dict[str, tuple[str, Any]] = {
        "empty name": ("name", ""),
        "name too long": ("name", "x" * 1001),
        "empty challenge": ("challenge", ""),
        "description as number": ("description", 12),
    }

    refused = {
        case: refused_fields(api.post(CONSORTIA, json={**FOUNDING, field: value}))
        for case, (field, value) in cases.items()
    }

    assert refused == {case: {field} for case, (field, _) in cases.items()}


def test_an_admission_with_an_invalid_value_names_its_field(api: Api, consortium_id: str) -> None:
    cases: dict[str, tuple[str, Any]] = {
        "empty party": ("party", ""),
        "party as list": ("party", ["Gemeente Utrecht"]),
        "unknown sector": ("sector", "gemeente"),
        "sector null": ("sector", None),
        "unknown role": ("role", "penvoerder"),
        "role as number": ("role", 1),
        "no email address": ("contact_email", "wijkzorg at utrecht"),
    }

    refused = {
        case: refused_fields(api.post(members_of(consortium_id), json={**UTRECHT, field: value}))
        for case, (field, value) in cases.items()
    }

    assert refused == {case: {field} for case, (field, _) in cases.items()}


def test_an_unknown_sector_lists_the_sectors(api: Api, consortium_id: str) -> None:
    response = api.post(members_of(consortium_id), json={**UTRECHT, "sector": "gemeente"})

    detail = field_errors(response)["sector"]["detail"]
    sectors = ("municipality", "academia", "market", "civil_society", "government")
    assert all(sector in detail for sector in sectors)


def test_an_unknown_phase_names_phase(api: Api, consortium_id: str) -> None:
    response = move(api, consortium_id, "opschaling")

    assert set(field_errors(response)) == {"phase"}


def test_a_population_for_a_non_municipality_is_refused(api: Api, consortium_id: str) -> None:
    response = api.post(
        members_of(consortium_id),
        json={"party": "Universiteit Utrecht", "sector": "academia", "role": "partner"}
        | {"population": 30000},
    )

    assert set(field_errors(response)) == {"population"}


def test_a_population_that_is_no_positive_whole_number_is_refused(
    api: Api, consortium_id: str
) -> None:
    populations: list[Any] = ["374238", 374238.0, 374238.5, True, 0, -1, 10**12]

    refused = {
        repr(population): refused_fields(
            api.post(members_of(consortium_id), json={**UTRECHT, "population": population})
        )
        for population in populations
    }

    assert refused == {repr(population): {"population"} for population in populations}


def test_an_invalid_admission_admits_no_one(api: Api, consortium_id: str) -> None:
    api.post(members_of(consortium_id), json={**UTRECHT, "population": "veel"})

    assert api.get(members_of(consortium_id)).json["items"] == []


# -- query parameters ---------------------------------------------------------------------------


def test_an_unknown_query_parameter_is_refused_pointing_at_it(api: Api, consortium_id: str) -> None:
    addresses = {
        "portfolio": f"{CONSORTIA}?page=2",
        "consortium": f"{CONSORTIA}/{consortium_id}?page=2",
        "history": f"{CONSORTIA}/{consortium_id}/events?page=2",
    }

    pointers = {
        name: tuple(e["pointer"] for e in problem_of(api.get(address))["errors"])
        for name, address in addresses.items()
    }

    assert pointers == dict.fromkeys(addresses, ("query:page",))


def test_every_api_read_refuses_an_unknown_query_parameter(
    app: Flask, api: Api, consortium_id: str
) -> None:
    member = admit(api, consortium_id, "Gemeente Utrecht", "municipality", "lead")
    ids = {"consortium_id": consortium_id, "member_id": member["id"]}
    addresses = [address_of(rule, ids) for _, rule in api_routes(app, frozenset({"GET"}))]

    refused = {
        address: refused_fields(api.get(address, query_string="zzz=1")) for address in addresses
    }

    # Required parameters (a trace's figure) may be named too; the unknown one always is.
    unrefused = {
        a for a, fields in refused.items() if isinstance(fields, int) or "zzz" not in fields
    }
    assert unrefused == set(), refused


def test_an_invalid_paging_parameter_names_it(api: Api, consortium_id: str) -> None:
    history = f"{CONSORTIA}/{consortium_id}/events"
    cases = {
        "limit 0": (CONSORTIA, "limit", "0"),
        "limit 201": (CONSORTIA, "limit", "201"),
        "limit not a number": (CONSORTIA, "limit", "many"),
        "history after -1": (history, "after", "-1"),
        "history limit 0": (history, "limit", "0"),
        "history after not a number": (history, "after", "one"),
    }

    refused = {
        case: refused_fields(api.get(address, query_string={name: value}))
        for case, (address, name, value) in cases.items()
    }

    assert refused == {case: {name} for case, (_, name, _) in cases.items()}
