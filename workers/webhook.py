"""Posting a reminder to a consortium's webhook, signed so the receiver can trust it.

The body is JSON; the header ``X-Consortium-Signature: sha256=<hex>`` is the HMAC-SHA256 of the
body with the consortium's webhook key (shown once when the webhook was set), and
``X-Consortium-Delivery`` names the reminder: the same value for a retry, so a receiver can
drop a delivery it has seen. Anything but a 2xx answer raises, and the task is retried.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from typing import Any, Final

TIMEOUT_SECONDS: Final = 10
SIGNATURE_HEADER: Final = "X-Consortium-Signature"
DELIVERY_HEADER: Final = "X-Consortium-Delivery"


class WebhookRefused(OSError):
    """The receiver answered with something other than 2xx (retried like a network error)."""


def signature(body: bytes, key: str) -> str:
    return "sha256=" + hmac.new(key.encode(), body, hashlib.sha256).hexdigest()


def post(url: str, payload: dict[str, Any], key: str, delivery: str) -> None:
    body = json.dumps(payload, sort_keys=True).encode()
    request = urllib.request.Request(  # noqa: S310 - the consortium's own http(s) address
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "consortium-reminders",
            SIGNATURE_HEADER: signature(body, key),
            DELIVERY_HEADER: delivery,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as error:
        raise WebhookRefused(f"{url} answered {error.code}") from None
    if not 200 <= status < 300:
        raise WebhookRefused(f"{url} answered {status}")
