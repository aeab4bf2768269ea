"""The key that signs the audit chain's checkpoints: CONSORTIUM_AUDIT_SIGNING_KEY, or a key made
once and kept in var/ (as the service's secret key is, see :mod:`events.secret_key`).

The variable holds an Ed25519 private key as base64 of its 32 raw bytes; make one with
``consortium audit new-key``. Its public part is published at ``GET /api/v1/audit/public-key``.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path
from typing import Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from events.files import private_directory
from events.settings import SettingsError

SIGNING_KEY_VARIABLE: Final = "CONSORTIUM_AUDIT_SIGNING_KEY"
RETIRED_KEYS_VARIABLE: Final = "CONSORTIUM_AUDIT_RETIRED_PUBLIC_KEYS"
SIGNING_KEY_FILE: Final = Path("var") / "audit_signing_key"


def new_key_text() -> str:
    return encode_private(Ed25519PrivateKey.generate())


def encode_private(key: Ed25519PrivateKey) -> str:
    return base64.b64encode(key.private_bytes_raw()).decode("ascii")


def public_key_text(key: Ed25519PrivateKey) -> str:
    return base64.b64encode(key.public_key().public_bytes_raw()).decode("ascii")


def _raw_key(text: str, refusal: str) -> bytes:
    """The 32 bytes of a key given as base64, or SettingsError with ``refusal``."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except binascii.Error:
        raw = b""
    if len(raw) != 32:
        raise SettingsError(refusal)
    return raw


def decode_private(text: str) -> Ed25519PrivateKey:
    refusal = (
        f"{SIGNING_KEY_VARIABLE} must be an Ed25519 private key: base64 of 32 bytes "
        "(`consortium audit new-key` makes one)."
    )
    return Ed25519PrivateKey.from_private_bytes(_raw_key(text, refusal))


def decode_public(text: str) -> bytes:
    """An Ed25519 public key given as base64 of its 32 raw bytes (a retired signing key's)."""
    return _raw_key(
        text,
        f"{RETIRED_KEYS_VARIABLE} must list Ed25519 public keys, each base64 of 32 bytes "
        "(what `consortium audit public-key` printed for the key), separated by commas; "
        f"{text.strip()[:60]!r} is not one.",
    )


def audit_signing_key(given: str = "") -> Ed25519PrivateKey:
    """The key given (CONSORTIUM_AUDIT_SIGNING_KEY, from the settings), or the one kept in var/."""
    return decode_private(given.strip() or _kept_key(SIGNING_KEY_FILE))


def _kept_key(path: Path) -> str:
    """A key made once and kept under ``var/`` (0600), so restarts sign with the same key."""
    if path.exists():
        return path.read_text().strip()
    private_directory(path.parent)
    key = new_key_text()
    # Exclusive create: when several processes start at once, one writes and the others read.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
