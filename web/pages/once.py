"""A form sent twice (a double click, the back button, a reload) books once: each form carries a
key of its own, and the store records the first booking under it in the same transaction
(events/idempotency.py, as the API's Idempotency-Key header)."""

from __future__ import annotations

import uuid
from typing import Any, Final

from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField
from wtforms.validators import InputRequired, Regexp

from events.idempotency import IdempotencyClaim, StoredResponse
from web.auth import current_caller

# Every resending of a form counts as the same request, whatever was changed in it meanwhile:
# a new booking needs a new form.
_SAME_FORM: Final = "page form"
SENT_BEFORE: Final = "This form was sent before and booked once; open the form again for another."


def new_key() -> str:
    return uuid.uuid4().hex


def once_field() -> HiddenField:
    return HiddenField(
        default=new_key,
        validators=[
            InputRequired(_l("This form has expired; send it again.")),
            Regexp(r"^[0-9a-f]{32}$", message=_l("This form has expired; send it again.")),
        ],
    )


def claim(key: str) -> IdempotencyClaim:
    scope = f"{current_caller().actor} page {request.method} {request.path}"
    return IdempotencyClaim(scope=scope, key=key, fingerprint=_SAME_FORM, render=_booked)


def _booked(result: Any) -> StoredResponse:
    return StoredResponse(201, {"id": str(getattr(result, "id", ""))})
