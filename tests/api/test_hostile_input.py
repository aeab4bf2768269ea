"""Text the stores cannot hold is refused at the edge with 422, naming the field: a control
character (NUL among them, which PostgreSQL cannot store) or a lone surrogate (which no UTF-8
encodes), in any text of a body, a query string or an address. Long text (a challenge, a
description, a reason, a note, conditions) may hold tabs and line breaks; other text stays on
one line.

Once, a NUL in a name was recorded (201) and the PostgreSQL read model then failed on that
event forever; a NUL in a filter or an address, and a lone surrogate anywhere, were 500s. The
fields come from the OpenAPI document, so a new field or endpoint is covered without touching
this file. Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator
from typing import Any, Final
from urllib.parse import quote

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from tests.api.support import (
    BASE,
    CONSORTIA,
    OPENAPI,
    address_of,
    admit,
    api_routes,
    field_errors,
    found,
    openapi_path,
    refused_fields,
)
from tests.conftest import Api

NUL: Final = "nul\u0000name"
_WITH_BODY: Final = frozenset({"POST", "PUT", "PATCH"})
# The fields of long text, by name: tabs and line breaks are welcome there.
LONG_TEXT: Final = frozenset({"challenge", "description", "reason", "note", "conditions"})


@pytest.fixture
def document(api: Api) -> dict[str, Any]:
    body = api.client.get(OPENAPI).json
    assert isinstance(body, dict)
    return body


def _types(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type", [])
    return [kind] if isinstance(kind, str) else list(kind)


def _is_free_text(schema: dict[str, Any]) -> bool:
    return "string" in _types(schema) and not {"enum", "format"} & schema.keys()


def text_fields(
    schema: dict[str, Any], document: dict[str, Any], path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """(path, schema) of every text a body of this schema holds; "0" stands for a list item."""
    reference = schema.get("$ref")
    if reference:
        schema = document["components"]["schemas"][reference.rsplit("/", 1)[-1]]
    if "string" in _types(schema) and "enum" not in schema:
        yield path, schema
    if "array" in _types(schema):
        yield from text_fields(schema["items"], document, (*path, "0"))
    for name, member in schema.get("properties", {}).items():
        yield from text_fields(member, document, (*path, name))


Case = tuple[str, str, str]  # method, URL rule, field (dotted)


def body_text_fields(app: Flask, document: dict[str, Any]) -> list[tuple[Case, dict[str, Any]]]:
    """Every text field of every documented request body, with its schema."""
    fields = []
    for method, rule in api_routes(app, _WITH_BODY):
        operation = document["paths"].get(openapi_path(rule), {}).get(method.lower(), {})
        content = operation.get("requestBody", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        for path, field_schema in text_fields(schema or {}, document):
            fields.append(((method, rule, ".".join(path)), field_schema))
    return fields


def text_parameters(app: Flask, document: dict[str, Any], where: str) -> list[Case]:
    """Every documented free-text parameter of a read, in the query or in the address."""
    cases: list[Case] = []
    for method, rule in api_routes(app, frozenset({"GET"})):
        item = document["paths"].get(openapi_path(rule), {})
        parameters = [*item.get("parameters", []), *item.get("get", {}).get("parameters", [])]
        names = {p["name"] for p in parameters if p["in"] == where and _is_free_text(p["schema"])}
        cases.extend((method, rule, name) for name in sorted(names))
    return cases


def placed(field: str, value: str) -> Any:
    """A body holding ``value`` at the (dotted) field and nothing else."""
    body: Any = value
    for step in reversed(field.split(".")):
        body = [body] if step == "0" else {step: body}
    return body


def send(api: Api, case: Case, value: str) -> TestResponse:
    """Send ``value`` in the field of the case: in the body, else in the address or the query."""
    method, rule, field = case
    if method != "GET":
        body = placed(field, value)
        return api.client.open(address_of(rule, {}), method=method, json=body, headers=api.headers)
    if f"<{field}>" in rule or f":{field}>" in rule:
        response: TestResponse = api.get(address_of(rule, {field: quote(value)}))
    else:
        response = api.get(address_of(rule, {}), query_string={field: value})
    return response


def not_refused(api: Api, cases: Iterable[Case], value: str) -> dict[Case, set[str] | int]:
    """The cases whose answer is not a 422 naming the field, with what was answered instead."""
    answers = {case: refused_fields(send(api, case, value)) for case in cases}
    return {
        case: answer
        for case, answer in answers.items()
        if not (isinstance(answer, set) and case[2] in answer)
    }


def refused_or_failed(api: Api, cases: Iterable[Case], value: str) -> dict[Case, set[str] | int]:
    """The cases answered with a 422 naming the field, or a 5xx."""
    answers = {case: refused_fields(send(api, case, value)) for case in cases}
    return {
        case: answer
        for case, answer in answers.items()
        if (case[2] in answer if isinstance(answer, set) else answer >= 500)
    }


# -- the defects as found ------------------------------------------------------------------------


def test_a_name_holding_a_nul_is_refused_naming_the_name(api: Api) -> None:
    response = api.post(CONSORTIA, json={"name": NUL, "challenge": "c"})

    assert field_errors(response)["name"] == {
        "field": "name",
        "pointer": "#/name",
        "detail": "Text may not hold a control character (U+0000).",
    }


def test_after_a_refused_nul_the_portfolio_shows_the_next_founding(api: Api) -> None:
    api.post(CONSORTIA, json={"name": NUL, "challenge": "c"})
    found(api, "Slimme wijk")

    names = [item["name"] for item in api.get(CONSORTIA).json["items"]]

    assert names == ["Slimme wijk"]


def test_a_lone_surrogate_escaped_in_json_is_refused_naming_the_field(api: Api) -> None:
    response = api.client.post(
        CONSORTIA,
        data='{"name": "\\ud800", "challenge": "c"}',
        content_type="application/json",
        headers=api.headers,
    )

    assert (
        field_errors(response)["name"]["detail"] == "Text may not hold a lone surrogate (U+D800)."
    )


def test_a_lone_surrogate_with_an_idempotency_key_is_refused_naming_the_field(
    api: Api, consortium_id: str
) -> None:
    member = admit(api, consortium_id, "Gemeente Utrecht", "municipality", "lead")
    body = (
        f'{{"member_id": "{member["id"]}", "kind": "cash", "amount": "100.00",'
        ' "date": "2026-03-02", "reference": "\\udc00"}'
    )

    response = api.client.post(
        f"{CONSORTIA}/{consortium_id}/contributions",
        data=body,
        content_type="application/json",
        headers={**api.headers, "Idempotency-Key": "hostile-1"},
    )

    assert refused_fields(response) == {"reference"}


@pytest.mark.parametrize("name", ["q", "party"])
def test_a_portfolio_filter_holding_a_nul_is_refused_naming_it(api: Api, name: str) -> None:
    response = api.get(f"{CONSORTIA}?{name}=a%00b")

    assert field_errors(response)[name]["pointer"] == f"query:{name}"


def test_a_party_in_the_address_holding_a_nul_is_refused_naming_it(api: Api) -> None:
    # The address exists; what it names cannot be: 422 with the path parameter, not a 404.
    response = api.get(f"{BASE}/members/a%00b/money")

    assert field_errors(response)["party"]["pointer"] == "path:party"


def forged_cursor(*parts: Any) -> str:
    """A portfolio cursor as the service writes them (base64 of a JSON list), with any parts."""
    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "parts",
    [
        ("founded", 2**63, 1),
        ("founded", 1, 2**63),
        ("founded", -(2**63) - 1, 1),
        ("name", "nul\u0000", 1),
        ("name", "\ud800", 1),
    ],
    ids=["key-2**63", "position-2**63", "key-below-64-bits", "nul", "surrogate"],
)
def test_a_forged_portfolio_cursor_the_database_cannot_compare_is_refused(
    api: Api, parts: tuple[Any, ...]
) -> None:
    found(api)
    sort = parts[0]

    response = api.get(CONSORTIA, query_string={"sort": sort, "cursor": forged_cursor(*parts)})

    assert field_errors(response)["cursor"]["pointer"] == "query:cursor"


# -- every text, one rule ----------------------------------------------------------------------


def test_every_text_field_of_every_body_refuses_a_nul(
    app: Flask, api: Api, document: dict[str, Any]
) -> None:
    cases = [case for case, _ in body_text_fields(app, document)]
    assert len(cases) > 20, cases  # the walk found the bodies

    assert not_refused(api, cases, NUL) == {}


def test_every_text_field_of_every_body_refuses_a_lone_surrogate(
    app: Flask, api: Api, document: dict[str, Any]
) -> None:
    cases = [case for case, _ in body_text_fields(app, document)]

    assert not_refused(api, cases, "\ud800") == {}


@pytest.mark.parametrize("character", ["\t", "\n", "\r", "\u2028"], ids=repr)
def test_every_one_line_text_of_every_body_refuses_a_tab_or_line_break(
    app: Flask, api: Api, document: dict[str, Any], character: str
) -> None:
    one_line = [
        case
        for case, schema in body_text_fields(app, document)
        if case[2].rsplit(".", 1)[-1] not in LONG_TEXT and _is_free_text(schema)
    ]
    named = {field for _, _, field in one_line}
    assert {"name", "party", "title", "reference", "questions.0", "answers.0.question"} <= named

    assert not_refused(api, one_line, f"a{character}b") == {}


def test_every_long_text_of_every_body_takes_tabs_and_line_breaks(
    app: Flask, api: Api, document: dict[str, Any]
) -> None:
    long_text = [
        case
        for case, _ in body_text_fields(app, document)
        if case[2].rsplit(".", 1)[-1] in LONG_TEXT
    ]
    assert len(long_text) >= 10, long_text

    assert refused_or_failed(api, long_text, "Eén\r\n\tTwee") == {}


def test_long_text_is_recorded_with_its_tabs_and_line_breaks(api: Api) -> None:
    challenge = "Ouderen wonen langer thuis.\nMaar:\r\n\t- eenzaamheid"

    consortium = found(api, challenge=challenge, description="Eerste regel\nTweede regel")

    assert consortium["challenge"] == challenge
    assert consortium["description"] == "Eerste regel\nTweede regel"


@pytest.mark.parametrize("character", ["\x1b", "\x7f", "\x85", "\x0b"])
def test_long_text_refuses_other_control_characters(api: Api, character: str) -> None:
    response = api.post(CONSORTIA, json={"name": "N", "challenge": f"a{character}b"})

    assert refused_fields(response) == {"challenge"}


def test_every_text_query_parameter_refuses_a_nul(
    app: Flask, api: Api, document: dict[str, Any]
) -> None:
    cases = text_parameters(app, document, "query")
    assert {"q", "party", "cursor"} <= {name for _, _, name in cases}

    assert not_refused(api, cases, NUL) == {}


def test_every_text_path_parameter_refuses_a_nul(
    app: Flask, api: Api, document: dict[str, Any]
) -> None:
    cases = text_parameters(app, document, "path")
    assert ("GET", "/api/v1/members/<string:party>/money", "party") in cases

    assert not_refused(api, cases, NUL) == {}
