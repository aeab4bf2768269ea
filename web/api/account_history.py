"""An account's history for administrators: opened, capabilities, tokens, password changes,
roles granted and revoked."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView

from consortium.errors import NotAllowed
from events.account_history import account_history
from web.arguments import Blueprint
from web.auth import current_account, store
from web.problems import PROBLEM_JSON as PROBLEM
from web.schemas.audit import AccountHistoryOut
from web.schemas.common import Problem

blp = Blueprint(
    "account_history",
    __name__,
    url_prefix="/api/v1",
    description="What happened to an account (administrators).",
)


@blp.route("/accounts/<uuid:account_id>/history")
class AccountHistory(MethodView):
    @blp.response(200, AccountHistoryOut)
    @blp.alt_response(403, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(self, account_id: UUID) -> dict[str, Any]:
        """Every change to the account and its tokens, and every role granted to it or revoked
        in a consortium, oldest first, with who made it and in which request (administrators);
        never a secret, hash or feed address."""
        if not current_account().is_admin:
            raise NotAllowed("Only administrators read an account's history.")
        found = store()
        history = account_history(
            found.accounts, account_id, read=found.read, consortia=found.consortia
        )
        return {"items": history}
