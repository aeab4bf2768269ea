"""No input makes the service fail (5xx): arbitrary JSON bodies and query strings are answered
with a status below 500, and every 4xx is a problem+json body.

The inputs are generated (hypothesis, derandomised so that a run is repeatable); the addresses
are read from the URL map, so a new endpoint is fuzzed without touching this file. The edge
values that once made the service fail are pinned by the plain tests at the end.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final
from urllib.parse import urlencode

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import TestResponse

from events.bootstrap import Store
from tests.api.support import (
    CONSORTIA,
    OPENAPI,
    address_of,
    admit,
    api_routes,
    found,
    openapi_path,
    problem_of,
    refused_fields,
)
from tests.conftest import Api, issue_token

_WITH_BODY: Final = frozenset({"POST", "PUT", "PATCH"})
_SLOW_HASHING: Final = ("/password",)  # argon2 on every example would dominate the run time
FUZZ: Final = settings(
    max_examples=120,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Words the API knows, so generated bodies and queries get past the first check now and then.
WORDS: Final = (
    "",
    " ",
    "municipality",
    "academia",
    "lead",
    "partner",
    "pilot",
    "stopped",
    "closed",
    "cash",
    "in_kind",
    "equal",
    "population",
    "weights",
    "EUR",
    "USD",
    "100.00",
    "0.00",
    "-5.00",
    "12.345",
    "2026",
    "2026-03-02",
    "2026-03-02T10:00:00+01:00",
    "2026-02-30",
    "wijkzorg@utrecht.example",
    "nl",
    "null",
    "true",
    "0",
    "-1",
)
INTEGERS: Final = st.integers()
MOMENTS: Final = st.datetimes(timezones=st.timezones())
SCALARS: Final = (
    st.none()
    | st.booleans()
    | INTEGERS
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(WORDS)
)
JSON: Final = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)
QUERY_VALUES: Final = (
    st.text(max_size=30)
    | st.sampled_from(WORDS)
    | INTEGERS.map(str)
    | MOMENTS.map(datetime.isoformat)
    | MOMENTS.map(lambda m: m.date().isoformat())
)


def documented_names(document: dict[str, Any], method: str, rule: str) -> list[str]:
    """The body fields (or, for GET, the query parameters) documented for this operation."""
    item = document["paths"].get(openapi_path(rule), {})
    operation = item.get(method.lower(), {})
    if method == "GET":
        return [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
    content = operation.get("requestBody", {}).get("content", {})
    reference = content.get("application/json", {}).get("schema", {}).get("$ref", "")
    schema = document["components"]["schemas"].get(reference.rsplit("/", 1)[-1], {})
    return list(schema.get("properties", {}))


def names_or_any(names: list[str]) -> st.SearchStrategy[str]:
    return st.sampled_from(names) | st.text(max_size=8) if names else st.text(max_size=8)


@pytest.fixture
def document(api: Api) -> dict[str, Any]:
    body = api.client.get(OPENAPI).json
    assert isinstance(body, dict)
    return body


@pytest.fixture
def ids(api: Api, store: Store) -> dict[str, str]:
    """Ids of real things for the addresses: a consortium with a member and a contribution, and
    an account that is not the caller's (so fuzzing it cannot lock the caller out)."""
    consortium_id = found(api)["id"]
    member = admit(api, consortium_id, "Gemeente Utrecht", "municipality", "lead", population=9)
    contribution = api.post(
        f"{CONSORTIA}/{consortium_id}/contributions",
        json={"member_id": member["id"], "kind": "cash", "amount": "100.00", "date": "2026-03-02"},
    )
    assert contribution.status_code == 201, contribution.get_data(as_text=True)
    issue_token(store, "fuzz@consortium.example")
    account = store.accounts.find_account("fuzz@consortium.example")
    assert account is not None
    return {
        "consortium_id": consortium_id,
        "member_id": member["id"],
        "contribution_id": contribution.json["id"],
        "account_id": str(account.id),
        "party": "Gemeente Utrecht",
    }


