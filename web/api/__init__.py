"""REST API v1: one blueprint per resource, all under /api/v1."""

from __future__ import annotations

from flask_smorest import Api

from web.api import (
    account_history,
    accounts,
    adoption,
    audit,
    budget,
    catalogue,
    checkpoints,
    commitments,
    consortia,
    contributions,
    cost_sharing,
    expenditures,
    exports,
    financing,
    history,
    invitations,
    key_versions,
    members,
    milestones,
    read_model,
    reminders,
    roles,
    trace,
)
from web.schemas.money import CONTRIBUTION_IN_RULES, ContributionIn


def register_blueprints(api: Api) -> None:
    # Rules across fields that marshmallow cannot say in a field, named before first use.
    api.spec.components.schema("ContributionIn", CONTRIBUTION_IN_RULES, schema=ContributionIn)
    # POST /api/v1/tokens takes an e-mail address and password instead of a bearer token.
    api.spec.components.security_scheme("basicAuth", {"type": "http", "scheme": "basic"})
    for module in (
        consortia,
        members,
        commitments,
        contributions,
        expenditures,
        cost_sharing,
        key_versions,
        budget,
        trace,
        exports,
        financing,
        milestones,
        checkpoints,
        reminders,
        history,
        roles,
        invitations,
        accounts,
        account_history,
        read_model,
        catalogue,
        adoption,
        audit,
    ):
        api.register_blueprint(module.blp)
