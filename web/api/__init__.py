"""REST API v1: one blueprint per resource, all under /api/v1."""

from __future__ import annotations

from flask_smorest import Api

from web.api import consortia, history, members


def register_blueprints(api: Api) -> None:
    for module in (consortia, members, history):
        api.register_blueprint(module.blp)