def assert_answered(response: TestResponse) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)
    if response.status_code >= 400:
        problem_of(response)


@FUZZ
@given(data=st.data())
def test_no_json_body_makes_a_write_fail(
    app: Flask, api: Api, ids: dict[str, str], document: dict[str, Any], data: st.DataObject
) -> None:
    method, rule = data.draw(
        st.sampled_from(
            [(m, r) for m, r in api_routes(app, _WITH_BODY) if not r.endswith(_SLOW_HASHING)]
        )
    )
    keys = names_or_any(documented_names(document, method, rule))
    body = data.draw(st.dictionaries(keys, JSON, max_size=6) | JSON, label="body")

    response = api.client.open(address_of(rule, ids), method=method, json=body, headers=api.headers)

    assert_answered(response)


@FUZZ
@given(data=st.data())
def test_no_query_string_makes_a_read_fail(
    app: Flask, api: Api, ids: dict[str, str], document: dict[str, Any], data: st.DataObject
) -> None:
    _, rule = data.draw(st.sampled_from(api_routes(app, frozenset({"GET"}))))
    keys = names_or_any(documented_names(document, "GET", rule))
    query = data.draw(st.lists(st.tuples(keys, QUERY_VALUES), max_size=4), label="query")

    response = api.get(address_of(rule, ids), query_string=urlencode(query))

    assert_answered(response)


@FUZZ
@given(raw=st.text(max_size=60))
def test_no_raw_query_string_makes_the_portfolio_fail(api: Api, raw: str) -> None:
    assert_answered(api.get(CONSORTIA, query_string=raw))


# -- edge values that once made the service fail ------------------------------------------------


@pytest.mark.parametrize("read", ["", "/budget", "/financing", "/budget.csv"])
def test_as_of_at_the_ends_of_the_calendar_is_answered(
    api: Api, consortium_id: str, read: str
) -> None:
    moments = [
        "9999-12-31",
        "0001-01-01",
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00",
        # A moment in UTC, but past the calendar's end in Amsterdam (where answers write it).
        "9999-12-31T23:59:59+00:00",
    ]

    statuses = {
        moment: api.get(
            f"{CONSORTIA}/{consortium_id}{read}", query_string={"as_of": moment}
        ).status_code
        for moment in moments
    }

    assert max(statuses.values()) < 500, statuses


def test_positions_beyond_64_bits_are_answered(api: Api, consortium_id: str) -> None:
    huge = str(10**30)
    addresses = [
        f"{CONSORTIA}?cursor={huge}",
        f"{CONSORTIA}/{consortium_id}/events?after={huge}",
        f"{CONSORTIA}/{consortium_id}/contributions?cursor={huge}",
    ]

    statuses = {address: api.get(address).status_code for address in addresses}

    assert set(statuses.values()) <= {200, 422}, statuses


def test_hours_too_large_to_count_are_refused_naming_hours(api: Api, consortium_id: str) -> None:
    member = admit(api, consortium_id, "Gemeente Utrecht", "municipality", "lead")
    contribution = {
        "member_id": member["id"],
        "kind": "in_kind",
        "amount": "100.00",
        "date": "2026-03-02",
        "rate": "10.00",
        "hours": "1e30",
    }

    response = api.post(f"{CONSORTIA}/{consortium_id}/contributions", json=contribution)

    assert refused_fields(response) == {"hours"}


def test_an_absurdly_large_weight_is_refused_naming_it(api: Api, consortium_id: str) -> None:
    # Unbounded, '1E+999999999' would have the service build a number of a billion digits.
    member = admit(api, consortium_id, "Gemeente Utrecht", "municipality", "lead")

    response = api.post(
        f"{CONSORTIA}/{consortium_id}/cost-sharing",
        json={"amount": "100.00", "key": "weights", "weights": {member["id"]: "1E+100000"}},
    )

    assert refused_fields(response) == {f"weights.{member['id']}"}
