"""Web settings from environment variables, each optional (see DESIGN.md, Configuration)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from events.secret_key import service_secret

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
# The largest legitimate request (a consortium with a long description) is far below this.
MAX_BODY_BYTES = 256 * 1024


@dataclass(frozen=True)
class WebSettings:
    secret_key: str
    base_url: str
    max_body_bytes: int = MAX_BODY_BYTES

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> WebSettings:
        environ = os.environ if environ is None else environ
        return cls(
            secret_key=service_secret(environ),
            base_url=(environ.get("CONSORTIUM_BASE_URL") or DEFAULT_BASE_URL).rstrip("/"),
        )
