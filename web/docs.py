"""The interactive API reference at /api/docs, from Swagger UI files installed with the project."""

from __future__ import annotations

from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, Flask, Response, send_from_directory

ASSETS = Path(flask_swagger_ui.__file__).parent / "dist"
ASSETS_URL = "/api/docs/assets/"

blp = Blueprint("docs_assets", __name__)


@blp.get(f"{ASSETS_URL}<path:filename>")
def asset(filename: str) -> Response:
    return send_from_directory(ASSETS, filename, max_age=24 * 3600)


def docs_config() -> dict[str, object]:
    """flask-smorest settings: the OpenAPI document and its UI, both served locally."""
    return {
        "API_TITLE": "Consortium API",
        "API_VERSION": "1",
        "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "v1/openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        "OPENAPI_SWAGGER_UI_URL": ASSETS_URL,
        "API_SPEC_OPTIONS": {
            "info": {
                "description": (
                    "The shared ledger, calendar and memory of joint innovation consortia. "
                    "Send `Authorization: Bearer <token>`; errors are "
                    "`application/problem+json` (RFC 9457). Money is a string with two "
                    "decimals; instants are ISO 8601 with offset."
                )
            },
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearerAuth": []}],
        },
    }


def init_docs(app: Flask) -> None:
    app.register_blueprint(blp)
