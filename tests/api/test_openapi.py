"""The OpenAPI 3.1 document describes every API address; the reference UI is served locally.

The document and the UI do not depend on the store, so this module shares one SQLite store
instead of opening a store per test on each backend.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from events.bootstrap import Store
from tests.api.support import OPENAPI, api_routes, openapi_path

DOCS = "/api/docs"
_OPERATIONS = frozenset({"GET", "PUT", "POST", "DELETE", "PATCH"})


@pytest.fixture
def store(sqlite_store: Store) -> Store:
    return sqlite_store


@pytest.fixture
def document(client: FlaskClient) -> dict[str, Any]:
    response = client.get(OPENAPI)
    assert response.status_code == 200
    body = response.json
    assert isinstance(body, dict)
    return body


def routed_operations(app: Flask) -> set[tuple[str, str]]:
    """(path, method) of every API route in the URL map, written as OpenAPI writes paths."""
    return {
        (openapi_path(rule), method.lower())
        for method, rule in api_routes(app, _OPERATIONS)
        if rule != OPENAPI
    }


def documented_operations(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (path, method)
        for path, item in document["paths"].items()
        for method in item
        if method.upper() in _OPERATIONS
    }


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and (tag, name) in {("script", "src"), ("link", "href"), ("img", "src")}:
                self.urls.append(value)


def asset_urls(html: str) -> list[str]:
    parser = _Assets()
    parser.feed(html)
    return parser.urls


def test_the_openapi_document_needs_no_token(client: FlaskClient) -> None:
    response = client.get(OPENAPI)

    assert response.status_code == 200
    assert response.mimetype == "application/json"


def test_the_openapi_document_is_version_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1.")


def test_every_api_route_is_documented(app: Flask, document: dict[str, Any]) -> None:
    assert routed_operations(app) - documented_operations(document) == set()


def test_every_documented_operation_exists(app: Flask, document: dict[str, Any]) -> None:
    assert documented_operations(document) - routed_operations(app) == set()


def test_the_contract_addresses_are_documented(document: dict[str, Any]) -> None:
    assert {
        "/api/v1/consortia",
        "/api/v1/consortia/{consortium_id}",
        "/api/v1/consortia/{consortium_id}/members",
        "/api/v1/consortia/{consortium_id}/members/{member_id}",
        "/api/v1/consortia/{consortium_id}/members/{member_id}/leave",
        "/api/v1/consortia/{consortium_id}/phase",
        "/api/v1/consortia/{consortium_id}/events",
    } <= document["paths"].keys()


def test_the_bearer_scheme_is_documented(document: dict[str, Any]) -> None:
    schemes = document["components"]["securitySchemes"]

    assert {"type": "http", "scheme": "bearer"} in [
        {k: s.get(k) for k in ("type", "scheme")} for s in schemes.values()
    ]


def test_the_bearer_scheme_applies_to_the_whole_api(document: dict[str, Any]) -> None:
    bearer = {
        name
        for name, s in document["components"]["securitySchemes"].items()
        if s.get("scheme") == "bearer"
    }

    assert any(bearer & requirement.keys() for requirement in document["security"])


def test_documented_errors_are_problem_json(document: dict[str, Any]) -> None:
    media_types = {
        media
        for item in document["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict)
        for status, answer in operation.get("responses", {}).items()
        if status.startswith("4") and "content" in answer
        for media in answer["content"]
    }

    assert media_types == {"application/problem+json"}


def test_the_reference_page_is_html(client: FlaskClient) -> None:
    response = client.get(DOCS)

    assert response.status_code == 200
    assert response.mimetype == "text/html"


def test_the_reference_page_loads_its_scripts_and_styles_locally(client: FlaskClient) -> None:
    urls = asset_urls(client.get(DOCS).get_data(as_text=True))

    assert urls
    assert all(url.startswith(f"{DOCS}/assets/") for url in urls), urls


def test_the_reference_page_assets_are_served(client: FlaskClient) -> None:
    urls = asset_urls(client.get(DOCS).get_data(as_text=True))

    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 200)


def test_the_reference_page_reads_the_local_openapi_document(client: FlaskClient) -> None:
    assert f'"{OPENAPI}"' in client.get(DOCS).get_data(as_text=True)


def test_a_contribution_needs_an_amount_unless_hours_and_rate_value_work_in_kind(
    document: dict[str, Any],
) -> None:
    schema = document["components"]["schemas"]["ContributionIn"]

    assert "amount" not in schema["required"]
    assert schema["anyOf"] == [
        {"required": ["amount"]},
        {"required": ["hours", "rate"], "properties": {"kind": {"const": "in_kind"}}},
    ]
