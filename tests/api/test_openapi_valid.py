"""The OpenAPI document is valid OpenAPI 3.1, checked whole against the specification's schema
(openapi-spec-validator, which also follows every $ref). It once gave the bounds of a weight
as text ("minimum": "0"), which no client generator accepts.

The document does not depend on the store, so this module shares one SQLite store.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from openapi_spec_validator import OpenAPIV31SpecValidator

from events.bootstrap import Store
from tests.api.support import OPENAPI


@pytest.fixture
def store(sqlite_store: Store) -> Store:
    return sqlite_store


@pytest.fixture
def document(client: FlaskClient) -> dict[str, Any]:
    body = client.get(OPENAPI).json
    assert isinstance(body, dict)
    return body


def test_the_openapi_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    errors = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in OpenAPIV31SpecValidator(document).iter_errors()
    ]

    assert errors == []


def test_the_bounds_of_a_weight_are_numbers(document: dict[str, Any]) -> None:
    weights = document["components"]["schemas"]["CostSharingIn"]["properties"]["weights"]

    assert weights["additionalProperties"] == {"type": "number", "minimum": 0, "maximum": 10**12}
