"""Reminders of a consortium: what was sent, to whom and when; what is planned next; the policy."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from flask.views import MethodView

from consortium.errors import NotFound
from consortium.reminders import ReminderPolicy, Webhook
from web.arguments import Blueprint
from web.auth import current_caller, store
from web.problems import PROBLEM_JSON as PROBLEM
from web.schemas.common import Problem
from web.schemas.reminders import (
    ReminderPolicyIn,
    ReminderPolicyOut,
    RemindersOut,
    WebhookIn,
    WebhookOut,
)

blp = Blueprint(
    "reminders",
    __name__,
    url_prefix="/api/v1/consortia/<uuid:consortium_id>",
    description="Reminders before validation checkpoints, and escalations when overdue.",
)


@blp.route("/reminders")
class Reminders(MethodView):
    @blp.response(200, RemindersOut)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(self, consortium_id: UUID) -> dict[str, Any]:
        """Every reminder scheduled (delivered or not yet), and the next one per checkpoint."""
        sent, policy, planned = store().reminders.overview(consortium_id, current_caller())
        return {"policy": policy, "sent": sent, "planned": planned}


@blp.route("/reminder-policy")
class ReminderPolicyView(MethodView):
    @blp.response(200, ReminderPolicyOut)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(self, consortium_id: UUID) -> ReminderPolicy:
        """When this consortium's people are reminded."""
        return store().consortia.consortium(consortium_id, current_caller()).reminder_policy

    @blp.arguments(ReminderPolicyIn)
    @blp.response(200, ReminderPolicyOut)
    @blp.alt_response(403, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def put(self, data: dict[str, Any], consortium_id: UUID) -> ReminderPolicy:
        """Change the days to remind on (default 14, 3 and 0) and whether funders hear of
        overdue checkpoints."""
        return store().reminders.change_policy(consortium_id, **data, caller=current_caller())


@blp.route("/webhook")
class WebhookView(MethodView):
    @blp.response(200, WebhookOut)
    @blp.alt_response(403, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(self, consortium_id: UUID) -> dict[str, Any]:
        """The webhook reminders are posted to, with its signing key (programme managers)."""
        caller = current_caller()
        consortium = store().consortia.consortium(consortium_id, caller)
        consortium.check_can_manage(caller.principal)
        if consortium.webhook is None:
            raise NotFound("This consortium has no webhook.")
        return _shown(consortium_id, consortium.webhook)

    @blp.arguments(WebhookIn)
    @blp.response(200, WebhookOut)
    @blp.alt_response(403, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def put(self, data: dict[str, Any], consortium_id: UUID) -> dict[str, Any]:
        """Post reminders to this address too, signed with a new key (shown here). Only an
        https address on the public internet is accepted (see the `url` field)."""
        webhook, _ = store().reminders.set_webhook(
            consortium_id, data["url"], caller=current_caller()
        )
        return _shown(consortium_id, webhook)

    @blp.response(204)
    @blp.alt_response(403, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(409, schema=Problem, content_type=PROBLEM)
    def delete(self, consortium_id: UUID) -> None:
        """Stop posting reminders to the webhook."""
        store().reminders.remove_webhook(consortium_id, caller=current_caller())


def _shown(consortium_id: UUID, webhook: Webhook) -> dict[str, Any]:
    return {
        "url": webhook.url,
        "key_version": webhook.key_version,
        "signing_key": store().reminders.signing_key(consortium_id, webhook.key_version),
    }
