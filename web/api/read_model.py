"""The read model's status, for administrators: its position in the log, and what it skipped."""

from __future__ import annotations

from flask.views import MethodView

from consortium.errors import NotAllowed
from events.readmodel.side import Status
from web.arguments import Blueprint
from web.auth import current_account, store
from web.problems import PROBLEM_JSON as PROBLEM
from web.schemas.common import Problem
from web.schemas.read_model import ReadModelOut

blp = Blueprint(
    "read_model",
    __name__,
    url_prefix="/api/v1",
    description="The read model behind the lists (administrators).",
)


@blp.route("/read-model")
class ReadModel(MethodView):
    @blp.response(200, ReadModelOut)
    @blp.alt_response(403, schema=Problem, content_type=PROBLEM)
    def get(self) -> Status:
        """How far the lists are behind the event log, and the events they could not apply
        (which event, of which consortium, and why), as they are now."""
        if not current_account().is_admin:
            raise NotAllowed("Only administrators see the read model's status.")
        return store().read.status()
