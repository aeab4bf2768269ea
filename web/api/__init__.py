"""REST API v1: one blueprint per resource, all under /api/v1."""

from __future__ import annotations

from flask_smorest import Api

from web.api import (
    accounts,
    budget,
    checkpoints,
    commitments,
    consortia,
    contributions,
    cost_sharing,
    expenditures,
    history,
    invitations,
    members,
    milestones,
    read_model,
    reminders,
    roles,
)


def register_blueprints(api: Api) -> None:
    # POST /api/v1/tokens takes an e-mail address and password instead of a bearer token.
    api.spec.components.security_scheme("basicAuth", {"type": "http", "scheme": "basic"})
    for module in (
        consortia,
        members,
        commitments,
        contributions,
        expenditures,
        cost_sharing,
        budget,
        milestones,
        checkpoints,
        reminders,
        history,
        roles,
        invitations,
        accounts,
        read_model,
    ):
        api.register_blueprint(module.blp)
