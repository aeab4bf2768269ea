"""Helpers of the API tests: found and fill consortia through HTTP, and read problem answers."""

from __future__ import annotations

import re
from typing import Any, Final
from uuid import uuid4

from flask import Flask
from werkzeug.test import TestResponse

from tests.conftest import Api

BASE: Final = "/api/v1"
CONSORTIA: Final = f"{BASE}/consortia"
PROBLEM_JSON: Final = "application/problem+json"
PROBLEM_MEMBERS: Final = frozenset({"type", "title", "status", "detail", "instance"})
OPENAPI: Final = f"{BASE}/openapi.json"
_PARAMETER: Final = re.compile(r"<(?:([a-z]+)(?:\([^)]*\))?:)?([A-Za-z_]+)>")
_EXAMPLE_OF_CONVERTER: Final = {"int": "1", "string": "x", "path": "x"}


def found(api: Api, name: str = "Langer thuis in de wijk", **fields: Any) -> dict[str, Any]:
    """Found a consortium and answer its body (201 checked)."""
    body = {"name": name, "challenge": "Ouderen wonen langer zelfstandig thuis", **fields}
    response = api.post(CONSORTIA, json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    created: dict[str, Any] = response.json
    return created


def admit(
    api: Api,
    consortium_id: str,
    party: str,
    sector: str = "market",
    role: str = "partner",
    **fields: Any,
) -> dict[str, Any]:
    """Admit a party and answer the new member (201 checked)."""
    response = api.post(
        f"{CONSORTIA}/{consortium_id}/members",
        json={"party": party, "sector": sector, "role": role, **fields},
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    member: dict[str, Any] = response.json
    return member


def move(api: Api, consortium_id: str, phase: str, reason: str | None = None) -> Any:
    """Ask for a phase change and answer the response (typed Any, as `Api` answers)."""
    body = {"phase": phase} if reason is None else {"phase": phase, "reason": reason}
    return api.post(f"{CONSORTIA}/{consortium_id}/phase", json=body)


def problem_of(response: TestResponse) -> dict[str, Any]:
    """The RFC 9457 body of an error answer; fails unless it is problem+json with every member."""
    assert response.mimetype == PROBLEM_JSON, response.get_data(as_text=True)
    body: dict[str, Any] = response.get_json()
    assert body.keys() >= PROBLEM_MEMBERS, body
    assert body["status"] == response.status_code
    return body


def field_errors(response: TestResponse) -> dict[str, dict[str, str]]:
    """A 422 answer's `errors`, by field (fails unless the answer is a 422 problem)."""
    assert response.status_code == 422, response.get_data(as_text=True)
    return {error["field"]: error for error in problem_of(response)["errors"]}


def all_pages(api: Api, first: str) -> list[dict[str, Any]]:
    """Follow `next` links from the first page to the last; answer every item in order."""
    items: list[dict[str, Any]] = []
    url: str | None = first
    while url is not None:
        response = api.get(url)
        assert response.status_code == 200, response.get_data(as_text=True)
        items.extend(response.json["items"])
        url = response.json["next"]
    return items


def refused_fields(response: TestResponse) -> set[str] | int:
    """The fields a 422 problem names, or the status of any other answer: for tables of cases,
    so that a failure shows every case at once."""
    if response.status_code != 422:
        return response.status_code
    return {error["field"] for error in problem_of(response)["errors"]}


def api_routes(app: Flask, methods: frozenset[str]) -> list[tuple[str, str]]:
    """(method, rule) of every route under /api/v1/ taking one of these methods, sorted."""
    return sorted(
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(f"{BASE}/")
        for method in (rule.methods or set()) & methods
    )


def openapi_path(rule: str) -> str:
    """A URL-map rule as OpenAPI writes the path: /consortia/<uuid:consortium_id> → {…}."""
    return _PARAMETER.sub(r"{\2}", rule)


def address_of(rule: str, ids: dict[str, str]) -> str:
    """A URL-map rule with its parameters filled in: the given ids by name, else an example
    of the converter (a fresh UUID for uuid parameters)."""
    return _PARAMETER.sub(
        lambda m: (
            ids.get(m.group(2)) or _EXAMPLE_OF_CONVERTER.get(m.group(1) or "string") or str(uuid4())
        ),
        rule,
    )
