"""What the app knows of a request, handed to the access line (web/serving.py) through the
WSGI environ: its request id, the actor, the consortium and the route template, never a value
of the query or a credential."""

from __future__ import annotations

from typing import Final

from flask import Flask, Response, g, request

REQUEST_FIELDS: Final = "consortium.log_fields"


def _note(response: Response) -> Response:
    account = g.get("account")
    consortium_id = (request.view_args or {}).get("consortium_id")
    request.environ[REQUEST_FIELDS] = {
        "request_id": g.get("request_id"),
        "actor": getattr(account, "email", None),
        "consortium_id": str(consortium_id) if consortium_id is not None else None,
        "route": request.url_rule.rule if request.url_rule is not None else None,
    }
    return response


def init_request_log(app: Flask) -> None:
    app.after_request(_note)
