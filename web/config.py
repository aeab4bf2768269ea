"""Web settings from environment variables, each optional (see DESIGN.md, Configuration)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
SECRET_KEY_FILE = Path("var") / "secret_key"
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
            secret_key=environ.get("CONSORTIUM_SECRET_KEY") or _kept_secret_key(),
            base_url=(environ.get("CONSORTIUM_BASE_URL") or DEFAULT_BASE_URL).rstrip("/"),
        )


def _kept_secret_key(path: Path = SECRET_KEY_FILE) -> str:
    """A random key made once and kept under ``var/``, so restarts keep sessions valid."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    # Exclusive create: when several workers start at once, one writes and the others read.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
