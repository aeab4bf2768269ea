"""What the reliability suite (test_schemathesis.py) once found between the OpenAPI document and
the answers, each pinned here by name:

- a refusal's extension members ("member_id", "available") broke the closed Problem schema;
- `as_of` was sent as null, documented as a string; a share's weight and a contribution's hours
  were sent as text, documented as numbers;
- revoking a revoked role answered an undocumented 409;
- a boolean in a body took 0, 1 and "yes"; a body that may be left out was documented required;
- the document did not say how an amount is written, nor that text holds no control character.

The document does not depend on the store, so this module shares one SQLite store.
"""

from __future__ import annotations

import re
from typing import Any, Final

import pytest
from flask.testing import FlaskClient

from consortium.errors import InvalidValue
from consortium.money import Money
from consortium.text import control_character, line_break
from events.bootstrap import Store
from tests.api.support import CONSORTIA, OPENAPI, admit, field_errors, found
from tests.conftest import Api

ACCOUNTS: Final = "/api/v1/accounts"


@pytest.fixture
def store(sqlite_store: Store) -> Store:
    return sqlite_store


@pytest.fixture
def document(client: FlaskClient) -> dict[str, Any]:
    body = client.get(OPENAPI).json
    assert isinstance(body, dict)
    return body


def schema_of(document: dict[str, Any], name: str) -> dict[str, Any]:
    schema: dict[str, Any] = document["components"]["schemas"][name]
    return schema


def operation(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    found_operation: dict[str, Any] = document["paths"][f"/api/v1{path}"][method]
    return found_operation


def test_as_of_is_documented_as_null_for_now(document: dict[str, Any]) -> None:
    as_of = schema_of(document, "ConsortiumOut")["properties"]["as_of"]

    assert as_of["type"] == ["string", "null"]


@pytest.mark.parametrize(
    ("schema", "field", "kind"),
    [("ShareOut", "weight", "string"), ("ContributionOut", "hours", ["string", "null"])],
)
def test_a_decimal_sent_as_text_is_documented_as_text(
    document: dict[str, Any], schema: str, field: str, kind: Any
) -> None:
    documented = schema_of(document, schema)["properties"][field]

    assert (documented["type"], documented["format"]) == (kind, "decimal")


def test_revoking_a_revoked_role_is_a_documented_409(document: dict[str, Any]) -> None:
    path = "/consortia/{consortium_id}/roles/{grant_id}/revoke"

    assert "409" in operation(document, "post", path)["responses"]


@pytest.mark.parametrize(("method", "path"), [("patch", "/{id}"), ("post", "/{id}/tokens")])
def test_a_body_that_may_be_left_out_is_documented_optional(
    document: dict[str, Any], method: str, path: str
) -> None:
    path = "/accounts" + path.replace("{id}", "{account_id}")

    assert operation(document, method, path)["requestBody"]["required"] is False


@pytest.mark.parametrize("value", [0, 1, "true", "yes"])
def test_a_boolean_in_a_body_is_true_or_false_only(api: Api, value: Any) -> None:
    response = api.post(ACCOUNTS, json={"email": "nieuw@consortium.example", "is_admin": value})

    assert field_errors(response)["is_admin"]["detail"] == "Send true or false."


def test_a_reminder_policy_refuses_a_number_for_a_boolean(api: Api) -> None:
    consortium_id = found(api)["id"]
    response = api.client.put(
        f"{CONSORTIA}/{consortium_id}/reminder-policy",
        json={"offsets": [7], "escalate_to_funders": 0},
        headers=api.headers,
    )

    assert set(field_errors(response)) == {"escalate_to_funders"}


# Money.parse also forgives spaces around an amount, which the pattern does not mention.
AMOUNTS: Final = ["0", "1250", "1250.5", "-3.25", "1250.", ".5", "1,50", "1e3", "1250.001", "€5"]


@pytest.mark.parametrize("text", AMOUNTS)
def test_the_documented_amount_pattern_reads_what_money_reads(
    document: dict[str, Any], text: str
) -> None:
    pattern = schema_of(document, "CommitmentIn")["properties"]["amount"]["pattern"]
    try:
        Money.parse(text)
        reads = True
    except InvalidValue:
        reads = False

    assert bool(re.search(pattern, text)) is reads


TEXTS: Final = ["Gemeente Utrecht", "tab\there", "line\nbreak", "nul\x00", "esc\x1b", "c1\x85"]


@pytest.mark.parametrize("text", TEXTS)
def test_the_documented_text_patterns_refuse_what_the_api_refuses(
    document: dict[str, Any], text: str
) -> None:
    properties = schema_of(document, "ConsortiumIn")["properties"]
    one_line, long_text = properties["name"]["pattern"], properties["description"]["pattern"]

    assert bool(re.search(long_text, text)) is (control_character(text) is None)
    assert bool(re.search(one_line, text)) is (control_character(text) is line_break(text) is None)


def test_a_response_amount_has_no_pattern(document: dict[str, Any]) -> None:
    # Totals may run longer than one amount a client sends.
    assert "pattern" not in schema_of(document, "FiguresOut")["properties"]["committed"]


def test_a_refusal_naming_what_it_concerned_fits_the_documented_problem(
    api: Api, document: dict[str, Any]
) -> None:
    consortium_id = found(api)["id"]
    admit(api, consortium_id, "Gemeente Houten")
    response = api.post(
        f"{CONSORTIA}/{consortium_id}/members",
        json={"party": "Gemeente Houten", "sector": "market", "role": "partner"},
    )
    problem = schema_of(document, "Problem")

    assert response.status_code == 409
    assert response.json.keys() - problem["properties"].keys() == {"member_id"}
    assert problem["additionalProperties"] is True
