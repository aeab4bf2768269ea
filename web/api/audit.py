"""The audit chain on the API: its public key, verification, the offline verifier, and a
consortium's events as JSON Lines with their links (see docs/audit.md)."""

from __future__ import annotations

import base64
from importlib import resources
from typing import Any, Final
from uuid import UUID

from flask import Response
from flask.views import MethodView

from consortium.errors import NotAllowed
from events.audit.verify import ChainReport
from web.arguments import Blueprint
from web.auth import current_account, current_caller, store
from web.problems import PROBLEM_JSON as PROBLEM
from web.schemas.audit import PublicKeyOut, VerifyOut
from web.schemas.common import Problem

blp = Blueprint(
    "audit",
    __name__,
    url_prefix="/api/v1",
    description="The tamper-evident history: hash chain, signed checkpoints, exports.",
)
JSON_LINES: Final = "application/jsonl"
_NO_TOKEN: dict[str, Any] = {"security": []}
VERIFIER: Final = "/api/v1/audit/verifier.py"
_EXPORT_DESCRIPTION: Final = (
    "JSON Lines: a header, the consortium's events with their links, digests of other "
    "streams' events in between, and a signed checkpoint last."
)
# One line of the export (docs/audit.md describes each kind and its fields).
_EXPORT_LINE: Final[dict[str, Any]] = {
    "type": "object",
    "required": ["kind"],
    "properties": {
        "kind": {"type": "string", "enum": ["header", "event", "elided", "checkpoint"]},
        "notification_id": {"type": "integer"},
        "originator_id": {"type": "string", "description": "32 hex digits."},
        "originator_version": {"type": "integer"},
        "topic": {"type": "string"},
        "state": {"type": "string", "description": "The stored event, as recorded."},
        "state_encoding": {"type": "string", "enum": ["utf-8", "base64"]},
        "previous_link": {"type": "string", "description": "SHA-256, hex."},
        "link": {"type": "string", "description": "SHA-256, hex."},
        "digests": {"type": "array", "items": {"type": "string"}},
        "signature": {"type": "string", "description": "Ed25519, base64."},
    },
}


@blp.route("/audit/public-key")
class PublicKey(MethodView):
    @blp.response(200, PublicKeyOut)
    @blp.doc(**_NO_TOKEN)
    def get(self) -> dict[str, Any]:
        """The public key that checkpoints are signed with, and the keys that signed them
        before it (no token needed). Compare them with the keys you got from someone you trust
        before relying on them."""
        audit = store().audit
        retired = [
            base64.b64encode(key).decode("ascii") for key in sorted(audit.retired_public_keys)
        ]
        return {
            "public_key": audit.public_key_text,
            "retired_public_keys": retired,
            "verifier": VERIFIER,
        }


@blp.route("/audit/verifier.py")
class Verifier(MethodView):
    @blp.response(200, content_type="text/x-python", description="A Python 3.11+ script.")
    @blp.doc(**_NO_TOKEN)
    def get(self) -> Response:
        """The offline verifier (standard library only): `python verifier.py export.jsonl
        --public-key KEY` checks an export's chain and signed checkpoint and prints the budget
        totals recomputed from its events (no token needed)."""
        script = resources.files("events.audit").joinpath("verify_export.py").read_bytes()
        return Response(
            script,
            content_type="text/x-python; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="verify_export.py"'},
        )


@blp.route("/audit/verify")
class Verify(MethodView):
    @blp.response(200, VerifyOut)
    @blp.alt_response(403, schema=Problem, content_type=PROBLEM)
    def get(self) -> dict[str, Any]:
        """Recompute every application's chain from its first event (administrators); a broken
        chain names where: the notification id, the event and its consortium."""
        if not current_account().is_admin:
            raise NotAllowed("Only administrators verify the whole store.")
        reports = store().audit.verify()
        return {
            "intact": all(r.intact for r in reports),
            "applications": [_report(r) for r in reports],
        }


def _report(report: ChainReport) -> dict[str, Any]:
    return {
        "application": report.application,
        "intact": report.intact,
        "events": report.events,
        "last_notification_id": report.last_notification_id,
        "checkpoints": report.checkpoints,
        "broken": report.broken,
    }


@blp.route("/consortia/<uuid:consortium_id>/events.jsonl")
class EventExport(MethodView):
    @blp.response(200, content_type=JSON_LINES, description=_EXPORT_DESCRIPTION)
    @blp.alt_response(403, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    @blp.doc(
        responses={
            "200": {
                "description": _EXPORT_DESCRIPTION,
                "content": {JSON_LINES: {"schema": _EXPORT_LINE}},
            }
        }
    )
    def get(self, consortium_id: UUID) -> Response:
        """The consortium's events as recorded, with their chain links and a checkpoint signed
        now (funders and programme managers); check it offline with the verifier
        (`GET /api/v1/audit/verifier.py`). Streamed: any size, in constant memory."""
        lines = store().audit.export_consortium(consortium_id, current_caller())
        filename = f"consortium-{consortium_id}-events.jsonl"
        return Response(
            lines,
            content_type=JSON_LINES,
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )
