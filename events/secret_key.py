"""The service's own secret: CONSORTIUM_SECRET_KEY (as the settings hold it), or a random key
made once and kept in var/.

Web sessions are signed with it, and the keys that sign a consortium's webhook calls are derived
from it, so those keys are never stored anywhere.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path
from uuid import UUID

from events.files import private_directory

SECRET_KEY_FILE = Path("var") / "secret_key"


def service_secret(configured: str = "") -> str:
    """The configured secret key, or (none configured) the one kept in var/."""
    return configured or _kept_secret_key()


def webhook_signing_key(consortium_id: UUID, key_version: int, secret: str) -> str:
    """The key a consortium's webhook calls are signed with; a new version for every change."""
    message = f"webhook:{consortium_id}:{key_version}".encode()
    key = secret.encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _kept_secret_key(path: Path = SECRET_KEY_FILE) -> str:
    """A random key made once and kept under ``var/``, so restarts keep what it signed valid."""
    if path.exists():
        return path.read_text().strip()
    private_directory(path.parent)  # var/ is the service's own: 0700
    key = secrets.token_urlsafe(48)
    # Exclusive create: when several processes start at once, one writes and the others read.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
